// Abusive query shapes (PRODUCT "Bad input and failure"): depth, aliases, directives, tokens,
// cost and page size are refused before anything runs, each with its own code and a message
// that names the limit, over HTTP and WebSocket; a page size over 100 is reported as such, not
// as the cost it would have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';
import { createTeam } from '../support/fixtures.ts';

let t: TestApp;
const owner = 'limits.owner';

beforeAll(async () => {
  t = await startApp();
  await createTeam(t, { owner, accounts: ['limits.shop'] });
});
afterAll(() => t?.close());

/** businessAccount → organization → accounts → edges → node → organization → … `rounds` times */
function nested(rounds: number, leaf = 'handle', pageSize = '') {
  let inner = leaf;
  for (let i = 0; i < rounds; i++) inner = `organization { accounts${pageSize} { edges { node { ${inner} } } } }`;
  return `{ businessAccount(handle: "limits.shop") { ${inner} } }`;
}

/** an account page whose cost is under the limit for 100 nodes and over it for 500 */
const accountsPage = (first: string) =>
  `query ${first === '$n' ? '($n: Int)' : ''} { businessAccount(handle: "limits.shop") { organization { accounts(first: ${first}) { edges { node {
    handle displayName region category timeZone whoCanMessage organization { name }
  } } } } } }`;

const organizations = () => t.db.organization.count();

/** an HTTP refusal: one error with this code and message, no data, nothing run */
async function expectRefused(query: string, code: string, message: string | RegExp, variables?: Record<string, unknown>) {
  const before = await organizations();
  const response = await t.as(owner).raw(query, variables);
  expect(response.errors).toEqual([expect.objectContaining({ message: typeof message === 'string' ? message : expect.stringMatching(message), extensions: { code } })]);
  expect(response.data ?? null).toBeNull();
  expect(response.errors?.[0].message).not.toMatch(/Syntax Error/);
  expect(await organizations()).toBe(before);
  return response;
}

describe('over HTTP', () => {
  it('a query nested deeper than 12 is refused with QUERY_TOO_DEEP', async () => {
    expect((await t.as(owner).raw(nested(2))).errors).toBeUndefined();
    await expectRefused(nested(3), 'QUERY_TOO_DEEP', /^Query depth limit of 12 exceeded, found \d+\.$/);
  });

  it('more than 20 aliases are refused with TOO_MANY_ALIASES, running none of the mutations', async () => {
    const creates = Array.from({ length: 21 }, (_, i) => `o${i}: organizationCreate(input: { name: "Alias ${i}" }) { organization { id } }`).join(' ');
    await expectRefused(`mutation { ${creates} }`, 'TOO_MANY_ALIASES', 'Aliases limit of 20 exceeded, found 21.');
  });

  it('more than 20 directives are refused with TOO_MANY_DIRECTIVES', async () => {
    await expectRefused(`{ ${'__typename @include(if: true) '.repeat(21)} }`, 'TOO_MANY_DIRECTIVES', 'Directives limit of 20 exceeded, found 21.');
  });

  it('more than 5000 tokens are refused with TOO_MANY_TOKENS while parsing', async () => {
    await expectRefused(`{ ${'__typename '.repeat(5000)} }`, 'TOO_MANY_TOKENS', 'Token limit of 5000 exceeded.');
  });

  it('a query costing more than 20000 is refused with QUERY_TOO_COMPLEX', async () => {
    await expectRefused(nested(2, 'handle', '(first: 100)'), 'QUERY_TOO_COMPLEX', /^Query Cost limit of 20000 exceeded, found \d+(\.\d+)?\.$/);
  });

  it('first: 500 is refused with PAGE_SIZE_EXCEEDED, not for the cost 500 nodes would have', async () => {
    await expectRefused(accountsPage('500'), 'PAGE_SIZE_EXCEEDED', 'first must be between 0 and 100.');
    await expectRefused(accountsPage('500').replace('first:', 'last:'), 'PAGE_SIZE_EXCEEDED', 'last must be between 0 and 100.');
    const page = await t.as(owner).raw(accountsPage('100'));
    expect(page.errors).toBeUndefined();
    expect(page.data).toMatchObject({ businessAccount: { organization: { accounts: { edges: [{ node: { handle: 'limits.shop' } }] } } } });
  });

  it('first: 500 given as a variable is refused with PAGE_SIZE_EXCEEDED too', async () => {
    await expectRefused(accountsPage('$n'), 'PAGE_SIZE_EXCEEDED', 'first must be between 0 and 100.', { n: 500 });
    // the same document with a small page runs (the refusal was not cached with the document)
    expect((await t.as(owner).raw(accountsPage('$n'), { n: 10 })).errors).toBeUndefined();
  });

  it('a refusal for the page size does not hide a different limit the query also breaks', async () => {
    const response = await t.as(owner).raw(nested(3, 'handle', '(first: 500)'));
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['PAGE_SIZE_EXCEEDED', 'QUERY_TOO_DEEP']);
  });
});

describe('over WebSocket', () => {
  it.each([
    ['QUERY_TOO_DEEP', nested(3), /^Query depth limit of 12 exceeded/],
    ['TOO_MANY_TOKENS', `{ ${'__typename '.repeat(5000)} }`, /^Token limit of 5000 exceeded\.$/],
    ['PAGE_SIZE_EXCEEDED', accountsPage('500'), /^first must be between 0 and 100\.$/],
  ])('%s is refused with its code and message', async (code, query, message) => {
    const client = t.as(owner).ws();
    try {
      const result = await subscribe(client, query).next();
      expect(result.errors).toEqual([{ message: expect.stringMatching(message), extensions: { code } }]);
      expect(result.data ?? null).toBeNull();
    } finally {
      await client.dispose();
    }
  });

  it('a variable page size over 100 is refused with PAGE_SIZE_EXCEEDED', async () => {
    const client = t.as(owner).ws();
    try {
      const result = await subscribe(client, accountsPage('$n'), { n: 500 }).next();
      expect(result.errors).toEqual([expect.objectContaining({ message: 'first must be between 0 and 100.', extensions: { code: 'PAGE_SIZE_EXCEEDED' } })]);
    } finally {
      await client.dispose();
    }
  });
});
