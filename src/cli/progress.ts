// The progress bar on stderr for long runs: shown only when stderr is a
// terminal, not --quiet, and the run has lasted more than a second, so short
// runs and pipes stay silent. Reports rate and ETA.
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** `done` of `total` units (total may be 0 = unknown); `count` is the requests so far for the rate. */
  update(done: number, count: number): void;
  stop(): void;
}

const DELAY_MS = 1000;

/** A progress reporter that does nothing unless stderr is a TTY and quiet is false. */
export function startProgress(opts: { total: number; quiet: boolean; label: string }): Progress {
  if (opts.quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const t0 = performance.now();
  let bar: SingleBar | null = null;
  let last = 0;
  return {
    update(done, count) {
      const now = performance.now();
      if (now - t0 < DELAY_MS || now - last < 100) return;
      last = now;
      const rate = `${(count / ((now - t0) / 1000) / 1e6).toFixed(1)} M req/s`;
      if (!bar) {
        bar = new SingleBar({
          format: `${opts.label} {bar} {percentage}% | {rate} | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
        });
        bar.start(opts.total || 1, 0, { rate });
      }
      bar.update(Math.min(done, opts.total || 1), { rate });
    },
    stop() {
      bar?.stop();
    },
  };
}
