// Where command output goes. Commands write through `io` rather than to
// process.stdout directly, so tests can run them in-process and capture it.

export const io = {
  out(s: string): void {
    process.stdout.write(s);
  },
  err(s: string): void {
    process.stderr.write(s);
  },
};
