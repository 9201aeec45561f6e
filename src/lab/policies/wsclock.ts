// WSClock (Carr & Hennessy, SOSP'81), as Tanenbaum's Modern Operating Systems
// describes it: C frames in a circle, each page with a referenced bit, a dirty
// bit and a time of last use; the hand evicts a clean page unused for more than
// τ references, schedules write-backs of old dirty ones, and after a full turn
// falls back to the oldest clean page. Simplification: writes complete at once.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { checkCapacity, readParams } from '../policy_params.js';

export interface WsClockStats {
  tau: number;
  writebacks: number;
  /** Faults where a whole turn found every page in the working set. */
  fullTurns: number;
  /** Frames examined by the hand. */
  scanned: number;
}

// WSClock (Carr & Hennessy, SOSP'81), as Tanenbaum's Modern Operating Systems
// describes it: C frames in a circle, each page with a referenced bit R, a
// dirty bit and its time of last use (virtual time = references so far).
// On a fault with all frames full the hand sweeps:
//   R = 1                  -> clear R, time of last use = now, advance
//   R = 0, age > τ, clean  -> victim
//   R = 0, age > τ, dirty  -> schedule its write-back (done at once here:
//                             the page becomes clean), advance
//   R = 0, age ≤ τ         -> in the working set, advance
// After a full turn: if write-backs were scheduled, keep sweeping (those pages
// are now old and clean); if none were, every page is in the working set and
// the clean page with the oldest time of last use is taken, or, with no clean
// page at all, the page under the hand (written back first).
// The new page takes the victim's frame with R = 1 and time of last use = now;
// the hand moves to the next frame. Write-backs are counted.
// Simplification: a write completes instantly (no I/O queue or delay).
// τ defaults to ⌈C/8⌉ references. A fault costs a full turn (C frames) whenever
// no page is older than τ, and that holds for about τ references after any
// moment when most pages were referenced (right after the cache fills, say),
// so τ must stay well below the time the hand takes to go round.
export class WsClock implements CachePolicy {
  readonly name = 'wsclock';
  readonly capacity: number;
  readonly tau: number;
  /** Ids are frame numbers: the KeyMap hands a freed id (frame) out again first. */
  private readonly map: KeyMap;
  private readonly ref: Uint8Array;
  private readonly dirty: Uint8Array;
  private readonly lastUse: Float64Array;
  private hand = 0;
  private now = -1;
  private writebacks = 0;
  private fullTurns = 0;
  private scanned = 0;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('wsclock', capacity);
    const p = readParams('wsclock', { tau: { def: Math.ceil(capacity / 8), min: 1, integer: true } }, opts?.params);
    this.capacity = capacity;
    this.tau = p.tau;
    this.map = new KeyMap(capacity);
    this.ref = new Uint8Array(capacity);
    this.dirty = new Uint8Array(capacity);
    this.lastUse = new Float64Array(capacity);
  }

  access(key: number, isWrite: boolean, _time: number, _nextUse: number): boolean {
    const t = ++this.now;
    const id = this.map.get(key);
    if (id >= 0) {
      this.ref[id] = 1;
      if (isWrite) this.dirty[id] = 1;
      return true;
    }
    this.fault(key, isWrite, t);
    return false;
  }

  private fault(key: number, isWrite: boolean, t: number): void {
    let frame: number;
    if (this.map.size < this.capacity) {
      frame = this.map.add(key);
    } else {
      const victim = this.findVictim(t);
      this.map.delete(victim);
      frame = this.map.add(key);
      if (frame !== victim) throw new Error('wsclock: frame reuse broke');
      this.hand = victim + 1 === this.capacity ? 0 : victim + 1;
    }
    this.ref[frame] = 1;
    this.dirty[frame] = isWrite ? 1 : 0;
    this.lastUse[frame] = t;
  }

  private findVictim(t: number): number {
    const c = this.capacity;
    const ref = this.ref;
    const dirty = this.dirty;
    const lastUse = this.lastUse;
    let writes = 0;
    let oldestClean = -1;
    let h = this.hand;
    for (let step = 1; ; step++) {
      this.scanned++;
      if (ref[h] === 1) {
        ref[h] = 0;
        lastUse[h] = t;
      } else if (t - lastUse[h] > this.tau) {
        if (dirty[h] === 0) return h;
        dirty[h] = 0;
        this.writebacks++;
        writes++;
      }
      if (dirty[h] === 0 && (oldestClean < 0 || lastUse[h] < lastUse[oldestClean])) oldestClean = h;
      h = h + 1 === c ? 0 : h + 1;
      if (step % c === 0) {
        if (writes > 0) {
          writes = 0;
          continue;
        }
        this.fullTurns++;
        if (oldestClean >= 0) return oldestClean;
        dirty[h] = 0;
        this.writebacks++;
        return h;
      }
    }
  }

  size(): number {
    return this.map.size;
  }

  stats(): WsClockStats {
    return { tau: this.tau, writebacks: this.writebacks, fullTurns: this.fullTurns, scanned: this.scanned };
  }
}
