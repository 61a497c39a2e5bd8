import { describe, expect, it } from 'vitest';
import { readResponseCacheConfig } from './config.js';

describe('readResponseCacheConfig', () => {
  it('is off by default, bounded to 30 s, in memory', () => {
    expect(readResponseCacheConfig({})).toMatchObject({ enabled: false, maxTtlSeconds: 30, redisUrl: undefined, timeoutMs: 100 });
  });

  it('reads RESPONSE_CACHE, RESPONSE_CACHE_MAX_TTL_SECONDS and REDIS_URL', () => {
    const env = { RESPONSE_CACHE: 'on', RESPONSE_CACHE_MAX_TTL_SECONDS: '5', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(readResponseCacheConfig(env)).toMatchObject({ enabled: true, maxTtlSeconds: 5, redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => readResponseCacheConfig({ RESPONSE_CACHE: 'yes' })).toThrow(/^RESPONSE_CACHE: /);
    expect(() => readResponseCacheConfig({ RESPONSE_CACHE_MAX_TTL_SECONDS: '0' })).toThrow(/^RESPONSE_CACHE_MAX_TTL_SECONDS: /);
    expect(() => readResponseCacheConfig({ REDIS_URL: 'http://x' })).toThrow(/^REDIS_URL: /);
  });
});
