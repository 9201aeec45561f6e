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
  readonly name: ReplacementName = 'lru';
  /** Per slot (set * ways + way): the more and the less recently used way of its set, -1 at the ends. */
  private readonly prev: Int8Array | Int32Array;
  private readonly next: Int8Array | Int32Array;
  /** Per set: the most and the least recently used way. */
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  constructor(
    private readonly sets: number,
    private readonly ways: number,
  ) {
    // One byte per link keeps a 16-way LLC's lists within 256 KiB of the host's caches.
    const Links = ways <= 127 ? Int8Array : Int32Array;
    this.prev = new Links(sets * ways);
    this.next = new Links(sets * ways);
    this.head = new Int32Array(sets);
    this.tail = new Int32Array(sets);
    this.reset();
  }

  touch(set: number, way: number): void {
    const h = this.head[set]!;
    if (h === way) return;
    const base = set * this.ways;
    const prev = this.prev;
    const next = this.next;
    // Unlink `way` (it has a predecessor: it is not the head)...
    const p = prev[base + way]!;
    const n = next[base + way]!;
    next[base + p] = n;
    if (n >= 0) prev[base + n] = p;
    else this.tail[set] = p;
    // ...and push it in front of the head.
    prev[base + way] = -1;
    next[base + way] = h;
    prev[base + h] = way;
    this.head[set] = way;
  }

  victim(set: number): number {
    return this.tail[set]!;
  }

  /** Every set back to its initial order: head = the last way ... tail = way 0. */
  reset(): void {
    const w = this.ways;
    for (let s = 0; s < this.sets; s++) {
      const base = s * w;
      for (let i = 0; i < w; i++) {
        this.next[base + i] = i - 1;
        this.prev[base + i] = i + 1 < w ? i + 1 : -1;
      }
      this.head[s] = w - 1;
      this.tail[s] = 0;
    }
  }
}
