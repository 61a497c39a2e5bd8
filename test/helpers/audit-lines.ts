import { createHash } from 'node:crypto';
import { expect } from 'vitest';

/** What the audit tests share: the operation they send and how they find and match audit lines. */
export const SUPPORT_VIEW = /* GraphQL */ `
  query SupportView {
    customer(id: "cus_0001") {
      name
      email
      phone
    }
  }
`;
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export type Line = Record<string, unknown>;

export function linesOf(text: string): Line[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{"type":"audit"'))
    .map((line) => JSON.parse(line) as Line);
}

/** Waits until `count` lines carry `requestId` (lines of refused requests are written after the answer). */
export async function auditLines(read: () => string, requestId: string, count = 1): Promise<Line[]> {
  for (let attempt = 0; ; attempt++) {
    const lines = linesOf(read()).filter((line) => line.requestId === requestId);
    if (lines.length >= count || attempt === 250) return lines;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The parts of a line that differ per run, matched by type. */
export const varying = { time: expect.stringMatching(ISO_TIME), durationMs: expect.any(Number) };
