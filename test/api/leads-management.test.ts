// Lead management through the API: the team lists and filters an account's leads, reads
// one, changes status and assignee and adds notes; analysts only read.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { adClickedBy } from '../support/ads.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { createAccount, expectTopLevelError, expectUserErrors, localId, signIn } from '../support/fixtures.ts';
import { eligible, setPlatform, startLive } from '../support/live.ts';
import { startConversation } from '../support/messaging.ts';
import {
  answers,
  approvedLeadForm,
  expectNoLeadChange,
  LEAD_NOTE_ADD,
  LEAD_UPDATE,
  LEADS,
  leadTeam,
  postWithForm,
  submitLead,
  userGlobalId,
  userId,
  type LeadSubmitInput,
  type LeadTeam,
} from '../support/leads.ts';

let t: TestApp;
let team: LeadTeam;
/** shop.c: the account whose leads the filter tests read, untouched by the other tests */
let shopC: string;
let formC: string;
let emailFormC: string;
let formA: string;
let formB: string;
/** shop.c's leads by name; see beforeAll */
const L: Record<string, string> = {};
const T0 = new Date('2026-03-01T09:00:00.000Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);
const users: Record<string, string> = {};

beforeAll(async () => {
  t = await startApp({ now: T0.toISOString() });
  team = await leadTeam(t);
  shopC = await createAccount(t, 'owner', team.organizationId, 'shop.c');
  formC = await approvedLeadForm(t, 'owner', shopC, { name: 'Catering' });
  emailFormC = await approvedLeadForm(t, 'owner', shopC, { name: 'Newsletter', questions: ['EMAIL'] });
  formA = await approvedLeadForm(t, 'owner', team.shopA, { name: 'A form' });
  formB = await approvedLeadForm(t, 'owner', team.shopB, { name: 'B form' });
  const post = await postWithForm(t, 'owner', shopC, formC);
  await setPlatform(t, shopC, eligible);
  const liveSession = await startLive(t.as('owner'), shopC);
  await signIn(t, 'viewer', 'viewer2');
  for (const handle of ['owner', 'admin', 'agent', 'analyst', 'r.agent', 'outsider', 'viewer', 'viewer2']) users[handle] = await userGlobalId(t, handle);

  const leadAt = async (name: string, at: Date, form: string, input: Partial<LeadSubmitInput>, who = 'viewer') => {
    t.clock.set(at);
    L[name] = (await submitLead(t.as(who), form, input)).id;
  };
  await leadAt('profile', hours(0), formC, {});
  await leadAt('video', hours(1), formC, { source: 'SHORT_VIDEO', postId: post });
  await leadAt('live', hours(2), emailFormC, { source: 'LIVE', liveSessionId: liveSession, answers: answers(['EMAIL']) }, 'viewer2');
  await leadAt('ad', hours(3), formC, { source: 'AD', adId: await adClickedBy(t, shopC, 'viewer') });
  await leadAt('dm', hours(3), formC, { source: 'DIRECT_MESSAGE', conversationId: await startConversation(t.as('viewer'), 'shop.c') }); // same instant as `ad`
  await leadAt('other account', hours(1), formA, {});
  const update = (id: string, input: object) => t.as('agent').request(LEAD_UPDATE, { id, input });
  await update(L.profile, { status: 'CONTACTED' });
  await update(L.video, { status: 'QUALIFIED', assigneeId: users.admin });
  await update(L.ad, { assigneeId: users.agent });
  t.clock.set(hours(10));
}, 180_000);
afterAll(() => t?.close());

const names = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => Object.keys(L).find((name) => L[name] === e.node.id) ?? e.node.id);

describe('leads', () => {
  it('lists the account’s leads newest first (ties by id) with what the team needs', async () => {
    const { leads } = await t.as('owner').request(LEADS, { accountId: shopC });
    expect(names(leads)).toEqual(['dm', 'ad', 'live', 'video', 'profile']);
    expect(leads.edges[3].node).toEqual({
      id: L.video,
      source: 'SHORT_VIDEO',
      status: 'QUALIFIED',
      submittedAt: hours(1).toISOString(),
      form: { name: 'Catering' },
      assignee: { handle: 'admin' },
      submitter: { handle: 'viewer' },
    });
    expect(leads.pageInfo.hasNextPage).toBe(false);
  });

  it.each<[string, () => object, string[]]>([
    ['sources', () => ({ sources: ['AD', 'LIVE'] }), ['ad', 'live']],
    ['statuses', () => ({ statuses: ['CONTACTED', 'QUALIFIED'] }), ['video', 'profile']],
    ['completed: anything but NEW', () => ({ completed: true }), ['video', 'profile']],
    ['not completed: NEW only', () => ({ completed: false }), ['dm', 'ad', 'live']],
    ['statuses and completed together', () => ({ statuses: ['NEW', 'CONTACTED'], completed: true }), ['profile']],
    ['form', () => ({ formId: emailFormC }), ['live']],
    ['another account’s form', () => ({ formId: formA }), []],
    ['assignee', () => ({ assigneeId: users.agent }), ['ad']],
    ['submittedAfter is inclusive', () => ({ submittedAfter: hours(1).toISOString() }), ['dm', 'ad', 'live', 'video']],
    ['submittedBefore is exclusive', () => ({ submittedBefore: hours(3).toISOString() }), ['live', 'video', 'profile']],
    ['a time range', () => ({ submittedAfter: hours(1).toISOString(), submittedBefore: hours(3).toISOString() }), ['live', 'video']],
    ['source, status and time together', () => ({ sources: ['PROFILE', 'AD', 'DIRECT_MESSAGE'], completed: false, submittedAfter: hours(0.5).toISOString() }), ['dm', 'ad']],
    ['empty lists filter nothing', () => ({ sources: [], statuses: [] }), ['dm', 'ad', 'live', 'video', 'profile']],
  ])('filters by %s', async (_name, filter, expected) => {
    const { leads } = await t.as('analyst').request(LEADS, { accountId: shopC, filter: filter() });
    expect(names(leads)).toEqual(expected);
  });

  it('pages newest first without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const { leads } = (await t.as('owner').request(LEADS, { accountId: shopC, first: 2, after })) as { leads: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      seen.push(...names(leads));
      expect(leads.pageInfo.hasNextPage).toBe(page < 2);
      after = leads.pageInfo.endCursor;
    }
    expect(seen).toEqual(['dm', 'ad', 'live', 'video', 'profile']);
  });

  it.each(['owner', 'admin', 'agent', 'analyst'])('%s reads the leads', async (handle) => {
    const { leads } = await t.as(handle).request(LEADS, { accountId: shopC });
    expect(leads.edges).toHaveLength(5);
  });

  it('a member restricted to other accounts reads only theirs', async () => {
    expectTopLevelError(await t.as('r.agent').raw(LEADS, { accountId: shopC }), 'FORBIDDEN');
    await submitLead(t.as('viewer'), formB, {});
    const { leads } = await t.as('r.agent').request(LEADS, { accountId: team.shopB });
    expect(leads.edges).toHaveLength(await t.db.lead.count({ where: { accountId: localId(team.shopB) } }));
    expect(leads.edges.length).toBeGreaterThan(0);
  });

  it.each([
    ['another organization’s owner', 'outsider', [], 'FORBIDDEN'],
    ['a viewer who submitted some of them', 'viewer', [], 'FORBIDDEN'],
    ['a platform reviewer', 'lead.reviewer', ['reviewer'], 'FORBIDDEN'],
  ] as const)('%s is refused', async (_name, handle, roles, code) => {
    expectTopLevelError(await t.as(handle, [...roles]).raw(LEADS, { accountId: shopC }), code);
  });

  it('is refused without a token', async () => {
    expectTopLevelError(await t.anonymous().raw(LEADS, { accountId: shopC }), 'UNAUTHENTICATED');
  });
});

describe('one lead', () => {
  const DETAIL = `query ($id: ID!) { node(id: $id) { ... on Lead { id source status answers { question answer } submitter { handle } assignee { handle } notes { body author { handle } } } } }`;

  it('the team, analysts included, reads every detail', async () => {
    const { node } = await t.as('analyst').request(DETAIL, { id: L.video });
    expect(node).toEqual({ id: L.video, source: 'SHORT_VIDEO', status: 'QUALIFIED', answers: answers(), submitter: { handle: 'viewer' }, assignee: { handle: 'admin' }, notes: [] });
  });

  it('another organization and members restricted to other accounts are refused', async () => {
    for (const handle of ['outsider', 'r.agent']) {
      const response = await t.as(handle).raw(DETAIL, { id: L.video });
      // the type's scope and the team-only fields' scopes may each report the refusal
      expect([...new Set(response.errors?.map((e) => e.extensions?.code))]).toEqual(['FORBIDDEN']);
      expect(response.data?.node ?? null).toBeNull();
    }
  });
});

describe('leadUpdate', () => {
  let lead: string;
  beforeAll(async () => {
    lead = (await submitLead(t.as('viewer'), formA)).id;
  });
  const update = (handle: string, input: object, id = lead) => t.as(handle).request(LEAD_UPDATE, { id, input });
  const stored = () => t.db.lead.findUniqueOrThrow({ where: { id: localId(lead) }, select: { status: true, assigneeId: true } });

  it.each([
    ['owner', 'CONTACTED'],
    ['admin', 'UNQUALIFIED'],
    ['agent', 'CONVERTED'],
    ['agent', 'NEW'],
  ])('%s sets the status to %s', async (handle, status) => {
    const { leadUpdate } = await update(handle, { status });
    expect(leadUpdate).toEqual({ lead: { id: lead, status, assignee: null }, userErrors: [] });
    expect(await stored()).toEqual({ status, assigneeId: null });
  });

  it.each(['owner', 'admin', 'agent'])('assigns the lead to the %s, then unassigns it with null', async (assignee) => {
    const { leadUpdate } = await update('agent', { assigneeId: users[assignee], status: 'QUALIFIED' });
    expect(leadUpdate).toEqual({ lead: { id: lead, status: 'QUALIFIED', assignee: { handle: assignee } }, userErrors: [] });
    expect(await stored()).toEqual({ status: 'QUALIFIED', assigneeId: await userId(t, assignee) });
    const kept = await update('admin', { status: 'CONTACTED' });
    expect(kept.leadUpdate.lead.assignee).toEqual({ handle: assignee });
    const unassigned = await update('admin', { assigneeId: null });
    expect(unassigned.leadUpdate).toEqual({ lead: { id: lead, status: 'CONTACTED', assignee: null }, userErrors: [] });
    expect(await stored()).toEqual({ status: 'CONTACTED', assigneeId: null });
  });

  it('a restricted agent can be assigned leads of their accounts only', async () => {
    const leadB = (await submitLead(t.as('viewer'), formB)).id;
    const { leadUpdate } = await update('owner', { assigneeId: users['r.agent'] }, leadB);
    expect(leadUpdate.lead.assignee).toEqual({ handle: 'r.agent' });
    const refused = await expectNoLeadChange(t, () => update('owner', { assigneeId: users['r.agent'], status: 'CONVERTED' }));
    expectUserErrors(refused.leadUpdate, ['ASSIGNEE_NOT_MEMBER', ['input', 'assigneeId']]);
    expect(refused.leadUpdate.lead).toBeNull();
  });

  it.each([
    ['an analyst (reads only)', 'analyst'],
    ['another organization’s owner', 'outsider'],
    ['a viewer who is no member', 'viewer2'],
  ])('refuses %s as assignee, changing nothing', async (_name, handle) => {
    await update('owner', { assigneeId: users.agent });
    const { leadUpdate } = await expectNoLeadChange(t, () => update('owner', { assigneeId: users[handle], status: 'CONVERTED' }));
    expectUserErrors(leadUpdate, ['ASSIGNEE_NOT_MEMBER', ['input', 'assigneeId']]);
    expect(await stored()).toMatchObject({ assigneeId: await userId(t, 'agent') });
  });

  it('refuses a null status', async () => {
    const { leadUpdate } = await expectNoLeadChange(t, () => update('owner', { status: null, assigneeId: users.admin }));
    expectUserErrors(leadUpdate, ['REQUIRED', ['input', 'status']]);
  });

  it.each([
    ['an analyst', 'analyst', 'FORBIDDEN'],
    ['another organization’s owner', 'outsider', 'FORBIDDEN'],
    ['an agent restricted to another account', 'r.agent', 'FORBIDDEN'],
    ['the viewer who submitted it', 'viewer', 'FORBIDDEN'],
  ])('refuses %s, changing nothing', async (_name, handle, code) => {
    const response = await expectNoLeadChange(t, () => t.as(handle).raw(LEAD_UPDATE, { id: lead, input: { status: 'CONVERTED' } }));
    expectTopLevelError(response, code);
  });

  it('refuses without a token and for a lead that does not exist', async () => {
    expectTopLevelError(await expectNoLeadChange(t, () => t.anonymous().raw(LEAD_UPDATE, { id: lead, input: { status: 'CONVERTED' } })), 'UNAUTHENTICATED');
    const missing = encodeGlobalID('Lead', crypto.randomUUID());
    expectTopLevelError(await t.as('owner').raw(LEAD_UPDATE, { id: missing, input: { status: 'CONVERTED' } }), 'FORBIDDEN');
  });
});

describe('leadNoteAdd', () => {
  let lead: string;
  beforeAll(async () => {
    lead = (await submitLead(t.as('viewer'), formA)).id;
  });
  const add = (handle: string, body: string) => t.as(handle).request(LEAD_NOTE_ADD, { id: lead, body });

  it('adds notes, trimmed, with their author and time, listed oldest first', async () => {
    t.clock.set(hours(20));
    const first = await add('agent', '  Called, no answer.\n');
    expect(first.leadNoteAdd).toEqual({ note: { id: expect.any(String), body: 'Called, no answer.', author: { handle: 'agent' }, createdAt: hours(20).toISOString() }, userErrors: [] });
    t.clock.set(hours(21));
    const long = '長'.repeat(2000);
    const second = await add('owner', ` ${long} `);
    expect(second.leadNoteAdd.note.body).toBe(long);
    const stored = await t.db.leadNote.findMany({ where: { leadId: localId(lead) }, orderBy: { createdAt: 'asc' } });
    expect(stored.map((n) => [n.body, n.authorId, n.createdAt])).toEqual([
      ['Called, no answer.', await userId(t, 'agent'), hours(20)],
      [long, await userId(t, 'owner'), hours(21)],
    ]);
    const { node } = await t.as('analyst').request(`query ($id: ID!) { node(id: $id) { ... on Lead { notes { body author { handle } } } } }`, { id: lead });
    expect(node.notes).toEqual([
      { body: 'Called, no answer.', author: { handle: 'agent' } },
      { body: long, author: { handle: 'owner' } },
    ]);
  });

  it.each([
    ['a blank note', ' \n\t ', 'REQUIRED'],
    ['a note over 2000 characters', '長'.repeat(2001), 'TOO_LONG'],
  ])('refuses %s, storing nothing', async (_name, body, code) => {
    const { leadNoteAdd } = await expectNoLeadChange(t, () => add('agent', body));
    expect(leadNoteAdd.note).toBeNull();
    expectUserErrors(leadNoteAdd, [code, ['body']]);
  });

  it.each(['analyst', 'outsider', 'r.agent', 'viewer'])('refuses %s, storing nothing', async (handle) => {
    expectTopLevelError(await expectNoLeadChange(t, () => t.as(handle).raw(LEAD_NOTE_ADD, { id: lead, body: 'Hello' })), 'FORBIDDEN');
  });
});
