// Errors that reach the user as one line and an exit status, never a stack trace.

/** Bad input: a malformed file, an impossible option. Exit status 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
