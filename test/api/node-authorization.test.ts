// Who may load what by id: every type implementing `Node` in the printed schema gets an
// instance created through the API, and `node` / `nodes` give it to the callers its
// `loadableBy` names and null (with FORBIDDEN, or UNAUTHENTICATED without a token) to a
// signed-in stranger, another organization's owner, a removed member and an anonymous
// caller. A Node type without an entry in `fixtures` fails this file: add one.
import { readFileSync } from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { buildSchema, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessPageSetEnabledDocument, MemberRemoveDocument, WebhookDeliveriesDocument } from '../generated/graphql.ts';
import { connect, registerEndpoint, startReceiver, type Connection, type Receiver } from '../support/integrations.ts';
import { createAd, readyForAds } from '../support/ads.ts';
import { at, campaignInput, createCampaign, DAY, rate, registered, session } from '../support/campaigns.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { createRule } from '../support/automation.ts';
import type { Api } from '../support/client.ts';
import { accepted, createTeam, pngFile, signIn, uploadPhotos, type Team } from '../support/fixtures.ts';
import { createForm, createPost, liveForm, pendingReview, submitForm } from '../support/lead-forms.ts';
import { LEAD_NOTE_ADD, submitLead } from '../support/leads.ts';
import { addEntry, scheduleLive } from '../support/live.ts';
import { sendDm, type DmTeam } from '../support/messaging.ts';

/** The people of this file, by role. */
const H = { owner: 'na.owner', agent: 'na.agent', leaver: 'na.leaver', foreign: 'na.foreign', stranger: 'na.stranger', viewer: 'na.viewer' };
const SHOP = 'na.shop';

type Caller = 'stranger' | 'foreignOwner' | 'removedMember' | 'anonymous' | 'viewer';
/** The callers every non-public object is refused to. */
const strangers: Caller[] = ['stranger', 'foreignOwner', 'removedMember', 'anonymous'];

interface World {
  t: TestApp;
  team: Team;
  shop: string;
  owner: Api;
  /** an approved form of the shop (its approval mailed the team a notification) */
  approvedForm(): Promise<string>;
  /** a lead the viewer submitted on `approvedForm` */
  lead(): Promise<string>;
  /** the viewer's first message to the shop: its conversation and message ids */
  firstMessage(): Promise<{ conversation: string; message: string }>;
  /** a scheduled (not started) live session of the shop */
  scheduledLive(): Promise<string>;
  /** a tool the owner connected to the shop (leads), with a webhook endpoint for new leads */
  integration(): Promise<{ connection: Connection; endpointId: string }>;
  /** the shop's registration (under review, one session) to a campaign open for registration */
  campaignRegistration(): Promise<{ campaignId: string; id: string; sessionId: string }>;
}

interface NodeFixture {
  /** creates an instance through the API; returns its global id */
  create(w: World): Promise<string>;
  /** who may load it: the shop's owner (and so its whole team) or the viewer */
  loadedBy: 'owner' | 'viewer';
  /** false when only `loadedBy` may load it, not every member of the team (e.g. agents cannot) */
  team?: boolean;
  /** anyone may load it, for this reason; then nobody is refused */
  public?: string;
  /** any signed-in user may load it, for this reason; only anonymous callers are refused */
  signedIn?: string;
  /** more callers who must be refused */
  alsoRefused?: Caller[];
}

/** One entry per Node type of the schema: how to make one, and who may load it. */
const fixtures: Record<string, NodeFixture> = {
  User: { loadedBy: 'viewer', team: false, create: async (w) => (await w.t.as(H.viewer).request(`{ viewer { user { id } } }`)).viewer.user.id },
  Organization: { loadedBy: 'owner', create: async (w) => w.team.organizationId },
  Member: { loadedBy: 'owner', create: async (w) => w.team.memberIds[H.agent] },
  BusinessAccount: { loadedBy: 'owner', public: 'a business account is a public handle', create: async (w) => w.shop },
  GalleryPhoto: {
    loadedBy: 'owner',
    // the page's toggle is off: the photo is not on any public page
    create: async (w) => {
      accepted((await w.owner.request(BusinessPageSetEnabledDocument, { accountId: w.shop, enabled: false })).businessPageSetEnabled, 'businessPageSetEnabled');
      const { data } = await uploadPhotos(w.owner, w.shop, [{ bytes: pngFile(901), type: 'image/png' }]);
      return accepted(data!.galleryPhotosAdd, 'galleryPhotosAdd').photos![0].id;
    },
  },
  LeadForm: { loadedBy: 'owner', create: (w) => createForm(w.owner, w.shop, { name: 'Private draft' }) },
  Post: { loadedBy: 'owner', public: 'short videos are public', create: (w) => createPost(w.owner, w.shop) },
  LeadNote: {
    loadedBy: 'owner',
    // the team's working notes: never the submitter's
    alsoRefused: ['viewer'],
    create: async (w) => {
      const { leadNoteAdd } = await w.t.as(H.agent).request(LEAD_NOTE_ADD, { id: await w.lead(), body: 'Called back, wants 200 units.' });
      return accepted(leadNoteAdd, 'leadNoteAdd').note.id;
    },
  },
  Lead: { loadedBy: 'owner', create: (w) => w.lead() },
  ReviewItem: {
    loadedBy: 'owner',
    create: async (w) => {
      const formId = await createForm(w.owner, w.shop, { name: 'Under review' });
      await submitForm(w.owner, formId);
      return pendingReview(w.t, formId);
    },
  },
  Notification: {
    loadedBy: 'owner',
    team: false,
    create: async (w) => {
      await w.approvedForm();
      const { notifications } = await w.owner.request(`query ($o: ID) { notifications(organizationId: $o, first: 1) { edges { node { id } } } }`, { o: w.team.organizationId });
      return notifications.edges[0].node.id;
    },
  },
  Conversation: { loadedBy: 'owner', create: async (w) => (await w.firstMessage()).conversation },
  Message: { loadedBy: 'owner', create: async (w) => (await w.firstMessage()).message },
  AutoMessage: { loadedBy: 'owner', create: (w) => createRule(w.owner, w.shop, ['price'], 'From 5 € a box.') },
  LiveSession: { loadedBy: 'owner', create: (w) => w.scheduledLive() },
  Integration: { loadedBy: 'owner', team: false, create: async (w) => (await w.integration()).connection.integrationId },
  IntegrationGrant: { loadedBy: 'owner', team: false, create: async (w) => (await w.integration()).connection.grantId },
  WebhookEndpoint: { loadedBy: 'owner', team: false, create: async (w) => (await w.integration()).endpointId },
  WebhookDelivery: {
    loadedBy: 'owner',
    team: false,
    // a lead submitted after the endpoint exists is queued for it
    create: async (w) => {
      const { endpointId } = await w.integration();
      await w.lead();
      const read = await w.owner.request(WebhookDeliveriesDocument, { id: endpointId, first: 1 });
      const endpoint = read.node as { deliveries: { edges: { node: { id: string } }[] } };
      return endpoint.deliveries.edges[0]!.node.id;
    },
  },
  Campaign: { loadedBy: 'owner', signedIn: 'campaigns are published to every seller', create: (w) => w.campaignRegistration().then((r) => r.campaignId) },
  CampaignRegistration: { loadedBy: 'owner', team: false, create: async (w) => (await w.campaignRegistration()).id },
  CampaignRegisteredSession: { loadedBy: 'owner', team: false, create: async (w) => (await w.campaignRegistration()).sessionId },
  MessagingAd: {
    loadedBy: 'owner',
    // a draft ad: the account first meets the messaging-ad rules (region, DMs open, welcome on)
    create: async (w) => {
      await readyForAds(w.t, w.owner, w.shop);
      return accepted(await createAd(w.owner, w.shop, { creativePostId: await createPost(w.owner, w.shop) }), 'adCreate').ad!.id;
    },
  },
  LiveEntry: {
    loadedBy: 'owner',
    // hidden, in a session nobody watches yet
    create: async (w) => (await addEntry(w.owner, await w.scheduledLive(), { type: 'BUSINESS', function: 'DIRECT_MESSAGE' })).id,
  },
};

const schemaFile = new URL('../../schema/schema.graphql', import.meta.url);
const nodeTypes = Object.values(buildSchema(readFileSync(schemaFile, 'utf8')).getTypeMap())
  .filter(isObjectType)
  .filter((type) => type.getInterfaces().some((i) => i.name === 'Node'))
  .map((type) => type.name)
  .sort();

const NODE = `query ($id: ID!) { node(id: $id) { __typename ... on Node { id } } }`;
// the bare type name runs no field resolver: only the node field itself can refuse it
const PROBE = `query ($id: ID!) { node(id: $id) { __typename } }`;
const PROBE_MANY = `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`;
const missing = (type: string) => encodeGlobalID(type, '019aa000-0000-7000-8000-000000000000');

let t: TestApp;
let world: World;
let receiver: Receiver | undefined;
/** global id of each fixture's instance, by type */
const ids: Record<string, string> = {};
const api = (who: Caller | 'owner'): Api =>
  ({ owner: () => t.as(H.owner), stranger: () => t.as(H.stranger), foreignOwner: () => t.as(H.foreign), removedMember: () => t.as(H.leaver), anonymous: () => t.anonymous(), viewer: () => t.as(H.viewer) })[who]();
const teamLoaded = () => Object.keys(ids).filter((type) => fixtures[type].loadedBy === 'owner' && fixtures[type].team !== false && !fixtures[type].public && !fixtures[type].signedIn);

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

beforeAll(async () => {
  t = await startApp();
  const team = await createTeam(t, { owner: H.owner, accounts: [SHOP, 'na.public'], members: { [H.agent]: 'AGENT', [H.leaver]: 'AGENT' } });
  await createTeam(t, { owner: H.foreign, accounts: ['na.elsewhere'] });
  await signIn(t, H.stranger, H.viewer);
  const owner = t.as(H.owner);
  const shop = team.accountIds[SHOP];
  const approvedForm = once(() => liveForm(t, owner, shop, { name: 'Quote request' }));
  world = {
    t,
    team,
    shop,
    owner,
    approvedForm,
    lead: once(async () => (await submitLead(t.as(H.viewer), await approvedForm(), { answers: [{ question: 'NAME', answer: 'Ana' }, { question: 'EMAIL', answer: 'ana@example.com' }] })).id),
    firstMessage: once(async () => {
      const sent = await sendDm(t.as(H.viewer), SHOP, { kind: 'TEXT', text: 'Do you deliver?' });
      return { conversation: accepted(sent, 'businessMessageSend').conversation.id, message: sent.message.id };
    }),
    scheduledLive: once(() => scheduleLive(owner, shop)),
    integration: once(async () => {
      receiver = await startReceiver();
      const connection = await connect(t, { ...team, owner } as unknown as DmTeam, [shop], ['leads:read', 'webhooks:manage']);
      const { id } = await registerEndpoint(connection.api, receiver.url, ['lead.created']);
      return { connection, endpointId: id };
    }),
    campaignRegistration: once(async () => {
      const now = t.clock.now().toISOString();
      const campaignId = await createCampaign(t, campaignInput(now));
      await rate(t, shop, { livestreamLevel: 3 });
      const registration = await registered(owner, campaignId, shop, [session(at(now, 6 * DAY))]);
      return { campaignId, id: registration.id, sessionId: registration.sessions[0]!.id };
    }),
  };
  for (const type of nodeTypes) if (fixtures[type]) ids[type] = await fixtures[type].create(world);
  // the member to be removed could load every team object until now
  const before = await t.as(H.leaver).raw(PROBE_MANY, { ids: teamLoaded().map((type) => ids[type]) });
  expect(before.errors).toBeUndefined();
  expect(before.data?.nodes).toEqual(teamLoaded().map((type) => ({ __typename: type })));
  accepted((await owner.request(MemberRemoveDocument, { id: team.memberIds[H.leaver] })).memberRemove, 'memberRemove');
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

it('has a fixture for every Node type of the printed schema', () => {
  expect(nodeTypes.length).toBeGreaterThan(0);
  expect(nodeTypes.filter((type) => !fixtures[type])).toEqual([]);
});

describe.each(nodeTypes)('%s', (type) => {
  it('is loaded by those allowed, with its neighbours in nodes', async () => {
    expect(fixtures[type], `add a fixture for ${type} in ${import.meta.url}`).toBeDefined();
    const id = ids[type];
    const allowed = api(fixtures[type].loadedBy);
    expect(await allowed.raw(NODE, { id })).toEqual({ status: 200, data: { node: { __typename: type, id } }, extensions: { cost: expect.anything() } });
    // a missing id is null in its own slot and fails nothing else
    expect(await allowed.raw(PROBE_MANY, { ids: [missing(type), id] })).toEqual({ status: 200, data: { nodes: [null, { __typename: type }] }, extensions: { cost: expect.anything() } });
  });

  const fixture = fixtures[type];
  const refused: Caller[] = fixture?.public ? [] : fixture?.signedIn ? ['anonymous'] : [...strangers, ...(fixture?.alsoRefused ?? [])];
  if (fixture?.public) {
    it(`is public (${fixture.public}): every caller loads it`, async () => {
      for (const who of strangers) expect((await api(who).raw(PROBE, { id: ids[type] })).data).toEqual({ node: { __typename: type } });
    });
  }

  if (fixture?.signedIn) {
    it(`is for signed-in users (${fixture.signedIn}): strangers load it`, async () => {
      for (const who of strangers.filter((c) => c !== 'anonymous')) expect((await api(who).raw(PROBE, { id: ids[type] })).data).toEqual({ node: { __typename: type } });
    });
  }

  it.each(refused)('is null for the %s, from node and from nodes', async (who) => {
    const code = who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
    const single = await api(who).raw(PROBE, { id: ids[type] });
    expect(single.data).toEqual({ node: null });
    expect(single.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([[code, ['node']]]);
    // between a missing id and a public object: only its own slot is refused
    const many = await api(who).raw(PROBE_MANY, { ids: [missing(type), ids[type], ids.BusinessAccount] });
    expect(many.data).toEqual({ nodes: [null, null, { __typename: 'BusinessAccount' }] });
    expect(many.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([[code, ['nodes', 1]]]);
  });
});

describe('GalleryPhoto', () => {
  it('is public while its page shows the gallery, and hidden again when the toggle goes off', async () => {
    const account = world.team.accountIds['na.public'];
    const upload = await uploadPhotos(world.owner, account, [1, 2, 3, 4, 5].map((seed) => ({ bytes: pngFile(910 + seed), type: 'image/png' })));
    const photo = accepted(upload.data!.galleryPhotosAdd, 'galleryPhotosAdd').photos![0].id;
    const setEnabled = async (enabled: boolean) =>
      accepted((await world.owner.request(BusinessPageSetEnabledDocument, { accountId: account, enabled })).businessPageSetEnabled, 'businessPageSetEnabled');
    await setEnabled(true);
    expect((await t.anonymous().raw(PROBE, { id: photo })).data).toEqual({ node: { __typename: 'GalleryPhoto' } });
    await setEnabled(false);
    const hidden = await t.anonymous().raw(PROBE, { id: photo });
    expect(hidden.data).toEqual({ node: null });
    expect(hidden.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});
