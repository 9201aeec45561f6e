// The exceptions a Python script can die of, as values. The OSTEP simulators
// crash with a traceback on some inputs (int('x'), pop from an empty list...);
// here the crash is a thrown PyError, so the caller can print the stdout
// written so far and one line naming the error, as the script's user would see.

/** A Python exception: `pyType` is the class name ("ValueError"), `message` its text. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
    this.name = 'PyError';
  }
}
