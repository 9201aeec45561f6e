// Intrusive doubly-linked lists over small integer ids (the ids of KeyMap),
// kept in Int32Arrays: the LRU lists, FIFOs and ghost queues of the policies.
// Several lists share one pair of link arrays, as Linux's lruvec lists share
// folio->lru; an id is on at most one list of a given IdLists at a time.
//
//   head (newest) -> a -> b -> c <- tail (oldest)
//   next[a] = b, prev[b] = a, prev[head] = next[tail] = -1
// The caller remembers which list an id is on; the links do not.

export const NIL = -1;

export class IdLists {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  /** Per list: first (newest) id, last (oldest) id, length. */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly len: Int32Array;

  /** Lists 0..nrLists-1 over ids 0..nrIds-1, all empty. */
  constructor(nrIds: number, nrLists: number) {
    this.prev = new Int32Array(nrIds).fill(NIL);
    this.next = new Int32Array(nrIds).fill(NIL);
    this.head = new Int32Array(nrLists).fill(NIL);
    this.tail = new Int32Array(nrLists).fill(NIL);
    this.len = new Int32Array(nrLists);
  }

  /** Puts `id` (on no list) at the head of `list`. */
  pushHead(list: number, id: number): void {
    const h = this.head[list];
    this.prev[id] = NIL;
    this.next[id] = h;
    if (h === NIL) this.tail[list] = id;
    else this.prev[h] = id;
    this.head[list] = id;
    this.len[list]++;
  }

  /** Puts `id` (on no list) at the tail of `list`. */
  pushTail(list: number, id: number): void {
    const t = this.tail[list];
    this.next[id] = NIL;
    this.prev[id] = t;
    if (t === NIL) this.head[list] = id;
    else this.next[t] = id;
    this.tail[list] = id;
    this.len[list]++;
  }

  /** Unlinks `id` from `list` (precondition: it is on that list). */
  remove(list: number, id: number): void {
    const p = this.prev[id];
    const n = this.next[id];
    if (p === NIL) this.head[list] = n;
    else this.next[p] = n;
    if (n === NIL) this.tail[list] = p;
    else this.prev[n] = p;
    this.prev[id] = NIL;
    this.next[id] = NIL;
    this.len[list]--;
  }

  /** Moves `id`, on `list`, to that list's head. */
  moveToHead(list: number, id: number): void {
    if (this.head[list] === id) return;
    this.remove(list, id);
    this.pushHead(list, id);
  }

  /** Removes and returns the tail of `list`, or NIL when empty. */
  popTail(list: number): number {
    const id = this.tail[list];
    if (id !== NIL) this.remove(list, id);
    return id;
  }

  /** A copy over `nrIds` ids (≥ the current count), same lists and links: for growing. */
  grown(nrIds: number): IdLists {
    const g = new IdLists(nrIds, this.head.length);
    g.prev.set(this.prev);
    g.next.set(this.next);
    g.head.set(this.head);
    g.tail.set(this.tail);
    g.len.set(this.len);
    return g;
  }

  /** Ids of `list` from head to tail. Allocates: for tests and debugging only. */
  toArray(list: number): number[] {
    const out: number[] = [];
    for (let id = this.head[list]; id !== NIL; id = this.next[id]) out.push(id);
    return out;
  }

  /** Bytes held in typed arrays. */
  byteLength(): number {
    return this.prev.byteLength + this.next.byteLength + this.head.byteLength * 3;
  }
}
