// Queries and mutations run as compiled functions (platform/compiled-execution.ts). What a client
// sees must be what yoga's executor gives: refused variables in graphql-js's words (a custom
// scalar says why), nothing run; each operation of a document run by its own name; errors and
// partial data where they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { createTeam, type Team } from '../support/fixtures.ts';

let t: TestApp;
let team: Team;
const owner = 'jit.owner';

beforeAll(async () => {
  t = await startApp();
  team = await createTeam(t, { owner, accounts: ['jit.shop'] });
});
afterAll(() => t?.close());

/** POST with an operation name (the test client sends none) */
async function post(body: Record<string, unknown>) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(owner)}` },
    body: JSON.stringify(body),
  });
  return response.json();
}

describe('compiled execution', () => {
  it('refuses a malformed DateTime variable of a query with the scalar’s reason, and runs nothing', async () => {
    const query = `query ($a: ID!, $after: DateTime) { leads(accountId: $a, filter: { submittedAfter: $after }) { edges { node { id } } } }`;
    for (let i = 0; i < 2; i++) {
      // twice: the second request runs the document already compiled
      const result = await t.as(owner).raw(query, { a: team.accountIds['jit.shop'], after: 'yesterday' });
      expect(result.errors).toEqual([
        expect.objectContaining({ message: 'Variable "$after" got invalid value "yesterday"; DateTime must be an ISO 8601 string such as 2026-11-21T15:04:05Z.', extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
      expect(result.data ?? null).toBeNull();
    }
    // the same document with a good value runs
    const ok = await t.as(owner).raw(query, { a: team.accountIds['jit.shop'], after: '2026-01-01T00:00:00Z' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ leads: { edges: [] } });
  });

  it('refuses a malformed variable of a mutation the same way, and changes nothing', async () => {
    const mutation = `mutation ($o: ID!, $name: String) { organizationUpdate(id: $o, input: { name: $name }) { userErrors { code } } }`;
    const result = await t.as(owner).raw(mutation, { o: team.organizationId, name: 42 });
    expect(result.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Variable "\$name" got invalid value 42; String cannot represent a non string value: 42/), extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(result.data ?? null).toBeNull();
    expect((await t.db.organization.findMany({ where: { name: '42' } })).length).toBe(0);
    expect(await t.db.organization.count({ where: { name: `${owner}'s company` } })).toBe(1);
  });

  it('runs each operation of a document by its name, from one compiled cache', async () => {
    const query = `query Mine { viewer { handle } } query Shop($h: String!) { businessAccount(handle: $h) { handle } }`;
    for (let i = 0; i < 2; i++) {
      const mine = await post({ query, operationName: 'Mine' });
      expect([mine.data, mine.errors]).toEqual([{ viewer: { handle: owner } }, undefined]);
      const shop = await post({ query, operationName: 'Shop', variables: { h: 'jit.shop' } });
      expect([shop.data, shop.errors]).toEqual([{ businessAccount: { handle: 'jit.shop' } }, undefined]);
    }
  });

  it('keeps partial data beside a field’s error', async () => {
    // another organization is refused on its own field; the rest of the answer stands
    const other = await createTeam(t, { owner: 'jit.other', accounts: ['jit.elsewhere'] });
    const result = await t.as(owner).raw(`query ($a: ID!, $b: ID!) { mine: node(id: $a) { id } theirs: node(id: $b) { id } viewer { handle } }`, {
      a: team.organizationId,
      b: other.organizationId,
    });
    expect(result.data).toEqual({ mine: { id: team.organizationId }, theirs: null, viewer: { handle: owner } });
    expect(result.errors).toEqual([expect.objectContaining({ path: ['theirs'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });
});
