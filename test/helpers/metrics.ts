import { request } from 'undici';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name → type (`counter`, `gauge`, `histogram`, …), from the `# TYPE` lines. */
  types: Map<string, string>;
  samples: Sample[];
  /** Sum of the samples named `name` whose labels include every label given (e.g. one series, or all of a family). */
  sum(name: string, labels?: Record<string, string>): number;
}

/** Parses Prometheus text exposition (format 0.0.4): enough for tests, not a general parser. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  const sum = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value)).reduce((total, s) => total + s.value, 0);
  return { types, samples, sum };
}

/** GETs `${baseUrl}/metrics` and parses it; throws unless it answers 200 with the exposition content type. */
export async function scrape(baseUrl: string): Promise<Exposition> {
  const response = await request(`${baseUrl}/metrics`);
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.statusCode}: ${text.slice(0, 200)}`);
  const contentType = String(response.headers['content-type']);
  if (!contentType.startsWith('text/plain; version=0.0.4')) throw new Error(`unexpected content type ${contentType}`);
  return parseExposition(text);
}
