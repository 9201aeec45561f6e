// Naive reference models of the replacement policies: plain arrays, linear
// scans, written from the policy descriptions (libCacheSim README, textbooks)
// and sharing no code with src/lab. The fast policies must agree with them.
import { Prng } from '../../../src/lab/prng.js';

export interface Naive {
  access(key: number, isWrite: boolean, time: number): boolean;
  resident(): number[];
}

/** Trace-aware models read the whole trace (for next uses computed by forward scan). */
export type NaiveFactory = (capacity: number, trace: readonly number[]) => Naive;

function nextUseScan(trace: readonly number[], t: number, key: number): number {
  for (let j = t + 1; j < trace.length; j++) if (trace[j] === key) return j;
  return Infinity;
}

export const naiveLru: NaiveFactory = (cap) => {
  const m: number[] = []; // oldest first
  return {
    access(k) {
      const i = m.indexOf(k);
      if (i >= 0) {
        m.splice(i, 1);
        m.push(k);
        return true;
      }
      if (m.length === cap) m.shift();
      m.push(k);
      return false;
    },
    resident: () => [...m],
  };
};

export const naiveMru: NaiveFactory = (cap) => {
  const m: number[] = [];
  return {
    access(k) {
      const i = m.indexOf(k);
      if (i >= 0) {
        m.splice(i, 1);
        m.push(k);
        return true;
      }
      if (m.length === cap) m.pop();
      m.push(k);
      return false;
    },
    resident: () => [...m],
  };
};

export const naiveFifo: NaiveFactory = (cap) => {
  const m: number[] = [];
  return {
    access(k) {
      if (m.includes(k)) return true;
      if (m.length === cap) m.shift();
      m.push(k);
      return false;
    },
    resident: () => [...m],
  };
};

/** libCacheSim Clock (start 0) or textbook clock (start 1), as a queue with reinsertion. */
export function naiveClock(bits: number, start: number): NaiveFactory {
  const max = 2 ** bits - 1;
  return (cap) => {
    const q: Array<{ k: number; c: number }> = []; // q[0] = tail (oldest)
    return {
      access(k) {
        const e = q.find((x) => x.k === k);
        if (e) {
          e.c = Math.min(e.c + 1, max);
          return true;
        }
        if (q.length === cap) {
          while (q[0]!.c >= 1) {
            const t = q.shift()!;
            t.c--;
            q.push(t);
          }
          q.shift();
        }
        q.push({ k, c: start });
        return false;
      },
      resident: () => q.map((x) => x.k),
    };
  };
}

/** LFU: evict least hits-while-resident (new = 1), ties to whoever reached that count first. */
export const naiveLfu: NaiveFactory = (cap) => {
  const m: Array<{ k: number; f: number; since: number }> = [];
  let tick = 0;
  return {
    access(k) {
      tick++;
      const e = m.find((x) => x.k === k);
      if (e) {
        e.f++;
        e.since = tick;
        return true;
      }
      if (m.length === cap) {
        let v = 0;
        for (let i = 1; i < m.length; i++) if (m[i]!.f < m[v]!.f || (m[i]!.f === m[v]!.f && m[i]!.since < m[v]!.since)) v = i;
        m.splice(v, 1);
      }
      m.push({ k, f: 1, since: tick });
      return false;
    },
    resident: () => m.map((x) => x.k),
  };
};

/** OPT (farthest next use) or UNOPT (nearest), next uses found by scanning forward. */
export function naiveOffline(farthest: boolean): NaiveFactory {
  return (cap, trace) => {
    const m: number[] = [];
    return {
      access(k, _w, t) {
        if (m.includes(k)) return true;
        if (m.length === cap) {
          let v = 0;
          let best = nextUseScan(trace, t, m[0]!);
          for (let i = 1; i < m.length; i++) {
            const nu = nextUseScan(trace, t, m[i]!);
            if (farthest ? nu > best : nu < best) {
              best = nu;
              v = i;
            }
          }
          m.splice(v, 1);
        }
        m.push(k);
        return false;
      },
      resident: () => [...m],
    };
  };
}

/** RAND: frames filled in order, then a victim frame drawn with the same seeded PRNG. */
export function naiveRand(seed: number): NaiveFactory {
  return (cap) => {
    const frames: number[] = [];
    const rng = new Prng(seed);
    return {
      access(k) {
        if (frames.includes(k)) return true;
        if (frames.length < cap) frames.push(k);
        else frames[rng.nextInt(cap)] = k;
        return false;
      },
      resident: () => [...frames],
    };
  };
}
