/** Exit code of a usage error: bad flags, arguments or values. */
export const USAGE_EXIT_CODE = 2;
/** Exit code of a failure at run time: the server refused, was unreachable, a child died. */
export const FAILURE_EXIT_CODE = 1;

/** An error the CLI reports as one line `taba: <message>` and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The command line is wrong: exit 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, USAGE_EXIT_CODE);
  }
}

/** The server or the system failed: exit 1. */
export class FailureError extends CliError {
  override readonly name = 'FailureError';
  constructor(message: string) {
    super(message, FAILURE_EXIT_CODE);
  }
}

/** One line: newlines and runs of spaces become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
