// Intrusive doubly-linked lists over small integer ids (the ids of KeyMap),
// kept in one Int32Array: the LRU lists, FIFOs and ghost queues of the
// policies. Several lists share the link array, as Linux's lruvec lists share
// folio->lru; an id is on at most one list of a given IdLists at a time, and
// the caller remembers which.

export const NIL = -1;

// Intrusive doubly-linked lists over small integer ids (the ids of KeyMap),
// kept in one Int32Array: the LRU lists, FIFOs and ghost queues of the
// policies. Several lists share the link array, as Linux's lruvec lists share
// folio->lru; an id is on at most one list of a given IdLists at a time.
//
//   head (newest) -> a -> b -> c <- tail (oldest)
//   links[2·id] = prev (toward the head), links[2·id + 1] = next (toward the tail)
// Both links of an id sit side by side, so relinking an id touches one cache
// line for it rather than two. The caller remembers which list an id is on.
export class IdLists {
  /** prev and next of each id, interleaved (see above). */
  readonly links: Int32Array;
  /** Per list: first (newest) id, last (oldest) id, length. */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly len: Int32Array;

  /** Lists 0..nrLists-1 over ids 0..nrIds-1, all empty. */
  constructor(nrIds: number, nrLists: number) {
    this.links = new Int32Array(2 * nrIds).fill(NIL);
    this.head = new Int32Array(nrLists).fill(NIL);
    this.tail = new Int32Array(nrLists).fill(NIL);
    this.len = new Int32Array(nrLists);
  }

  /** The id before `id` (toward the head), or NIL. */
  prev(id: number): number {
    return this.links[2 * id];
  }

  /** The id after `id` (toward the tail), or NIL. */
  next(id: number): number {
    return this.links[2 * id + 1];
  }

  /** Puts `id` (on no list) at the head of `list`. */
  pushHead(list: number, id: number): void {
    const links = this.links;
    const h = this.head[list];
    links[2 * id] = NIL;
    links[2 * id + 1] = h;
    if (h === NIL) this.tail[list] = id;
    else links[2 * h] = id;
    this.head[list] = id;
    this.len[list]++;
  }

  /** Puts `id` (on no list) at the tail of `list`. */
  pushTail(list: number, id: number): void {
    const links = this.links;
    const t = this.tail[list];
    links[2 * id + 1] = NIL;
    links[2 * id] = t;
    if (t === NIL) this.head[list] = id;
    else links[2 * t + 1] = id;
    this.tail[list] = id;
    this.len[list]++;
  }

  /** Unlinks `id` from `list` (precondition: it is on that list). */
  remove(list: number, id: number): void {
    const links = this.links;
    const p = links[2 * id];
    const n = links[2 * id + 1];
    if (p === NIL) this.head[list] = n;
    else links[2 * p + 1] = n;
    if (n === NIL) this.tail[list] = p;
    else links[2 * n] = p;
    links[2 * id] = NIL;
    links[2 * id + 1] = NIL;
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
    g.links.set(this.links);
    g.head.set(this.head);
    g.tail.set(this.tail);
    g.len.set(this.len);
    return g;
  }

  /** Ids of `list` from head to tail. Allocates: for tests and debugging only. */
  toArray(list: number): number[] {
    const out: number[] = [];
    for (let id = this.head[list]; id !== NIL; id = this.next(id)) out.push(id);
    return out;
  }

  /** Bytes held in typed arrays. */
  byteLength(): number {
    return this.links.byteLength + this.head.byteLength * 3;
  }
}
