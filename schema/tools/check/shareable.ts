import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { ShareableEntry } from './types.js';

/**
 * schema/shareable.yaml: `shareable: { <Type.field or Type>: { reason, approvedBy } }`. A missing
 * file is an empty list; entries lacking a reason or approver are left for the single-source rule
 * to report next to the field, but a file of another shape throws naming the path.
 */
export function readShareable(path: string): ShareableEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = YAML.parse(text) as { shareable?: unknown } | null;
  const entries = parsed?.shareable ?? {};
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new Error(`${path}: "shareable" must map coordinates to { reason, approvedBy }`);
  return Object.entries(entries as Record<string, unknown>).map(([coordinate, value]) => {
    const entry = (value ?? {}) as { reason?: unknown; approvedBy?: unknown };
    return {
      coordinate,
      ...(typeof entry.reason === 'string' ? { reason: entry.reason } : {}),
      ...(typeof entry.approvedBy === 'string' ? { approvedBy: entry.approvedBy } : {}),
    };
  });
}
