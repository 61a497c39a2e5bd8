import { describe, expect, it } from 'vitest';
import { readFailpoint } from './failpoints.js';

describe('EVENTS_FAILPOINT', () => {
  it('arms the named point for its first pass, or its n-th', () => {
    expect(readFailpoint({ NODE_ENV: 'test', EVENTS_FAILPOINT: 'relay.before-publish' })).toEqual({ name: 'relay.before-publish', remaining: 1 });
    expect(readFailpoint({ NODE_ENV: 'test', EVENTS_FAILPOINT: 'consumer.after-effect-before-ack:3' })).toEqual({ name: 'consumer.after-effect-before-ack', remaining: 3 });
  });

  it('is ignored outside NODE_ENV=test, and when empty', () => {
    expect(readFailpoint({ NODE_ENV: 'production', EVENTS_FAILPOINT: 'relay.before-publish' })).toBeUndefined();
    expect(readFailpoint({ EVENTS_FAILPOINT: 'relay.before-publish' })).toBeUndefined();
    expect(readFailpoint({ NODE_ENV: 'test', EVENTS_FAILPOINT: '' })).toBeUndefined();
  });

  it('refuses a point it does not know, naming the variable', () => {
    expect(() => readFailpoint({ NODE_ENV: 'test', EVENTS_FAILPOINT: 'relay.after-publish' })).toThrow(/^EVENTS_FAILPOINT: /);
    expect(() => readFailpoint({ NODE_ENV: 'test', EVENTS_FAILPOINT: 'relay.before-publish:0' })).toThrow(/^EVENTS_FAILPOINT: /);
  });
});
