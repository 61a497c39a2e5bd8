import { describe, expect, it } from 'vitest';
import { readTraceIdExtension } from './index.js';

describe('TRACE_ID_EXTENSION', () => {
  it('is on by default, off when asked, and refuses anything else naming the variable', () => {
    expect(readTraceIdExtension({})).toBe(true);
    expect(readTraceIdExtension({ TRACE_ID_EXTENSION: 'on' })).toBe(true);
    expect(readTraceIdExtension({ TRACE_ID_EXTENSION: 'off' })).toBe(false);
    expect(() => readTraceIdExtension({ TRACE_ID_EXTENSION: 'yes' })).toThrow(/^TRACE_ID_EXTENSION: expected "on" or "off", got "yes"$/);
  });
});
