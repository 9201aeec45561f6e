// The error a trace reader throws on malformed input: it names the file, the
// line (or record) and what is wrong, so the CLI can print it as one line.

/** A malformed trace. `message` reads `file:line: what is wrong`. */
export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly what: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${what}` : `${file}: ${what}`);
    this.name = 'TraceError';
  }
}
