// The body of a curve_pool.ts worker thread: runs the tasks it is sent, one at
// a time, and answers each with its result or its error (as a message: errors
// do not cross threads as objects). Progress goes up every few batches.
import { parentPort } from 'node:worker_threads';
import { runCurveTask, type CurveTask } from './curve_task.js';
import { InputError } from './errors.js';

export type WorkerReply =
  | { kind: 'progress'; requests: number }
  | { kind: 'done'; result: Awaited<ReturnType<typeof runCurveTask>> }
  | { kind: 'error'; message: string; input: boolean };

const port = parentPort!;
port.on('message', (task: CurveTask) => {
  let batches = 0;
  const send = (m: WorkerReply): void => port.postMessage(m);
  runCurveTask(task, (requests) => {
    if (++batches % 16 === 0) send({ kind: 'progress', requests });
  }).then(
    (result) => send({ kind: 'done', result }),
    (e: unknown) => send({ kind: 'error', message: e instanceof Error ? e.message : String(e), input: e instanceof InputError }),
  );
});
