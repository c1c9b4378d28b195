// The front door of @taba/cli: the command line as a function, for embedding and tests.
export type { Io } from './commands.js';
export {
  CliError,
  FAILURE_EXIT_CODE,
  FailureError,
  USAGE_EXIT_CODE,
  UsageError,
} from './errors.js';
export type { OutputFormat } from './format.js';
export type { RunContext } from './program.js';
export { createProgram, run } from './program.js';
export type { UpOptions } from './up.js';
export { upCommand } from './up.js';
