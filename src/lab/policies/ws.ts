// Denning's working set (CACM 1968): after reference t the resident set is
// W(t, τ), the pages referenced among the last τ references; a reference hits
// iff its page was referenced within the last τ. The resident-set size over
// time is reported as a statistic. Virtual time is this policy's own count of
// references. The capacity is a cap (LRU eviction beyond it); with τ ≤ C it never binds.

import type { CachePolicy, PolicyOptions } from '../policy.js';
import { KeyMap } from '../key_map.js';
import { IdLists } from '../id_lists.js';
import { checkCapacity, readParams } from '../policy_params.js';

export interface WorkingSetStats {
  tau: number;
  /** Mean of |W| after each reference. */
  meanResident: number;
  maxResident: number;
  /** Pages dropped because the capacity cap was reached (0 if τ ≤ C). */
  capEvictions: number;
  /** Pages that left W by ageing out of the window. */
  windowEvictions: number;
  /** References between two samples of |W|. */
  sampleEvery: number;
  /** |W| after references sampleEvery−1, 2·sampleEvery−1, ... */
  residentSamples: number[];
}

// Denning's working set (CACM 1968): the resident set after reference t is
// W(t, τ), the pages referenced among the last τ references, i.e. in the
// virtual-time window (t − τ, t]. A reference is a hit iff its page was
// referenced within the last τ references. Pages leave as soon as they fall
// out of the window, so the resident set grows and shrinks with the program's
// locality; its size over time is reported as a statistic.
// Virtual time is this policy's own count of references (0, 1, 2...).
// The capacity is a cap: when W would exceed it, the page referenced longest
// ago is evicted early (counted as capEvictions). With τ ≤ C it never binds.
export class WorkingSet implements CachePolicy {
  readonly name = 'ws';
  readonly capacity: number;
  readonly tau: number;
  readonly sampleEvery: number;
  private readonly map: KeyMap;
  /** One list, LRU order: head = most recently referenced. */
  private readonly lists: IdLists;
  private readonly lastRef: Float64Array;
  private now = -1;
  private residentSum = 0;
  private maxResident = 0;
  private capEvictions = 0;
  private windowEvictions = 0;
  private samples: Float64Array;
  private nrSamples = 0;

  constructor(capacity: number, opts?: Partial<PolicyOptions>) {
    checkCapacity('ws', capacity);
    const p = readParams(
      'ws',
      {
        tau: { def: capacity, min: 1, integer: true },
        sample: { def: 1000, min: 1, integer: true },
      },
      opts?.params,
    );
    this.capacity = capacity;
    this.tau = p.tau;
    this.sampleEvery = p.sample;
    this.map = new KeyMap(capacity);
    this.lists = new IdLists(capacity, 1);
    this.lastRef = new Float64Array(capacity);
    this.samples = new Float64Array(64);
  }

  access(key: number, _isWrite: boolean, _time: number, _nextUse: number): boolean {
    const t = ++this.now;
    const lists = this.lists;
    let id = this.map.get(key);
    const hit = id >= 0;
    if (hit) {
      lists.moveToHead(0, id);
    } else {
      if (lists.len[0] >= this.capacity) {
        this.map.delete(lists.popTail(0));
        this.capEvictions++;
      }
      id = this.map.add(key);
      lists.pushHead(0, id);
    }
    this.lastRef[id] = t;
    // Drop pages last referenced at or before t − τ: W(t, τ) covers (t − τ, t].
    const horizon = t - this.tau;
    for (;;) {
      const old = lists.tail[0];
      if (this.lastRef[old] > horizon) break;
      lists.remove(0, old);
      this.map.delete(old);
      this.windowEvictions++;
    }
    const n = lists.len[0];
    this.residentSum += n;
    if (n > this.maxResident) this.maxResident = n;
    if ((t + 1) % this.sampleEvery === 0) this.sample(n);
    return hit;
  }

  private sample(n: number): void {
    if (this.nrSamples === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.nrSamples++] = n;
  }

  size(): number {
    return this.lists.len[0];
  }

  stats(): WorkingSetStats {
    return {
      tau: this.tau,
      meanResident: this.now >= 0 ? this.residentSum / (this.now + 1) : 0,
      maxResident: this.maxResident,
      capEvictions: this.capEvictions,
      windowEvictions: this.windowEvictions,
      sampleEvery: this.sampleEvery,
      residentSamples: Array.from(this.samples.subarray(0, this.nrSamples)),
    };
  }
}
