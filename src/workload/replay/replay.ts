// Replays recorded programs through the whole model: each trace becomes a
// process (trace_process.ts), the scheduler (sched.ts) interleaves them on the
// System's CPUs a quantum of references at a time, and every reference goes
// through its CPU's MMU (TLBs, page walk, caches), faulting into the kernel.
// A modify (lackey M) is a load then a store. A process exits when its trace
// ends. Pure: the traces come in as async iterables of RefBatch.
import { OP_LOAD, OP_STORE } from '../../hw/cache_hierarchy.js';
import type { Mmu } from '../../hw/mmu.js';
import type { RecordedAddressSpace } from '../trace/address_space.js';
import { REF_MODIFY, type RefBatch } from '../trace/ref.js';
import { RoundRobin } from '../../machine/sched.js';
import type { System } from '../../machine/system.js';
import { TraceProcess } from './trace_process.js';

export interface ReplayInput {
  /** Process name (comm). */
  name: string;
  /** The recorded address space, or null to make mappings up as references need them. */
  space: RecordedAddressSpace | null;
  batches: AsyncIterable<RefBatch>;
}

export interface ProcessResult {
  name: string;
  pid: number;
  /** References by kind: I, L, S, M. */
  references: { I: number; L: number; S: number; M: number };
  minflt: number;
  majflt: number;
  /** Mappings made up for references outside every mapping. */
  synthesized: number;
  /** References skipped because they raised a signal. */
  signals: number;
  /** Recorded address-space changes the simulated kernel refused. */
  failedEvents: number;
}

const LOAD = OP_LOAD;
const STORE = OP_STORE;
const MODIFY = REF_MODIFY;

class Thread {
  readonly task;
  readonly refs = new Float64Array(4);
  batch: RefBatch | null = null;
  pos = 0;
  /** Records consumed so far. */
  index = 0;
  constructor(
    readonly proc: TraceProcess,
    readonly it: AsyncIterator<RefBatch>,
  ) {
    this.task = proc.task;
  }
}

/**
 * Replays `inputs` on `sys`, `opts.quantum` references per slice. Returns
 * per-process figures (the System holds the hardware counters).
 */
export async function replay(sys: System, inputs: ReplayInput[], opts: { quantum: number; onProgress?: (records: number) => void }): Promise<ProcessResult[]> {
  const sched = new RoundRobin<Thread>(sys);
  const threads = inputs.map((inp) => new Thread(new TraceProcess(sys, inp.name, inp.space), inp.batches[Symbol.asyncIterator]()));
  for (const t of threads) sched.add(t);
  let total = 0;
  for (let slice = sched.next(); slice; slice = sched.next()) {
    const { cpu, thread } = slice;
    const done = await runSlice(sys, cpu, thread, opts.quantum);
    total += done;
    opts.onProgress?.(total);
    if (thread.batch === null) {
      sched.remove(thread);
      if (!thread.task.exited) sys.exit(cpu, thread.task);
    }
  }
  return threads.map((t) => ({
    name: t.task.comm,
    pid: t.task.pid,
    references: { I: t.refs[0]!, L: t.refs[1]!, S: t.refs[2]!, M: t.refs[3]! },
    minflt: t.task.minFlt,
    majflt: t.task.majFlt,
    synthesized: t.proc.synthesized,
    signals: t.proc.signals,
    failedEvents: t.proc.failedEvents,
  }));
}

/** Up to `quantum` references of `t` on `cpu`; returns how many ran. Sets t.batch to null at the end of the trace. */
async function runSlice(sys: System, cpu: number, t: Thread, quantum: number): Promise<number> {
  const mmu = sys.cores[cpu]!;
  let left = quantum;
  while (left > 0) {
    if (t.batch === null || t.pos >= t.batch.length) {
      const r = await t.it.next();
      if (r.done) {
        t.batch = null;
        break;
      }
      t.batch = r.value;
      t.pos = 0;
    }
    const proc = t.proc;
    if (t.index >= proc.nextEventAt) proc.applyEvents(t.index);
    if (t.task.exited || t.task.killed) {
      t.batch = null;
      break;
    }
    const b = t.batch;
    const end = Math.min(b.length, t.pos + left, t.pos + (proc.nextEventAt - t.index));
    runAccesses(sys, mmu, cpu, t, b, t.pos, end);
    left -= end - t.pos;
    t.index += end - t.pos;
    t.pos = end;
  }
  return quantum - left;
}

/** The per-reference loop: one MMU access each (two for a modify); faults go to the cold path. */
function runAccesses(sys: System, mmu: Mmu, cpu: number, t: Thread, b: RefBatch, from: number, to: number): void {
  const addr = b.addr;
  const kind = b.kind;
  const size = b.size;
  const refs = t.refs;
  for (let i = from; i < to; i++) {
    const k = kind[i]!;
    const a = addr[i]!;
    const n = size[i]! || 1;
    refs[k]!++;
    if (k === MODIFY) {
      if (mmu.access(a, n, LOAD) < 0) faulted(sys, cpu, t, a, n, LOAD);
      if (mmu.access(a, n, STORE) < 0) faulted(sys, cpu, t, a, n, STORE);
    } else if (mmu.access(a, n, k) < 0) faulted(sys, cpu, t, a, n, k);
  }
}

/** Cold path: the kernel handles the fault; a reference outside every mapping may get one made up and retry. */
function faulted(sys: System, cpu: number, t: Thread, a: number, n: number, op: number): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = sys.fault(cpu, a, n, op);
    if (r >= 0 || !t.proc.recover(a, -r)) return;
    if (sys.cores[cpu]!.access(a, n, op) >= 0) return;
  }
}
