/**
 * Typed readers of environment variables. A service reads its whole configuration
 * once at start-up through these and fails fast: a blank variable counts as unset,
 * and a value that does not parse is an error naming the variable and the value.
 */

/** The environment a config is read from (process.env in main, a literal in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A configuration value is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A string; `fallback` when unset, and an error when unset without a fallback. */
export function readString(env: Env, name: string, fallback?: string): string {
  const value = raw(env, name) ?? fallback;
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  return value;
}

/** A string that may stay unset. */
export function readOptionalString(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

function checkBounds(name: string, value: number, bounds: NumberBounds): number {
  if (bounds.min !== undefined && value < bounds.min) {
    throw new ConfigError(name, `must be at least ${bounds.min}, got ${value}`);
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw new ConfigError(name, `must be at most ${bounds.max}, got ${value}`);
  }
  return value;
}

/** A finite number within `bounds`. */
export function readNumber(
  env: Env,
  name: string,
  fallback: number,
  bounds: NumberBounds = {},
): number {
  const text = raw(env, name);
  if (text === undefined) return checkBounds(name, fallback, bounds);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new ConfigError(name, `must be a number, got "${text}"`);
  return checkBounds(name, value, bounds);
}

/** A safe integer within `bounds`. */
export function readInteger(
  env: Env,
  name: string,
  fallback: number,
  bounds: NumberBounds = {},
): number {
  const text = raw(env, name);
  if (text === undefined) return checkBounds(name, fallback, bounds);
  if (!/^[+-]?\d+$/.test(text)) throw new ConfigError(name, `must be an integer, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new ConfigError(name, `is out of range: "${text}"`);
  return checkBounds(name, value, bounds);
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** A boolean: 1/true/yes/on or 0/false/no/off, any case. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const text = raw(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new ConfigError(name, `must be true or false, got "${text}"`);
}

/** A comma-separated list; items are trimmed and empty items dropped. */
export function readList(env: Env, name: string, fallback: readonly string[] = []): string[] {
  const text = raw(env, name);
  if (text === undefined) return [...fallback];
  return text
    .split(',')
    .map(item => item.trim())
    .filter(item => item !== '');
}

/** One of a fixed set of words. */
export function readChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const found = choices.find(choice => choice === text);
  if (found === undefined) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${text}"`);
  }
  return found;
}

/** A `host:port` listen address; port 0 asks the system for a free port. */
export function readAddress(env: Env, name: string, fallback: string): string {
  const text = readString(env, name, fallback);
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = match?.[2] === undefined ? Number.NaN : Number(match[2]);
  if (!match || port > 65535) {
    throw new ConfigError(name, `must be host:port with a port from 0 to 65535, got "${text}"`);
  }
  return text;
}
