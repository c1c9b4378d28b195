import { pino } from 'pino';

/** The logger every service uses: JSON lines on stdout (pino). */
export type Logger = pino.Logger;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export interface LoggerOptions {
  /** The service name, on every line as `service`. */
  readonly service: string;
  /** @default 'info' */
  readonly level?: LogLevel;
  /** Extra fields on every line, e.g. the instance id. */
  readonly bindings?: Readonly<Record<string, string>>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, ...options.bindings },
  });
}
