import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, dataDir: path.resolve('./data'), databaseUrl: undefined, redisUrl: undefined, seedDemo: true });
    expect(config.mediaDir).toBe(path.resolve('./data/media'));
    expect(config.sizeLimits).toEqual({ maxBodyBytes: 1024 * 1024, maxDocumentBytes: 100 * 1024 });
  });

  it('takes the size caps in bytes', () => {
    expect(loadConfig({ MAX_BODY_BYTES: '65536', MAX_DOCUMENT_BYTES: '8192' }).sizeLimits).toEqual({ maxBodyBytes: 65536, maxDocumentBytes: 8192 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ AUTH_SECRET: 'short' }, 'AUTH_SECRET'],
    [{ TOKEN_TTL: 'forever' }, 'TOKEN_TTL'],
    [{ NODE_ENV: 'production' }, 'AUTH_SECRET'],
    [{ GRAPHIQL: 'yes' }, 'GRAPHIQL'],
    [{ INTROSPECTION: 'on' }, 'INTROSPECTION'],
    [{ CORS_ORIGINS: 'app.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    [{ MAX_BODY_BYTES: '1MB' }, 'MAX_BODY_BYTES'],
    [{ MAX_DOCUMENT_BYTES: '10' }, 'MAX_DOCUMENT_BYTES'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${variable}:`));
  });

  it('takes DATABASE_URL, REDIS_URL and PUBLIC_URL as given', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', PUBLIC_URL: 'https://api.example.com/' });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@h/db', redisUrl: 'redis://h:6379', publicUrl: 'https://api.example.com' });
  });

  it('opens GraphiQL, introspection and CORS in development and closes them in production unless set', () => {
    expect(loadConfig({})).toMatchObject({ graphiql: true, introspection: true, corsOrigins: '*' });
    const production = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production)).toMatchObject({ graphiql: false, introspection: false, corsOrigins: [] });
    expect(loadConfig({ ...production, GRAPHIQL: '1', INTROSPECTION: 'true', CORS_ORIGINS: ' https://a.example.com, http://localhost:5173/ ' })).toMatchObject({
      graphiql: true,
      introspection: true,
      corsOrigins: ['https://a.example.com', 'http://localhost:5173'],
    });
    expect(loadConfig({ CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
  });
});
