// Running curve tasks on several cores: a pool of node:worker_threads, each
// taking the next task as soon as it is free, so results arrive in completion
// order (callers key them by task index). With one job the tasks run
// in-process, one after the other, with no thread start-up cost.
// Workers run the TypeScript sources through tsx's loader, registered in the
// worker itself (a worker does not inherit the loader of the parent).
import { Worker } from 'node:worker_threads';
import { runCurveTask, type CurveResult, type CurveTask } from './curve_task.js';
import { InputError } from './errors.js';
import type { WorkerReply } from './curve_worker.js';

export interface PoolOptions {
  /** Worker threads to use at most (1 = in-process). */
  jobs: number;
  /** Called as each task completes, with its index in `tasks`. Awaited before the next result is handled. */
  onResult: (index: number, result: CurveResult) => void | Promise<void>;
  /** Requests replayed so far over all tasks (for a progress bar). */
  onProgress?: (requests: number) => void;
}

function startWorker(): Worker {
  const entry = new URL('./curve_worker.ts', import.meta.url).href;
  // Resolved here, not in the worker: eval'd code resolves packages from the
  // current directory, which need not hold mmsim's node_modules.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

/**
 * Runs every task. Resolves when all are done; rejects with the first error
 * (an InputError for bad input) after stopping the other workers, so no
 * further onResult calls happen once it has rejected.
 */
export async function runCurveTasks(tasks: readonly CurveTask[], opts: PoolOptions): Promise<void> {
  let finished = 0;
  if (opts.jobs <= 1 || tasks.length <= 1) {
    for (let i = 0; i < tasks.length; i++) {
      const r = await runCurveTask(tasks[i]!, (n) => opts.onProgress?.(finished + n));
      finished += r.requests;
      await opts.onResult(i, r);
    }
    return;
  }
  const workers: Worker[] = [];
  const running = new Map<Worker, number>();
  const partial = new Map<Worker, number>();
  let next = 0;
  let failed = false;
  // Results are handled one at a time, in arrival order.
  let chain = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const feed = (w: Worker): void => {
      if (failed) return;
      if (next >= tasks.length) {
        void w.terminate();
        if (running.size === 0) chain.then(resolve, fail);
        return;
      }
      running.set(w, next);
      partial.set(w, 0);
      w.postMessage(tasks[next++]);
    };
    const progress = (): void => {
      let n = finished;
      for (const v of partial.values()) n += v;
      opts.onProgress?.(n);
    };
    for (let k = 0; k < Math.min(opts.jobs, tasks.length); k++) {
      const w = startWorker();
      workers.push(w);
      w.on('message', (m: WorkerReply) => {
        if (m.kind === 'progress') {
          partial.set(w, m.requests);
          progress();
          return;
        }
        const index = running.get(w)!;
        running.delete(w);
        partial.delete(w);
        if (m.kind === 'error') {
          fail(m.input ? new InputError(m.message) : new Error(m.message));
          return;
        }
        finished += m.result.requests;
        progress();
        chain = chain.then(() => (failed ? undefined : opts.onResult(index, m.result)));
        chain.catch(fail);
        feed(w);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (running.has(w)) fail(new Error(`worker thread exited (code ${code}) during a task`));
      });
      feed(w);
    }
  });
}
