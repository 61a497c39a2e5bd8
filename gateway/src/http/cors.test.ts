import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_ORIGINS, readCorsConfig } from './cors.js';

describe('CORS_ORIGINS', () => {
  it('defaults to the local dev origins in development and to none in production', () => {
    expect(readCorsConfig({}, false).origins).toEqual(DEVELOPMENT_ORIGINS);
    expect(readCorsConfig({}, true).origins).toEqual([]);
    expect(readCorsConfig({ CORS_ORIGINS: '' }, false).origins).toEqual([]);
  });

  it('takes exact origins, lower-cased, a trailing slash dropped', () => {
    expect(readCorsConfig({ CORS_ORIGINS: 'https://App.Example.com/, http://localhost:8080' }, true).origins).toEqual(['https://app.example.com', 'http://localhost:8080']);
  });

  it.each(['*', 'null', 'app.example.com', 'https://app.example.com/path', 'ftp://files.example.com'])('refuses %s, naming the variable', (value) => {
    expect(() => readCorsConfig({ CORS_ORIGINS: value }, true)).toThrow(/CORS_ORIGINS/);
  });
});
