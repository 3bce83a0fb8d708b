// Size caps on what a client sends (PRODUCT "Bad input and failure"): a request body that is
// not an upload is at most MAX_BODY_BYTES (1 MB by default), a GraphQL document at most
// MAX_DOCUMENT_BYTES (100 KB), over HTTP and WebSocket; uploads keep their own caps. Oversized
// requests are refused with a coded error and execute nothing.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OrganizationCreateDocument } from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';
import { createAccount, createTeam, localId, oversizedPngFile, signIn, uploadPhotos } from '../support/fixtures.ts';

const KB = 1024;
const MB = 1024 * KB;
let t: TestApp;
let small: TestApp;

beforeAll(async () => {
  t = await startApp();
  // the same caps, configured smaller
  small = await startApp({ env: { MAX_BODY_BYTES: String(16 * KB), MAX_DOCUMENT_BYTES: String(4 * KB) } });
  await signIn(t, 'sizer');
});
afterAll(async () => {
  await t?.close();
  await small?.close();
});

/** a mutation whose document is about `bytes` long because of a comment (or a string literal) */
const paddedMutation = (bytes: number, how: 'comment' | 'string' = 'comment') =>
  how === 'comment'
    ? `mutation Pad { organizationCreate(input: { name: "Padded" }) { organization { id } } }\n# ${'x'.repeat(bytes)}`
    : `mutation Pad { organizationCreate(input: { name: "${'x'.repeat(bytes)}" }) { organization { id } } }`;

const organizations = () => t.db.organization.count();

async function post(app: TestApp, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await app.token('sizer')}`, ...headers },
    body,
  });
  return { status: response.status, ...((await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }) };
}

describe('a JSON request body', () => {
  it('over 1 MB is refused with 413 REQUEST_ENTITY_TOO_LARGE before anything is parsed or executed', async () => {
    const before = await organizations();
    const response = await post(t, JSON.stringify({ query: paddedMutation(2 * MB) }));
    expect(response.status).toBe(413);
    expect(response.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('larger than 1048576 bytes (MAX_BODY_BYTES)'), extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } }),
    ]);
    expect(response.data ?? null).toBeNull();
    expect(await organizations()).toBe(before);
  });

  it('of 20 MB (a comment or a string literal) is refused the same way, executing nothing', async () => {
    const before = await organizations();
    for (const how of ['comment', 'string'] as const) {
      const response = await post(t, JSON.stringify({ query: paddedMutation(20 * MB, how) }));
      expect(response.status).toBe(413);
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
    }
    expect(await organizations()).toBe(before);
  });

  it('sent chunked (no Content-Length) is cut off while it streams: the refusal comes long before 20 MB are sent', async () => {
    const token = await t.token('sizer');
    const before = await organizations();
    const { status, body, sent } = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const request = http.request(t.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${token}` } });
      request.on('response', (response) => {
        answered = true;
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode!, body, sent });
          request.destroy();
        });
      });
      request.on('error', (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.alloc(64 * KB, 'x');
      const writeMore = () => {
        if (answered || sent >= 20 * MB) return;
        if (sent === 0) request.write(`{"query":"${paddedMutation(10, 'comment').replaceAll('\n', '\\n')}`);
        sent += chunk.length;
        request.write(chunk, () => setImmediate(writeMore));
      };
      writeMore();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
    expect(sent).toBeLessThan(10 * MB);
    expect(await organizations()).toBe(before);
  });

  it('of just under 1 MB is read (variables count toward the body, not the document)', async () => {
    const response = await post(t, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(MB - 200) } }));
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ __typename: 'Query' });
  });

  it('follows MAX_BODY_BYTES', async () => {
    const response = await post(small, JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(20 * KB) } }));
    expect(response.status).toBe(413);
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringContaining('16384 bytes'), extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } });
  });
});

describe('a GraphQL document', () => {
  it.each(['comment', 'string'] as const)('over 100 KB (a long %s) is refused with 413 DOCUMENT_TOO_LARGE, executing nothing', async (how) => {
    const before = await organizations();
    const response = await post(t, JSON.stringify({ query: paddedMutation(150 * KB, how) }));
    expect(response.status).toBe(413);
    expect(response.errors).toEqual([
      expect.objectContaining({ message: 'The GraphQL document is larger than 102400 bytes (MAX_DOCUMENT_BYTES).', extensions: { code: 'DOCUMENT_TOO_LARGE' } }),
    ]);
    expect(await organizations()).toBe(before);
  });

  it('counts UTF-8 bytes, not characters', async () => {
    // 40,000 three-byte characters: 120 KB in UTF-8, under 100 K characters
    const response = await post(t, JSON.stringify({ query: `{ __typename }\n# ${'价'.repeat(40_000)}` }));
    expect(response.status).toBe(413);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['DOCUMENT_TOO_LARGE']);
  });

  it('of just under 100 KB runs', async () => {
    const before = await organizations();
    const response = await post(t, JSON.stringify({ query: paddedMutation(100 * KB - 200) }));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(await organizations()).toBe(before + 1);
  });

  it('sent in a GET query string is capped too', async () => {
    const response = await fetch(`${small.url}?query=${encodeURIComponent(`{ __typename }\n# ${'x'.repeat(5 * KB)}`)}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual(['DOCUMENT_TOO_LARGE']);
  });

  it('over WebSocket gets DOCUMENT_TOO_LARGE (and no HTTP status) and executes nothing', async () => {
    const before = await organizations();
    const client = t.as('sizer').ws();
    try {
      const sub = subscribe(client, paddedMutation(150 * KB));
      const result = await sub.next();
      expect(result.errors).toEqual([{ message: 'The GraphQL document is larger than 102400 bytes (MAX_DOCUMENT_BYTES).', extensions: { code: 'DOCUMENT_TOO_LARGE' } }]);
      expect(await organizations()).toBe(before);
      // the connection stays usable
      const ok = subscribe(client, OrganizationCreateDocument, { input: { name: 'After the refusal' } });
      expect((await ok.next()).data).toMatchObject({ organizationCreate: { organization: { id: expect.any(String) } } });
    } finally {
      await client.dispose();
    }
  });

  it('over WebSocket in a message larger than MAX_BODY_BYTES closes the socket with 1009 (message too big)', async () => {
    const socket = new WebSocket(t.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(2 * MB) } }));
    expect(await closed).toBe(1009);
  });
});

describe('uploads', () => {
  it('keep their own cap: a 2 MB photo in a multipart request is accepted', async () => {
    const team = await createTeam(t, { owner: 'size.owner', accounts: [] });
    const accountId = await createAccount(t, 'size.owner', team.organizationId, 'size.shop');
    const response = await uploadPhotos(t.as('size.owner'), accountId, [{ bytes: oversizedPngFile(2 * MB), name: 'big.png' }]);
    expect(response.status).toBe(200);
    expect(response.data?.galleryPhotosAdd.userErrors).toEqual([]);
    expect(await t.db.galleryPhoto.count({ where: { accountId: localId(accountId) } })).toBe(1);
  });

  it('a multipart request declaring more than 25 MB is refused with 413 before its body is read', async () => {
    const token = await t.token('size.owner');
    const before = await t.db.galleryPhoto.count();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(t.url, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(26_000_000), 'graphql-require-preflight': '1', authorization: `Bearer ${token}` },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode!, body: text });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write('--x\r\n');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).errors).toEqual([expect.objectContaining({ message: 'Request body too large', extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } })]);
    expect(await t.db.galleryPhoto.count()).toBe(before);
  });
});
