// What the API exposes besides operations — the GraphiQL page, introspection, CORS — follows
// GRAPHIQL, INTROSPECTION and CORS_ORIGINS: all open in development, all closed by default in
// production. Checked over HTTP (and introspection over WebSocket too) on real apps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';

const introspection = `{ __schema { queryType { name } } }`;

const page = (t: TestApp) => fetch(t.url, { headers: { accept: 'text/html' } });

const fromOrigin = (t: TestApp, origin: string) =>
  fetch(t.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

const preflight = (t: TestApp, origin: string) =>
  fetch(t.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

describe('in production by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => t?.close());

  it('serves no GraphiQL page', async () => {
    const response = await page(t);
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect(await response.text()).not.toContain('<html');
  });

  it('refuses introspection over HTTP and WebSocket with INTROSPECTION_DISABLED, and still answers __typename', async () => {
    for (const query of [introspection, `{ __type(name: "Query") { name } }`]) {
      const response = await t.anonymous().raw(query);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
      expect(response.errors?.[0].message).toContain('INTROSPECTION=false');
    }
    const client = t.anonymous().ws();
    const overWs = subscribe(client, introspection);
    const refused = await overWs.next();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    await client.dispose();
    expect(await t.anonymous().request('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('gives other origins no CORS permission', async () => {
    const response = await fromOrigin(t, 'https://evil.example');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await preflight(t, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('in production with GRAPHIQL, INTROSPECTION and CORS_ORIGINS set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { NODE_ENV: 'production', GRAPHIQL: 'true', INTROSPECTION: 'true', CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
  });
  afterAll(() => t?.close());

  it('serves GraphiQL and answers introspection', async () => {
    const response = await page(t);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<title>livesuite</title>');
    expect(await t.anonymous().request(introspection)).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('allows the listed origins without credentials and no other', async () => {
    for (const origin of ['https://app.example.com', 'https://admin.example.com']) {
      const response = await fromOrigin(t, origin);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('vary')).toContain('Origin');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      const allowed = await preflight(t, origin);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    }
    const other = await fromOrigin(t, 'https://app.example.com.evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('in development (the defaults tests run with)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('serves GraphiQL from this server, not a CDN, and answers introspection', async () => {
    const response = await page(t);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>livesuite</title>');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
    expect(html).not.toMatch(/unpkg\.com|cdn\.jsdelivr\.net/);
    expect(await t.anonymous().request(introspection)).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('lets any origin call the API, without credentials', async () => {
    const response = await fromOrigin(t, 'http://localhost:5173');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
