// Scrapes a `/metrics` endpoint and reads it with a maintained parser of the text format.
import type { PromFamily, PromSample } from 'parse-prometheus-text-format';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ServiceProcess } from './service-process.js';

export type { PromFamily, PromSample };

/** The families of one scrape, by name. */
export class Exposition {
  readonly families: ReadonlyMap<string, PromFamily>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map(family => [family.name, family]));
  }

  family(name: string): PromFamily {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`no family ${name} in the exposition:\n${this.text}`);
    return family;
  }

  /** The one sample of `name` whose labels include `labels`. */
  sample(name: string, labels: Readonly<Record<string, string>> = {}): PromSample {
    const matches = this.family(name).metrics.filter(sample =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
    if (matches.length !== 1) {
      throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
    }
    return matches[0] as PromSample;
  }

  /** The value of a counter or gauge sample, as a number. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return Number(this.sample(name, labels).value);
  }
}

/** GET `url` and parse it; throws with the status on anything but 200. */
export async function scrape(
  url: string,
  headers: Record<string, string> = {},
): Promise<Exposition> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return new Exposition(text);
}

/** `http://<address>/metrics` of a service process, from its 'metrics listening' log line. */
export function metricsUrl(service: ServiceProcess): string {
  const line = service.logLines().find(entry => entry.msg === 'metrics listening');
  const address = line?.address;
  if (typeof address !== 'string') {
    throw new Error(`${service.service} logged no 'metrics listening' line\n${service.stdout()}`);
  }
  return `http://${address}/metrics`;
}
