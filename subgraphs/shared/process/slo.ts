import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ConfigError } from '../../../common/config.js';
import { projectPath } from '../../../common/project-root.js';
import { parseDuration } from './duration.js';

/** The steps of an order's fulfillment (issue 17) and the subgraph that answers for each. */
export const STEP_OWNERS = { invoice: 'billing', shipment: 'logistics', delivery: 'erp', payment: 'billing' } as const;
export type StepName = keyof typeof STEP_OWNERS;
export const STEP_NAMES = Object.keys(STEP_OWNERS) as StepName[];

/**
 * Each step's expected time in milliseconds, counted from when the step became due: the order's
 * approval (invoice, shipment), the parcel's booking (delivery), the invoice's due date (payment:
 * a grace period after it).
 */
export type ProcessSlos = Readonly<Record<StepName, number>>;

export const OWNERS_FILE = projectPath('schema/owners.yaml');

interface ReadOptions {
  /** Default: schema/owners.yaml. */
  path?: string;
  /** `PROCESS_SLO_OVERRIDES`, e.g. `shipment=PT2S,invoice=PT1S`: tests and drills shorten SLOs without another owners file. */
  env?: Record<string, string | undefined>;
}

/**
 * Reads every step's SLO from `subgraphs.<owner>.processSteps.<step>.expectedWithin` in
 * owners.yaml (an ISO-8601 duration), then applies `PROCESS_SLO_OVERRIDES`. Called once at
 * start-up: a missing or malformed entry throws naming the file and key, or the variable.
 */
export function readProcessSlos(options: ReadOptions = {}): ProcessSlos {
  const path = options.path ?? OWNERS_FILE;
  const parsed = YAML.parse(readFileSync(path, 'utf8')) as { subgraphs?: Record<string, { processSteps?: unknown } | null> } | null;
  const slos = {} as Record<StepName, number>;
  for (const step of STEP_NAMES) {
    const owner = STEP_OWNERS[step];
    const key = `subgraphs.${owner}.processSteps.${step}.expectedWithin`;
    const steps = parsed?.subgraphs?.[owner]?.processSteps as Record<string, { expectedWithin?: unknown } | null> | undefined;
    const value = steps?.[step]?.expectedWithin;
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    if (ms === null) throw new Error(`${path}: ${key} must be an ISO-8601 duration such as PT10M or P3D (got ${JSON.stringify(value ?? null)})`);
    slos[step] = ms;
  }
  for (const [owner, entry] of Object.entries(parsed?.subgraphs ?? {})) {
    for (const step of Object.keys((entry?.processSteps as object | undefined) ?? {})) {
      if (STEP_OWNERS[step as StepName] !== owner)
        throw new Error(
          `${path}: subgraphs.${owner}.processSteps.${step} is not a step ${owner} answers for (${STEP_NAMES.map((name) => `${name}: ${STEP_OWNERS[name]}`).join(', ')})`,
        );
    }
  }
  return { ...slos, ...readOverrides(options.env ?? process.env) };
}

function readOverrides(env: Record<string, string | undefined>): Partial<Record<StepName, number>> {
  const text = env.PROCESS_SLO_OVERRIDES?.trim();
  if (!text) return {};
  const overrides: Partial<Record<StepName, number>> = {};
  for (const part of text.split(',')) {
    const [step, value] = part.split('=').map((piece) => piece.trim());
    const ms = value === undefined ? null : parseDuration(value);
    if (!STEP_NAMES.includes(step as StepName) || ms === null) {
      throw new Error(`PROCESS_SLO_OVERRIDES: "${part}" must be <step>=<ISO-8601 duration>, step one of ${STEP_NAMES.join(', ')} (e.g. shipment=PT2S)`);
    }
    overrides[step as StepName] = ms;
  }
  return overrides;
}

let cached: ProcessSlos | undefined;
/** The committed owners file's SLOs with the environment's overrides, read on first use (loaders built without a config: tests). */
export const defaultProcessSlos = (): ProcessSlos => (cached ??= readProcessSlos());

/** readProcessSlos for a subgraph's config: a bad override is a ConfigError naming PROCESS_SLO_OVERRIDES. */
export function readProcessSlosConfig(env: Record<string, string | undefined>): ProcessSlos {
  try {
    return readProcessSlos({ env });
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('PROCESS_SLO_OVERRIDES: ')) throw new ConfigError('PROCESS_SLO_OVERRIDES', message.slice('PROCESS_SLO_OVERRIDES: '.length));
    throw error;
  }
}
