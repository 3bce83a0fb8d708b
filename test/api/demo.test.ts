// The demo `npm start` seeds must keep working as the product grows: seed it into a real
// app and use a printed token through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type SeededDemo } from '../../src/demo.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { createApi } from '../support/client.ts';

describe('the demo organization', () => {
  let t: TestApp;
  let demo: SeededDemo;
  beforeAll(async () => {
    t = await startApp();
    demo = (await seedDemo(t.app.services, { onlyIfEmpty: true }))!;
  });
  afterAll(() => t?.close());

  it('seeds once, with a token per person', async () => {
    expect(demo.tokens.map((x) => x.handle)).toEqual(['demo.owner', 'demo.admin', 'demo.agent', 'demo.analyst', 'demo.viewer', 'demo.reviewer', 'demo.platform']);
    expect(await seedDemo(t.app.services, { onlyIfEmpty: true })).toBeNull();
  });

  it('gives the owner a complete, visible business page and working features', async () => {
    const owner = createApi(t.url, async () => demo.tokens[0].token);
    const { businessAccount } = await owner.request(`{
      businessAccount(handle: "acme.store") {
        page { visible galleryDisplayable info { companyName website } }
        getLeadsEntry { name }
        autoReplySettings { welcomeEnabled keywordRepliesEnabled }
        liveSessions { edges { node { state } } }
      }
    }`);
    expect(businessAccount).toEqual({
      page: { visible: true, galleryDisplayable: true, info: { companyName: 'Acme Live Commerce SAS', website: 'https://acme.example.com' } },
      getLeadsEntry: { name: 'Live seller recruitment' },
      autoReplySettings: { welcomeEnabled: true, keywordRepliesEnabled: true },
      liveSessions: { edges: [{ node: { state: 'SCHEDULED' } }] },
    });
    const { businessPage } = await t.anonymous().request(`{ businessPage(handle: "acme.us") { gallery { cover { url } } } }`);
    expect(businessPage.gallery.cover).toHaveLength(5);
  });

  it('answers a viewer’s first DM with the approved welcome and a keyword reply', async () => {
    const viewer = createApi(t.url, async () => demo.tokens.find((x) => x.handle === 'demo.viewer')!.token);
    const { businessMessageSend } = await viewer.request(`mutation { businessMessageSend(handle: "acme.store", input: { kind: TEXT, text: "What are your prices?" }) { conversation { messages(first: 5) { edges { node { direction automated text } } } } userErrors { code } } }`);
    expect(businessMessageSend.userErrors).toEqual([]);
    const texts = businessMessageSend.conversation.messages.edges.map((e: { node: { text: string } }) => e.node.text);
    expect(texts).toHaveLength(3);
    expect(texts.some((x: string) => x.startsWith('Hi! Thanks for writing'))).toBe(true);
    expect(texts.some((x: string) => x.includes('price list'))).toBe(true);
  });
});

describe('seeding the demo', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('is all or nothing: a seed that fails half-way leaves nothing of the demo behind', async () => {
    // another organization already owns @acme.us: the seed fails after creating its users,
    // the organization and @acme.store
    const other = t.as('someone.else');
    const { organizationCreate } = await other.request(`mutation { organizationCreate(input: { name: "Someone Else" }) { organization { id } } }`);
    const { businessAccountCreate } = await other.request(
      `mutation ($org: ID!) { businessAccountCreate(organizationId: $org, input: { handle: "acme.us", displayName: "Not Acme", region: "US", category: "Retail", timeZone: "America/New_York" }) { userErrors { code } } }`,
      { org: organizationCreate.organization.id },
    );
    expect(businessAccountCreate.userErrors).toEqual([]);
    const before = { organizations: await t.db.organization.count(), accounts: await t.db.businessAccount.count(), users: await t.db.user.count() };

    await expect(seedDemo(t.app.services, { onlyIfEmpty: false })).rejects.toThrow();

    expect(await t.db.organization.findMany({ where: { name: 'Acme Live Commerce' } })).toEqual([]);
    expect(await t.db.businessAccount.findUnique({ where: { handle: 'acme.store' } })).toBeNull();
    expect({ organizations: await t.db.organization.count(), accounts: await t.db.businessAccount.count(), users: await t.db.user.count() }).toEqual(before);
    const { businessPage } = await t.anonymous().request(`{ businessPage(handle: "acme.store") { displayName } }`);
    expect(businessPage).toBeNull();
  });
});
