import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { apiSchemaOf } from './api-schema.js';

/** How much a change can hurt consumers, in @graphql-inspector/core's terms. */
export type Criticality = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  criticality: Criticality;
  /** Inspector's change type, e.g. FIELD_REMOVED, FIELD_DEPRECATION_ADDED. */
  type: string;
  message: string;
  /** Schema coordinate the change is about (`Type.field`, `Type.field.arg`, `Type`), when known. */
  path?: string;
  /** Inspector's explanation of why a breaking or dangerous change is so. */
  reason?: string;
}

const LEVELS: Record<CriticalityLevel, Criticality> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

const ORDER: Record<Criticality, number> = { breaking: 0, dangerous: 1, safe: 2 };

/** The semantic diff of two composed supergraphs, judged on the API schema consumers query. */
export async function diffSupergraphs(oldSupergraphSdl: string, newSupergraphSdl: string): Promise<SchemaChange[]> {
  const changes = await diff(apiSchemaOf(oldSupergraphSdl), apiSchemaOf(newSupergraphSdl));
  return changes
    .map(toSchemaChange)
    .sort((a, b) => ORDER[a.criticality] - ORDER[b.criticality] || (a.path ?? '').localeCompare(b.path ?? '') || a.message.localeCompare(b.message));
}

function toSchemaChange(change: Change): SchemaChange {
  const reason = change.criticality.reason;
  return {
    criticality: LEVELS[change.criticality.level],
    type: String(change.type),
    message: change.message,
    ...(change.path ? { path: change.path } : {}),
    ...(reason ? { reason } : {}),
  };
}
