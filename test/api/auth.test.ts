import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startApp, TEST_SECRET, type TestApp } from '../support/app.ts';
import { createApi, subscribe } from '../support/client.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t?.close());

const viewerQuery = /* GraphQL */ `{ viewer { handle roles user { id handle } } }`;

describe('authentication over HTTP', () => {
  it('creates the user on first sight and returns the viewer', async () => {
    const result = await t.as('alice', ['reviewer']).request(viewerQuery);
    expect(result.viewer).toMatchObject({ handle: 'alice', roles: ['REVIEWER'], user: { handle: 'alice' } });
    const stored = await t.db.user.findUnique({ where: { subject: 'test|alice' } });
    expect(stored?.handle).toBe('alice');
  });

  it('refuses a missing token on a field that needs a user', async () => {
    const result = await t.anonymous().raw(viewerQuery);
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
  });

  it('allows a missing token on public fields', async () => {
    const result = await t.anonymous().raw(`{ businessPage(handle: "nobody") { handle } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ businessPage: null });
  });

  it.each([
    ['a garbage token', async () => 'not-a-jwt'],
    ['a token signed with another secret', async () => new SignJWT({ handle: 'mallory' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-0123456789'))],
    ['an expired token', async () => new SignJWT({ handle: 'bob' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_100).sign(new TextEncoder().encode(TEST_SECRET))],
    ['a token without a handle', async () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('nohandle').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_SECRET))],
  ])('refuses %s on any operation, public ones included', async (_name, makeToken) => {
    const token = await makeToken();
    const api = createApi(t.url, async () => token);
    for (const query of [viewerQuery, `{ businessPage(handle: "x") { handle } }`]) {
      const result = await api.raw(query);
      expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    }
  });

  it('refuses a non-bearer Authorization header', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWxpY2U6cHc=' },
      body: JSON.stringify({ query: viewerQuery }),
    });
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('gives FORBIDDEN to a signed-in user without the platform role', async () => {
    const result = await t.as('carol').raw(`mutation { businessAccountPlatformUpdate(id: "QnVzaW5lc3NBY2NvdW50OjAxOWFhMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA==", input: { followerCount: 5 }) { userErrors { code } } }`);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('authentication over WebSocket', () => {
  const subscription = `subscription ($id: ID!) { businessPageUpdated(accountId: $id) { enabled } }`;
  const someAccountId = Buffer.from('BusinessAccount:019aa000-0000-7000-8000-000000000000').toString('base64');

  it('refuses a bad token in connectionParams with UNAUTHENTICATED', async () => {
    const api = createApi(t.url, async () => 'not-a-jwt');
    const client = api.ws();
    const sub = subscribe(client, subscription, { id: someAccountId });
    const event = await sub.next();
    expect(event.errors?.[0].extensions?.code ?? event.errors?.[0].message).toMatch(/UNAUTHENTICATED|token/);
    await client.dispose();
  });

  it('refuses a missing token with UNAUTHENTICATED', async () => {
    const client = t.anonymous().ws();
    const sub = subscribe(client, subscription, { id: someAccountId });
    const event = await sub.next();
    expect(event.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await client.dispose();
  });

  it('refuses a signed-in user who is not on the account team with FORBIDDEN', async () => {
    const client = t.as('outsider').ws();
    const sub = subscribe(client, subscription, { id: someAccountId });
    const event = await sub.next();
    expect(event.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await client.dispose();
  });
});
