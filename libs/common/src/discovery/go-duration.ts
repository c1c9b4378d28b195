/**
 * Go's `time.Duration` text, the form Consul reads and writes durations in (`TTL: "1500ms"`,
 * `?wait=30s`, `DeregisterCriticalServiceAfter: "1m"`).
 */

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 MICRO SIGN, accepted by Go
  μs: 1e-3, // U+03BC GREEK SMALL LETTER MU, accepted by Go
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const COMPONENT = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;

/**
 * Milliseconds of a Go duration (`300ms`, `1.5s`, `1h2m`, `-2s`, `0`), as Go's
 * `time.ParseDuration` reads it; `undefined` when Go would reject the text.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  // Go accepts a bare zero, and nothing else without a unit.
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    if (!match) return undefined;
    const [whole, integer = '', fraction, unit = ''] = match;
    if (integer === '' && (fraction === undefined || fraction === '')) return undefined;
    const scale = MS_PER_UNIT[unit];
    if (scale === undefined) return undefined;
    total += Number(`${integer === '' ? '0' : integer}.${fraction ?? ''}0`) * scale;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/**
 * The shortest exact Go duration for a whole number of milliseconds: `1m`, `30s`, `1500ms`.
 * Fractions of a millisecond are rounded.
 */
export function formatGoDuration(ms: number): string {
  const whole = Math.round(ms);
  if (whole === 0) return '0s';
  if (whole % 3_600_000 === 0) return `${whole / 3_600_000}h`;
  if (whole % 60_000 === 0) return `${whole / 60_000}m`;
  if (whole % 1000 === 0) return `${whole / 1000}s`;
  return `${whole}ms`;
}
