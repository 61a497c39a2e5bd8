import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

/** A refusal the caller reports with exit code 2 (bad or conflicting arguments). */
export class ScaffoldError extends Error {}

export type SubgraphKind = 'rest' | 'postgres';

export interface ScaffoldRequest {
  /** Lower-case letters and digits: a directory, a GraphQL type prefix and an env-var prefix at once. */
  name: string;
  kind: SubgraphKind;
  team: string;
  port: number;
  /** `NAME` upper-cased, the prefix of the subgraph's environment variables. */
  envPrefix: string;
}

const NAME = /^[a-z][a-z0-9]{1,29}$/;
const TEAM = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Directories under subgraphs/ that are not subgraphs. */
const RESERVED = new Set(['shared', 'gateway', 'schema', 'query', 'mutation', 'subscription']);
const FIRST_PORT = 4005;

const TEMPLATES = new URL('./templates/', import.meta.url);

interface SupergraphYaml {
  subgraphs?: Record<string, { routing_url?: string }>;
}

function registeredPorts(root: string): { names: Set<string>; ports: Set<number> } {
  const config = YAML.parse(readFileSync(join(root, 'schema/supergraph.yaml'), 'utf8')) as SupergraphYaml;
  const entries = Object.entries(config.subgraphs ?? {});
  const ports = entries.flatMap(([, entry]) => {
    const port = entry.routing_url ? Number(new URL(entry.routing_url).port) : NaN;
    return Number.isInteger(port) ? [port] : [];
  });
  return { names: new Set(entries.map(([name]) => name)), ports: new Set(ports) };
}

/** Checks every argument before anything is written; the messages name the argument. */
export function validateRequest(root: string, raw: { name: string; kind: string; team?: string; port?: string }): ScaffoldRequest {
  const { name, kind } = raw;
  if (!NAME.test(name)) throw new ScaffoldError(`--name "${name}" is invalid: use 2 to 30 lower-case letters and digits, starting with a letter (e.g. logistics)`);
  if (RESERVED.has(name)) throw new ScaffoldError(`--name "${name}" is reserved`);
  if (kind !== 'rest' && kind !== 'postgres') throw new ScaffoldError(`--kind "${kind}" is invalid: expected rest or postgres`);
  const { names, ports } = registeredPorts(root);
  if (names.has(name) || existsSync(join(root, 'subgraphs', name))) throw new ScaffoldError(`--name "${name}": a subgraph of that name already exists`);
  const team = raw.team ?? `${name}-team`;
  if (!TEAM.test(team)) throw new ScaffoldError(`--team "${team}" is invalid: use lower-case letters, digits and dashes`);
  let port: number;
  if (raw.port !== undefined) {
    port = /^\d{1,5}$/.test(raw.port) ? Number(raw.port) : NaN;
    if (!(port >= 1024 && port <= 65_435)) throw new ScaffoldError(`--port "${raw.port}" is invalid: expected an integer between 1024 and 65435`);
    if (ports.has(port)) throw new ScaffoldError(`--port ${port} is already the port of another subgraph in schema/supergraph.yaml`);
  } else {
    port = FIRST_PORT;
    while (ports.has(port)) port++;
  }
  return { name, kind, team, port, envPrefix: name.toUpperCase() };
}

function placeholders(request: ScaffoldRequest): Array<[string, string]> {
  const pascal = request.name[0]!.toUpperCase() + request.name.slice(1);
  return [
    ['__STANDIN_PORT__', String(request.port + 100)],
    ['__PORT__', String(request.port)],
    ['__NAME__', request.envPrefix],
    ['__Name__', pascal],
    ['__camel__', request.name],
    ['__name__', request.name],
  ];
}

function fill(text: string, request: ScaffoldRequest): string {
  return placeholders(request).reduce((out, [token, value]) => out.replaceAll(token, value), text);
}

function templateFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? templateFiles(path) : path.endsWith('.tmpl') ? [path] : [];
  });
}

/** Writes subgraphs/NAME from the common and the kind's templates; returns the files written. */
export function renderSubgraph(root: string, request: ScaffoldRequest): string[] {
  const target = join(root, 'subgraphs', request.name);
  const written: string[] = [];
  for (const set of ['common', request.kind]) {
    const base = fileURLToPath(new URL(`${set}/`, TEMPLATES));
    for (const file of templateFiles(base)) {
      const out = join(target, fill(relative(base, file), request).replace(/\.tmpl$/, ''));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, fill(readFileSync(file, 'utf8'), request));
      written.push(relative(root, out));
    }
  }
  mkdirSync(join(target, '__generated__'), { recursive: true });
  return written;
}

/** Appends lines to a YAML file, on a line of their own even when the file lacks a final newline. */
function appendLines(path: string, text: string): void {
  const current = readFileSync(path, 'utf8');
  appendFileSync(path, current.length > 0 && !current.endsWith('\n') ? `\n${text}` : text);
}

/**
 * Registers the subgraph in supergraph.yaml and owners.yaml. Codegen's subgraph list and the known
 * scopes (`<name>:read`, `<name>:write`) are read from supergraph.yaml, so nothing else is edited.
 */
export function registerSubgraph(root: string, request: ScaffoldRequest): void {
  const { name, team, port } = request;
  appendLines(
    join(root, 'schema/supergraph.yaml'),
    `  ${name}:\n    routing_url: http://127.0.0.1:${port}/graphql\n    schema:\n      file: ../subgraphs/${name}/schema.graphql\n`,
  );
  appendLines(
    join(root, 'schema/owners.yaml'),
    [
      `  ${name}:`,
      `    team: ${team}`,
      `    system: ${name}`,
      `    # Placeholders from new:subgraph: the owning team replaces them before the first release.`,
      `    contact: "#team-${team}, ${team}@example.com"`,
      `    sla:`,
      `      availability: "99.5 %"`,
      `      latencyP99Ms: 500`,
      `      support: "business hours"`,
      '',
    ].join('\n'),
  );
}
