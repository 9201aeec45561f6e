// True LRU for a set-associative structure: each set's ways in a doubly
// linked list from the most recently used (head) to the least (tail), so a
// touch is a constant-time unlink and push, and the victim is the tail, read
// in one load. (Timestamps would make a touch one store but the victim a
// scan of the set with a hard-to-predict compare per way: on a 16-way LLC
// that scan was a quarter of the time of a random memory reference.)
// Hardware rarely implements true LRU above 4 ways, but it is the reference
// other policies are compared against, and the one cachegrind simulates.
//
//   set of 4 ways after touch(2), touch(0):   head -> 0 <-> 2 <-> 3 <-> 1 <- tail
//
// Ways never touched sit at the tail end in index order (way 0 is evicted
// first), as with timestamps that all start at 0 and a scan that keeps the
// first minimum.
import type { ReplacementName, ReplacementPolicy } from './replacement.js';

export class LruPolicy implements ReplacementPolicy {
  // Fields are `declare`d so that V8 keeps numbers untagged (see mmu.ts HitPath).
  readonly name: ReplacementName = 'lru';
  /**
   * One record per set, so that a touch reads and writes one or two host
   * cache lines instead of four arrays (a random LLC reference misses the
   * host's caches on each):
   *
   *   rec = set * (2 * ways + 2)
   *   links[rec + way]            prev: the more recently used way, -1 at the head
   *   links[rec + ways + way]     next: the less recently used way, -1 at the tail
   *   links[rec + 2 * ways]       head: the most recently used way
   *   links[rec + 2 * ways + 1]   tail: the least recently used way
   */
  private declare readonly links: Int8Array | Int32Array;
  private declare readonly stride: number;
  private declare readonly sets: number;
  private declare readonly ways: number;

  constructor(sets: number, ways: number) {
    this.sets = sets;
    this.ways = ways;
    // One byte per link: a 16-way 8 MiB LLC's lists take 34 bytes a set, 4.25 MiB.
    const Links = ways <= 127 ? Int8Array : Int32Array;
    this.stride = 2 * ways + 2;
    this.links = new Links(sets * this.stride);
    this.reset();
  }

  touch(set: number, way: number): void {
    const links = this.links;
    const ways = this.ways;
    const rec = set * this.stride;
    const nx = rec + ways; // next links
    const end = nx + ways; // head, then tail
    const h = links[end]!;
    if (h === way) return;
    // Unlink `way` (it has a predecessor: it is not the head)...
    const p = links[rec + way]!;
    const n = links[nx + way]!;
    links[nx + p] = n;
    if (n >= 0) links[rec + n] = p;
    else links[end + 1] = p;
    // ...and push it in front of the head.
    links[rec + way] = -1;
    links[nx + way] = h;
    links[rec + h] = way;
    links[end] = way;
  }

  victim(set: number): number {
    return this.links[set * this.stride + 2 * this.ways + 1]!;
  }

  /** Every set back to its initial order: head = the last way ... tail = way 0. */
  reset(): void {
    const w = this.ways;
    for (let s = 0; s < this.sets; s++) {
      const rec = s * this.stride;
      for (let i = 0; i < w; i++) {
        this.links[rec + w + i] = i - 1; // next
        this.links[rec + i] = i + 1 < w ? i + 1 : -1; // prev
      }
      this.links[rec + 2 * w] = w - 1;
      this.links[rec + 2 * w + 1] = 0;
    }
  }
}
