// Next-use times for the offline policies (OPT, UNOPT) when the trace does not
// carry them: one backward pass, remembering for each page the index of its
// latest reference seen so far. Needs the whole key sequence in memory (8 bytes
// per reference) plus a footprint-sized map; OPT is offline by nature.
import { KeyIndex } from './key_index.js';

/**
 * nextUse[i] = the smallest j > i with keys[j] === keys[i], or Infinity.
 * Example: keys 7 8 7 7 -> 2 Infinity 3 Infinity.
 */
export function computeNextUse(keys: Float64Array, n = keys.length): Float64Array {
  const next = new Float64Array(n);
  const ids = new KeyIndex(1024);
  let seen = new Float64Array(1024);
  for (let i = n - 1; i >= 0; i--) {
    const k = keys[i]!;
    let id = ids.get(k);
    if (id < 0) {
      id = ids.size;
      ids.set(k, id);
      if (id === seen.length) {
        const bigger = new Float64Array(seen.length * 2);
        bigger.set(seen);
        seen = bigger;
      }
      next[i] = Infinity;
    } else next[i] = seen[id]!;
    seen[id] = i;
  }
  return next;
}
