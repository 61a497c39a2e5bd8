import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Kind, parse, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { request } from 'undici';
import { ConfigError } from '../../common/config.js';
import { subgraphEnvName, type GatewayConfig, type SupergraphSource } from './config.js';
import { log } from './log.js';

export interface SubgraphEndpoint {
  name: string;
  /** The GraphQL endpoint the gateway calls: the `SUBGRAPH_<NAME>_URL` override, else the supergraph's. */
  url: string;
  /** Owning business system, named in errors (`extensions.system`). */
  system: string;
}

export interface LoadedSupergraph {
  sdl: string;
  /** Where it was read from (file path or URL), shown in /readyz. */
  source: string;
  /** Short content hash: the supergraph version shown in /readyz. */
  hash: string;
  subgraphs: SubgraphEndpoint[];
}

const FETCH_TIMEOUT_MS = 10_000;
/** Federation 2 supergraphs `@link` the join spec at v0.2 or later; Fed 1 used `@core` with v0.1. */
const JOIN_SPEC = /^https:\/\/specs\.apollo\.dev\/join\/v0\.(\d+)$/;

/** Reads, checks and describes the supergraph; every failure names the setting that chose it. */
export async function loadSupergraph(config: GatewayConfig): Promise<LoadedSupergraph> {
  const { supergraph } = config;
  const sdl = await readSupergraphSdl(supergraph);
  const loaded = describeSupergraph(sdl, config);
  const known = new Set(loaded.subgraphs.map(({ name }) => subgraphEnvName(name)));
  for (const name of Object.keys(config.subgraphUrls)) {
    if (!known.has(name)) log('warn', 'override names no subgraph of the supergraph', { variable: `SUBGRAPH_${name}_URL` });
  }
  return loaded;
}

/** The supergraph's syntax tree, parsed once per version and read by every check; a ConfigError naming the setting when it does not parse. */
export function parseSupergraph(sdl: string, source: Pick<SupergraphSource, 'location' | 'variable'>): DocumentNode {
  try {
    return parse(sdl);
  } catch (error) {
    return notSupergraph(source, `not valid GraphQL (${(error as Error).message})`);
  }
}

function notSupergraph(source: Pick<SupergraphSource, 'location' | 'variable'>, message: string): never {
  throw new ConfigError(source.variable, `${source.location} is not a Federation 2 supergraph: ${message}`);
}

/**
 * Checks that `sdl` is a Federation 2 supergraph and lists its subgraphs with the URLs the gateway
 * calls (`SUBGRAPH_<NAME>_URL` overrides win). Used at start and for every reloaded version.
 */
export function describeSupergraph(
  sdl: string,
  config: Pick<GatewayConfig, 'supergraph' | 'subgraphUrls' | 'subgraphSystems'>,
  document: DocumentNode | string = sdl,
): LoadedSupergraph {
  const { supergraph } = config;
  const subgraphs = listSubgraphs(document, supergraph).map(({ name, url }) => {
    const key = subgraphEnvName(name);
    const effective = config.subgraphUrls[key] ?? url;
    // Not fatal: the other subgraphs still serve; this one answers SUBGRAPH_UNAVAILABLE and shows down.
    if (!effective) log('warn', 'subgraph has no routing URL', { subgraph: name, variable: `SUBGRAPH_${key}_URL` });
    return { name, url: effective, system: config.subgraphSystems[key] ?? name };
  });
  return { sdl, source: supergraph.location, hash: supergraphHash(sdl), subgraphs };
}

export function supergraphHash(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex').slice(0, 12);
}

/** The supergraph's text from its file or URL; a failure names the setting that chose it. */
export async function readSupergraphSdl(source: SupergraphSource): Promise<string> {
  if (source.kind === 'file') {
    try {
      return await readFile(source.location, 'utf8');
    } catch (error) {
      throw new ConfigError(source.variable, `cannot read supergraph ${source.location}: ${(error as Error).message}`);
    }
  }
  try {
    const response = await request(source.location, {
      method: 'GET',
      headers: { accept: 'application/graphql, text/plain, */*' },
      headersTimeout: FETCH_TIMEOUT_MS,
      bodyTimeout: FETCH_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    return text;
  } catch (error) {
    throw new ConfigError(source.variable, `cannot fetch supergraph ${source.location}: ${(error as Error).message}`);
  }
}

/**
 * The subgraphs of a Federation 2 supergraph: the values of its `join__Graph` enum, each with
 * `@join__graph(name:, url:)`. Anything else (a subgraph SDL, a Fed 1 supergraph) is refused here
 * with a message saying what the file is missing; @apollo/gateway validates the rest at load.
 */
export function listSubgraphs(supergraph: string | DocumentNode, source: Pick<SupergraphSource, 'location' | 'variable'>): Array<{ name: string; url: string }> {
  const fail = (message: string): never => notSupergraph(source, message);
  const document = typeof supergraph === 'string' ? parseSupergraph(supergraph, source) : supergraph;
  const links = document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION
      ? (definition.directives ?? []).filter((directive) => directive.name.value === 'link')
      : [],
  );
  const joinVersion = links.map((link) => JOIN_SPEC.exec(stringArgument(link, 'url') ?? '')?.[1]).find((version) => version !== undefined);
  if (joinVersion === undefined || Number(joinVersion) < 2) {
    fail('no `@link(url: "https://specs.apollo.dev/join/v0.2")` or later on the schema; compose it with Federation 2 (rover supergraph compose or @apollo/composition)');
  }
  const graphEnum = document.definitions.find((definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph');
  if (!graphEnum || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) return fail('no `join__Graph` enum');
  const subgraphs = (graphEnum.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const name = directive && stringArgument(directive, 'name');
    const url = directive && stringArgument(directive, 'url');
    if (!name || url === undefined) return fail(`join__Graph.${value.name.value} has no @join__graph(name:, url:)`);
    return { name, url };
  });
  if (subgraphs.length === 0) fail('the `join__Graph` enum lists no subgraph');
  return subgraphs;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument: ConstArgumentNode | undefined = directive.arguments?.find((arg) => arg.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}
