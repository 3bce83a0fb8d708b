// Several API instances on one database behave as one: an event raised on any instance
// reaches subscribers on every instance (PostgreSQL + Redis pass only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { subscribe } from '../support/client.ts';

const setUp = /* GraphQL */ `
  mutation ($org: OrganizationCreateInput!) { organizationCreate(input: $org) { organization { id } userErrors { code } } }`;
const createAccount = /* GraphQL */ `
  mutation ($org: ID!, $input: BusinessAccountCreateInput!) { businessAccountCreate(organizationId: $org, input: $input) { account { id } userErrors { code } } }`;
const pageUpdated = /* GraphQL */ `subscription ($id: ID!) { businessPageUpdated(accountId: $id) { enabled info { companyName } } }`;

describe.runIf(onPostgres && onRedis)('several instances behind a load balancer', () => {
  let a: TestApp;
  let b: TestApp;
  let accountId: string;

  beforeAll(async () => {
    a = await startApp();
    b = await a.startPeer();
    const owner = a.as('multi.owner');
    const { organizationCreate } = await owner.request(setUp, { org: { name: 'Multi' } });
    const { businessAccountCreate } = await owner.request(createAccount, {
      org: organizationCreate.organization.id,
      input: { handle: 'multi.shop', displayName: 'Multi', region: 'DE', category: 'Retail' },
    });
    accountId = businessAccountCreate.account.id;
  });
  afterAll(() => a?.close());

  it('delivers a change made through instance B to a subscriber on instance A, once', async () => {
    const client = a.as('multi.owner').ws();
    const sub = subscribe(client, pageUpdated, { id: accountId });
    // the subscription is live once the server has subscribed to Redis; give it a beat
    await new Promise((r) => setTimeout(r, 300));
    await b.as('multi.owner').request(`mutation ($id: ID!) { businessInfoUpdate(accountId: $id, input: { companyName: "Via B" }) { userErrors { code } } }`, { id: accountId });
    const event = await sub.next();
    expect(event.errors).toBeUndefined();
    expect(event.data).toEqual({ businessPageUpdated: { enabled: false, info: { companyName: 'Via B' } } });
    expect(await sub.quiet(400)).toBe(true);
    await client.dispose();
  });
});

describe('graceful shutdown', () => {
  it('closes WebSocket subscribers with 1001 and frees the port', async () => {
    const t = await startApp();
    const closes: number[] = [];
    const client = t.as('bye').ws();
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const sub = subscribe(client, `subscription { businessPageUpdated(accountId: "QnVzaW5lc3NBY2NvdW50OjAxOWFhMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA==") { enabled } }`);
    await sub.next(); // FORBIDDEN: not on the team, but the socket is open
    await t.close();
    expect(closes).toContain(1001);
    await expect(fetch(t.url)).rejects.toThrow();
    await client.dispose();
  });
});
