/**
 * What the Consul stand-in's parts share: the raft-like index, the HTTP error that carries
 * Consul's status and text, Go durations, and decoding of JSON bodies the way Consul's Go
 * decoder does (field names matched without regard to case or underscores, durations as Go
 * text or ns). Nothing here comes from @taba/common: the stand-in is the yardstick of the
 * discovery code, so it must not share its parsing (or its bugs), and it runs with plain
 * `node --import tsx`.
 */

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's `time.ParseDuration`, in milliseconds; undefined where Go answers an error. */
export function goDurationMs(text: string): number | undefined {
  const signed = /^([-+]?)(.*)$/.exec(text);
  const body = signed?.[2] ?? '';
  if (body === '0') return 0;
  const parts = body.match(/\d*\.?\d*[^\d.]+/g);
  if (body === '' || !parts || parts.join('') !== body) return undefined;
  let ns = 0;
  for (const part of parts) {
    const [, number = '', unit = ''] = /^(\d*\.?\d*)(.*)$/.exec(part) ?? [];
    const scale = NS_PER_UNIT[unit];
    if (scale === undefined || !/\d/.test(number)) return undefined;
    ns += Number(number) * scale;
  }
  return ((signed?.[1] === '-' ? -1 : 1) * ns) / 1e6;
}

/** Go's `Duration.String()` (`1.5s`, `1m30s`, `1h0m0s`, `250ms`) for a number of ms. */
export function goDurationText(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${Number(ms.toFixed(6))}ms`;
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms) / 1000;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = `${Number((rest - minutes * 60).toFixed(9))}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/**
 * A raft-like index: it starts at 1 (the node's own registration) and every change of state
 * takes the next value, so an index seen by a client never repeats with other content.
 */
export class RaftIndex {
  private value = 1;

  constructor(private readonly onChange: () => void) {}

  current(): number {
    return this.value;
  }

  /** Takes the next index for a change, and tells the server that state changed. */
  next(): number {
    this.value += 1;
    this.onChange();
    return this.value;
  }
}

/** A failed request: answered with `status` and `message` as a plain-text body, like Consul. */
export class ConsulHttpError extends Error {
  override readonly name = 'ConsulHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function foldName(name: string): string {
  return name.replaceAll('_', '').toLowerCase();
}

/** `object[name]` with Go's case-insensitive matching (and `snake_case` aliases, as Consul). */
export function field(object: JsonObject, name: string): unknown {
  if (name in object) return object[name];
  const folded = foldName(name);
  for (const [key, value] of Object.entries(object)) {
    if (foldName(key) === folded) return value;
  }
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function decodeError(value: unknown, path: string, goType: string): ConsulHttpError {
  return new ConsulHttpError(
    400,
    `Request decode failed: json: cannot unmarshal ${jsonType(value)} into Go struct field ${path} of type ${goType}`,
  );
}

/**
 * A decoder of one optional field, as Consul's Go decoder reads it: absent or null leaves the
 * zero value (`zero()`, fresh each time); a value `accept` turns down (answers undefined) fails
 * with Go's unmarshal error for `goType`.
 */
function optionalField<T, Z>(
  goType: string,
  zero: () => Z,
  accept: (value: unknown) => T | undefined,
): (object: JsonObject, name: string, path: string) => T | Z {
  return (object, name, path) => {
    const value = field(object, name);
    if (value === undefined || value === null) return zero();
    const decoded = accept(value);
    if (decoded === undefined) throw decodeError(value, `${path}.${name}`, goType);
    return decoded;
  };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function none(): undefined {
  return undefined;
}

export const optionalString = optionalField('string', none, value =>
  isString(value) ? value : undefined,
);

export const optionalInteger = optionalField('int', none, value =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined,
);

export const optionalStringList = optionalField(
  '[]string',
  (): string[] => [],
  value => (Array.isArray(value) && value.every(isString) ? [...value] : undefined),
);

export const optionalStringMap = optionalField(
  'map[string]string',
  (): Record<string, string> => ({}),
  value =>
    isJsonObject(value) && Object.values(value).every(isString)
      ? { ...(value as Readonly<Record<string, string>>) }
      : undefined,
);

/** A duration field: Go text (`"10s"`) or integer nanoseconds, as Consul's decoder accepts. */
export const optionalDuration = optionalField('time.Duration', none, value => {
  if (typeof value === 'number' && Number.isFinite(value)) return value / 1e6;
  if (!isString(value)) return undefined;
  const ms = goDurationMs(value);
  if (ms === undefined) {
    throw new ConsulHttpError(400, `Request decode failed: time: invalid duration "${value}"`);
  }
  return ms;
});
