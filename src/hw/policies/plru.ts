// Tree pseudo-LRU, as in most L1/L2 caches: a binary tree of ways - 1 bits per
// set, each bit pointing towards the half to evict next. A touch turns every
// bit on the way's path to point away from it; the victim follows the bits.
// Ways that are not a power of two (12-way STLB) use the tree of the next
// power of two, and the walk is forced left whenever the right half holds no
// real way, so the victim is always a real way.
//
//   4 ways:        b1            touch(2): b1 = 0 (evict left),  b3 = 1
//                /    \          victim:   b1 = 0 -> b2 -> way 0 or 1
//              b2      b3
//             w0 w1  w2 w3
import type { ReplacementName, ReplacementPolicy } from './replacement.js';

export class PlruPolicy implements ReplacementPolicy {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  readonly name: ReplacementName = 'plru';
  /** Leaves in the tree: the next power of two >= ways. */
  private declare readonly leaves: number;
  private declare readonly depth: number;
  /** Node i of set s at bits[s * leaves + i], nodes numbered 1..leaves-1 (heap order). */
  private declare readonly bits: Uint8Array;
  private declare readonly ways: number;

  constructor(sets: number, ways: number) {
    this.ways = ways;
    let leaves = 1;
    let depth = 0;
    while (leaves < ways) {
      leaves *= 2;
      depth++;
    }
    this.leaves = leaves;
    this.depth = depth;
    this.bits = new Uint8Array(sets * leaves);
  }

  touch(set: number, way: number): void {
    const base = set * this.leaves;
    let node = 1;
    for (let level = this.depth - 1; level >= 0; level--) {
      const dir = (way >>> level) & 1;
      this.bits[base + node] = dir ^ 1; // point away from the way just used
      node = node * 2 + dir;
    }
  }

  victim(set: number): number {
    const base = set * this.leaves;
    let node = 1;
    let way = 0;
    for (let level = this.depth - 1; level >= 0; level--) {
      let dir = this.bits[base + node];
      // The right half starts at way + 2^level; force left if it is empty.
      if (dir === 1 && way + (1 << level) >= this.ways) dir = 0;
      way += dir << level;
      node = node * 2 + dir;
    }
    return way;
  }

  reset(): void {
    this.bits.fill(0);
  }
}
