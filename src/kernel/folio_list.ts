// Lists of folios threaded through the head frames' lruPrev/lruNext, as the
// kernel threads them through struct folio's lru list_head. A family of
// lists (the classic LRU's, the multi-gen LRU's generations) is two arrays
// holding each list's first and last frame, NO_PFN at an empty end; the head
// is the youngest end, the tail the oldest.
import { NO_PFN, type PageArray } from './page.js';

/** list_add() / list_add_tail() of folio `head` to list `i` of the family. */
export function folioListAdd(p: PageArray, firstOf: Int32Array, lastOf: Int32Array, i: number, head: number, tail: boolean): void {
  if (tail) {
    const last = lastOf[i]!;
    p.lruNext[head] = NO_PFN;
    p.lruPrev[head] = last;
    if (last !== NO_PFN) p.lruNext[last] = head;
    else firstOf[i] = head;
    lastOf[i] = head;
  } else {
    const first = firstOf[i]!;
    p.lruPrev[head] = NO_PFN;
    p.lruNext[head] = first;
    if (first !== NO_PFN) p.lruPrev[first] = head;
    else lastOf[i] = head;
    firstOf[i] = head;
  }
}
