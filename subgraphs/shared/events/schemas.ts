import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { projectPath } from '../../../common/project-root.js';
import type { BusinessEvent } from './envelope.js';

/**
 * The JSON Schemas of business events, `schema/events/<type>.v<version>.json` (the payload) and
 * `envelope.v1.json` (what surrounds it). Producers' tests validate what they emit; consumers
 * refuse (and dead-letter) what fails, before touching anything.
 */
export const EVENT_SCHEMA_DIR = projectPath('schema/events');

export type EventCheck = { ok: true } | { ok: false; reason: string };

export interface EventSchemas {
  /** The types and versions documented, e.g. `order.approved.v1`. */
  readonly known: readonly string[];
  validate(event: unknown): EventCheck;
}

const describeErrors = (validate: ValidateFunction, where: string): string =>
  (validate.errors ?? []).map((error) => `${where}${error.instancePath || ''} ${error.message ?? 'is invalid'}`).join('; ');

export function loadEventSchemas(dir: string = EVENT_SCHEMA_DIR): EventSchemas {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  const envelope = ajv.compile(read('envelope.v1.json'));
  const payloads = new Map<string, ValidateFunction>();
  for (const file of readdirSync(dir).sort()) {
    const match = /^([a-z]+\.[a-z_]+)\.v(\d+)\.json$/.exec(file);
    if (match) payloads.set(`${match[1]}.v${match[2]}`, ajv.compile(read(file)));
  }
  return {
    known: [...payloads.keys()],
    validate(event) {
      if (!envelope(event)) return { ok: false, reason: describeErrors(envelope, 'event') };
      const { type, version, payload } = event as BusinessEvent;
      const check = payloads.get(`${type}.v${version}`);
      if (!check) return { ok: false, reason: `no schema for ${type} v${version} in schema/events` };
      return check(payload) ? { ok: true } : { ok: false, reason: describeErrors(check, `${type} v${version} payload`) };
    },
  };
}

let shared: EventSchemas | undefined;
/** The project's schemas, loaded once per process. */
export const eventSchemas = (): EventSchemas => (shared ??= loadEventSchemas());
