// Registering business accounts to campaigns and managing registrations: REVIEWED campaigns
// go through the platform review queue (decisions mailed to the team), AUTO_APPROVED ones are
// approved on submit; every refusal has its code and field and changes nothing; duplicate,
// add sessions, cancel, withdraw; roles and other organizations; concurrent submissions
// cannot break the overlap or the 100-session rule.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import {
  CampaignRegisteredSessionNodeDocument,
  CampaignRegistrationAddSessionsDocument,
  CampaignRegistrationCancelDocument,
  CampaignRegistrationNodeDocument,
  CampaignRegistrationsDocument,
  CampaignRegistrationWithdrawDocument,
  CampaignSessionDuplicateDocument,
  CampaignUpdateDocument,
  NotificationsDocument,
  ReviewApproveDocument,
  ReviewQueueDocument,
  ReviewRejectDocument,
} from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import {
  approveRegistration,
  at,
  campaignInput,
  campaignReviewer,
  createCampaign,
  DAY,
  expectCampaignRefusal,
  HOUR,
  pendingItem,
  platformAdmin,
  rate,
  register,
  registered,
  session,
} from '../support/campaigns.ts';
import { expectTopLevelError, localId } from '../support/fixtures.ts';
import { LIVE_NOW, liveSuite, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  await rate(t, team.shop, { shopScore: 4.8, livestreamLevel: 5 });
  await rate(t, team.other, { shopScore: 4.8, livestreamLevel: 5 });
  await rate(t, team.foreignShop, { shopScore: 4.8, livestreamLevel: 5 });
});

/** Sessions on day `day` of the campaign (which starts 5 days after LIVE_NOW), every `step` hours. */
const day = (n: number, hour = 0) => at(LIVE_NOW, (5 + n) * DAY + hour * HOUR);
const newCampaign = (overrides: Parameters<typeof campaignInput>[1] = {}) => {
  t.clock.set(LIVE_NOW);
  return createCampaign(t, campaignInput(LIVE_NOW, overrides));
};

const mutate = {
  addSessions: async (api: Api, id: string, sessions: ReturnType<typeof session>[]) => (await api.request(CampaignRegistrationAddSessionsDocument, { id, sessions })).campaignRegistrationAddSessions,
  duplicate: async (api: Api, id: string, startsAt: string) => (await api.request(CampaignSessionDuplicateDocument, { id, startsAt })).campaignSessionDuplicate,
  cancel: async (api: Api, id: string) => (await api.request(CampaignRegistrationCancelDocument, { id })).campaignRegistrationCancel,
  withdraw: async (api: Api, id: string) => (await api.request(CampaignRegistrationWithdrawDocument, { id })).campaignRegistrationWithdraw,
};

describe('campaignRegister', () => {
  it('REVIEWED: sessions go to the review queue; approval and rejection are mailed to the team', async () => {
    const campaignId = await newCampaign({ name: 'Reviewed one' });
    const registration = await registered(team.as('admin'), campaignId, team.shop, [
      session(day(0, 10), { estimatedGmvMinor: 500000, estimatedAdSpendMinor: 20000, estimateCurrency: 'eur' }),
      session(day(1, 10), { durationMinutes: 60, livestreamLevel: 3 }),
    ]);
    expect(registration).toMatchObject({
      status: 'UNDER_REVIEW',
      submittedAt: LIVE_NOW,
      campaign: { id: campaignId, name: 'Reviewed one' },
      account: { handle: team.shopHandle },
      sessions: [
        { startsAt: day(0, 10), endsAt: day(0, 12), durationMinutes: 120, mainCategory: 'Bakery', livestreamLevel: 1, estimatedGmv: { currency: 'EUR', amountMinor: 500000 }, estimatedAdSpend: { currency: 'EUR', amountMinor: 20000 }, active: true },
        { startsAt: day(1, 10), endsAt: day(1, 11), durationMinutes: 60, livestreamLevel: 3, estimatedGmv: null, active: true },
      ],
      reviews: [{ state: 'PENDING', reasons: [] }],
    });
    const queue = await campaignReviewer(t).request(ReviewQueueDocument, { kind: 'CAMPAIGN_REGISTRATION', first: 100 });
    const item = queue.reviewQueue.edges.map((e) => e.node).find((n) => n.subject?.__typename === 'CampaignRegistration' && (n.snapshot as { campaign: string }).campaign === 'Reviewed one');
    expect(item).toMatchObject({ kind: 'CAMPAIGN_REGISTRATION', state: 'PENDING', account: { handle: team.shopHandle } });
    expect((item!.snapshot as { sessions: unknown[] }).sessions).toHaveLength(2);
    // approval
    t.clock.set(at(LIVE_NOW, HOUR));
    await approveRegistration(t, registration.id);
    const approved = (await team.as('analyst').request(CampaignRegistrationNodeDocument, { id: registration.id })).node;
    expect(approved).toMatchObject({ status: 'APPROVED', statusChangedAt: at(LIVE_NOW, HOUR), reviews: [{ state: 'APPROVED' }] });
    const mail = (await team.as('analyst').request(NotificationsDocument, { organizationId: team.organizationId, first: 10 })).notifications.edges.map((e) => e.node);
    expect(mail[0]).toMatchObject({ kind: 'REVIEW_APPROVED', subjectType: 'CampaignRegistration', subjectId: registration.id, title: expect.stringContaining('Reviewed one') });

    // rejection frees the sessions; the account may register again
    const other = await newCampaign({ name: 'Reviewed two' });
    const second = await registered(team.owner, other, team.shop, [session(day(2, 10))]);
    t.clock.set(at(LIVE_NOW, 2 * HOUR));
    const { reviewReject } = await campaignReviewer(t).request(ReviewRejectDocument, { id: await pendingItem(t, second.id), reasons: [{ area: 'SESSIONS', message: 'Choose prime time.' }] });
    expect(reviewReject.userErrors).toEqual([]);
    const rejected = (await team.owner.request(CampaignRegistrationNodeDocument, { id: second.id })).node;
    expect(rejected).toMatchObject({ status: 'REJECTED', sessions: [{ active: false }], reviews: [{ state: 'REJECTED', reasons: [{ area: 'SESSIONS', message: 'Choose prime time.' }] }] });
    const rejectionMail = (await team.owner.request(NotificationsDocument, { organizationId: team.organizationId, first: 1 })).notifications.edges[0].node;
    expect(rejectionMail).toMatchObject({ kind: 'REVIEW_REJECTED', subjectId: second.id, body: expect.stringContaining('Choose prime time.') });
    const again = await registered(team.owner, other, team.shop, [session(day(2, 10))]);
    expect(again.status).toBe('UNDER_REVIEW');
    // the platform admin, reviewers and the team read it; nobody else
    expect((await platformAdmin(t).request(CampaignRegistrationNodeDocument, { id: again.id })).node).toMatchObject({ id: again.id });
  });

  it('AUTO_APPROVED: no session details, approved on submit', async () => {
    const campaignId = await newCampaign({ registrationType: 'AUTO_APPROVED', name: 'Auto' });
    await expectCampaignRefusal(t, () => register(team.owner, campaignId, team.other, [session(day(0))]), ['SESSIONS_NOT_ACCEPTED', ['input', 'sessions']]);
    const registration = await registered(team.owner, campaignId, team.other);
    expect(registration).toMatchObject({ status: 'APPROVED', sessions: [], reviews: [] });
    expect(await t.db.reviewItem.count({ where: { subjectId: localId(registration.id) } })).toBe(0);
  });

  it('refuses, with its own code and field, everything the rules forbid, storing nothing', async () => {
    const campaignId = await newCampaign({ minShopScore: 4, maxRecentViolations: 0, minLivestreamLevel: 2, allowedCategories: ['Bakery', 'Food'], allowDuplicateSessions: false });
    const attempt = (sessions: ReturnType<typeof session>[] | null, accountId = team.shop, id = campaignId) => () => register(team.owner, id, accountId, sessions);
    const s = (hour: number, o: Parameters<typeof session>[1] = {}) => session(day(3, hour), { livestreamLevel: 2, ...o });
    // registration window: before it opens, and at the instant it closes
    const later = await createCampaign(t, campaignInput(at(LIVE_NOW, DAY)));
    await expectCampaignRefusal(t, attempt([s(1)], team.shop, later), ['REGISTRATION_WINDOW_CLOSED', ['campaignId']]);
    t.clock.set(at(LIVE_NOW, 10 * DAY));
    await expectCampaignRefusal(t, attempt([s(1)]), ['REGISTRATION_WINDOW_CLOSED', ['campaignId']]);
    t.clock.set(LIVE_NOW);
    // requirements, naming the values
    await rate(t, team.other, { shopScore: 3.5, livestreamLevel: 1, recentSeriousViolations: 1 });
    const refusal = await expectCampaignRefusal(
      t,
      attempt([s(1)], team.other),
      ['SHOP_SCORE_TOO_LOW', ['accountId']],
      ['TOO_MANY_RECENT_VIOLATIONS', ['accountId']],
      ['LIVESTREAM_LEVEL_TOO_LOW', ['accountId']],
      ['LIVESTREAM_LEVEL_TOO_LOW', ['input', 'sessions', '0', 'livestreamLevel']],
    );
    expect(refusal!.userErrors[0].message).toContain('at least 4; the account has 3.5');
    await rate(t, team.other, { shopScore: 4.8, livestreamLevel: 5, recentSeriousViolations: 0 });
    // sessions
    await expectCampaignRefusal(t, attempt([]), ['REQUIRED', ['input', 'sessions']]);
    await expectCampaignRefusal(t, attempt([session(at(LIVE_NOW, 5 * DAY - HOUR), { livestreamLevel: 2 })]), ['SESSION_OUTSIDE_CAMPAIGN', ['input', 'sessions', '0', 'startsAt']]);
    await expectCampaignRefusal(t, attempt([session(at(LIVE_NOW, 30 * DAY - HOUR), { livestreamLevel: 2 })]), ['SESSION_OUTSIDE_CAMPAIGN', ['input', 'sessions', '0', 'startsAt']]);
    await expectCampaignRefusal(
      t,
      attempt([s(1, { durationMinutes: 5 }), s(3, { mainCategory: 'Toys', livestreamLevel: 1 }), s(5, { livestreamLevel: 6 }), s(7, { estimatedGmvMinor: 10 })]),
      ['INVALID', ['input', 'sessions', '0', 'durationMinutes']],
      ['CATEGORY_NOT_ALLOWED', ['input', 'sessions', '1', 'mainCategory']],
      ['LIVESTREAM_LEVEL_TOO_LOW', ['input', 'sessions', '1', 'livestreamLevel']],
      ['LIVESTREAM_LEVEL_TOO_LOW', ['input', 'sessions', '2', 'livestreamLevel']],
      ['INVALID', ['input', 'sessions', '3', 'estimateCurrency']],
    );
    // overlapping sessions: within the submission, and with the account's other registrations
    await expectCampaignRefusal(t, attempt([s(1), s(2)]), ['SESSION_OVERLAP', ['input', 'sessions', '1']]);
    const elsewhere = await newCampaign();
    await registered(team.owner, elsewhere, team.shop, [s(10)]);
    await expectCampaignRefusal(t, attempt([s(8), s(11)]), ['SESSION_OVERLAP', ['input', 'sessions', '1']]);
    // back to back is fine (periods are half-open)
    const fine = await registered(team.owner, campaignId, team.shop, [s(8), s(12)]);
    expect(fine.sessions.map((x) => x.startsAt)).toEqual([day(3, 8), day(3, 12)]);
    // already registered
    await expectCampaignRefusal(t, attempt([s(14)]), ['ALREADY_REGISTERED', ['accountId']]);
    // more than 100 sessions
    const many = Array.from({ length: 101 }, (_, i) => session(at(day(10), i * 15 * 60_000), { durationMinutes: 15, livestreamLevel: 2 }));
    await expectCampaignRefusal(t, attempt(many, team.other), ['SESSION_LIMIT_EXCEEDED', ['input', 'sessions']]);
    // a session that starts in the past, once the campaign is running
    t.clock.set(day(3, 23));
    await expectCampaignRefusal(t, attempt([s(20)], team.other), ['SESSION_IN_PAST', ['input', 'sessions', '0', 'startsAt']]);
    // a cancelled campaign
    t.clock.set(LIVE_NOW);
    const cancelled = await newCampaign();
    await platformAdmin(t).request(`mutation ($id: ID!) { campaignCancel(id: $id) { userErrors { code } } }`, { id: cancelled });
    await expectCampaignRefusal(t, attempt([s(1)], team.other, cancelled), ['CAMPAIGN_CANCELLED', ['campaignId']]);
    // a campaign edit cannot strand an active session outside the period
    await expectCampaignRefusal(
      t,
      async () => (await platformAdmin(t).request(CampaignUpdateDocument, { id: campaignId, input: { startsAt: day(4) } })).campaignUpdate,
      ['SESSION_OUTSIDE_CAMPAIGN', ['input', 'startsAt']],
    );
  });
});

describe('managing registrations', () => {
  it('duplicates a session to new dates inside the campaign, only where allowed', async () => {
    const campaignId = await newCampaign();
    const registration = await registered(team.owner, campaignId, team.shop, [session(day(5, 10), { estimatedGmvMinor: 1000, estimateCurrency: 'USD' })]);
    const source = registration.sessions[0].id;
    const { session: copy, userErrors } = await mutate.duplicate(team.as('admin'), source, day(6, 10));
    expect(userErrors).toEqual([]);
    expect(copy).toMatchObject({ startsAt: day(6, 10), endsAt: day(6, 12), estimatedGmv: { currency: 'USD', amountMinor: 1000 }, duplicatedFrom: { id: source }, active: true });
    // the copy joined the pending review: a fresh item lists both sessions
    const items = await t.db.reviewItem.findMany({ where: { subjectId: localId(registration.id) }, orderBy: { submittedAt: 'asc' } });
    expect(items.map((i) => i.state)).toEqual(['WITHDRAWN', 'PENDING']);
    expect((items[1].snapshot as { sessions: unknown[] }).sessions).toHaveLength(2);
    await expectCampaignRefusal(t, () => mutate.duplicate(team.owner, source, day(6, 11)), ['SESSION_OVERLAP', ['input', 'startsAt']]);
    await expectCampaignRefusal(t, () => mutate.duplicate(team.owner, source, day(30)), ['SESSION_OUTSIDE_CAMPAIGN', ['input', 'startsAt']]);
    // an approved registration's duplicate is approved with it, even after registration closed
    await approveRegistration(t, registration.id);
    t.clock.set(day(0));
    expect((await mutate.duplicate(team.owner, source, day(7, 10))).userErrors).toEqual([]);
    t.clock.set(LIVE_NOW);
    const noCopies = await newCampaign({ allowDuplicateSessions: false });
    const other = await registered(team.owner, noCopies, team.shop, [session(day(5, 20))]);
    await expectCampaignRefusal(t, () => mutate.duplicate(team.owner, other.sessions[0].id, day(8)), ['DUPLICATES_NOT_ALLOWED', ['id']]);
  });

  it('adds sessions while under review, cancels while under review, withdraws once approved before the first session', async () => {
    const campaignId = await newCampaign();
    const registration = await registered(team.owner, campaignId, team.other, [session(day(12, 10))]);
    const added = await mutate.addSessions(team.owner, registration.id, [session(day(13, 10))]);
    expect(added.registration!.sessions.map((s) => s.startsAt)).toEqual([day(12, 10), day(13, 10)]);
    // cancel while under review: the review is withdrawn, the sessions freed
    const cancelled = await mutate.cancel(team.as('admin'), registration.id);
    expect(cancelled.registration).toMatchObject({ status: 'CANCELLED', sessions: [{ active: false }, { active: false }], reviews: [{ state: 'WITHDRAWN' }, { state: 'WITHDRAWN' }] });
    const stale = await t.db.reviewItem.findFirstOrThrow({ where: { subjectId: localId(registration.id) }, orderBy: { submittedAt: 'desc' } });
    const { reviewApprove } = await campaignReviewer(t).request(ReviewApproveDocument, { id: encodeGlobalID('ReviewItem', stale.id) });
    expect(reviewApprove.userErrors.map((e) => e.code)).toEqual(['REVIEW_ALREADY_DECIDED']);
    await expectCampaignRefusal(t, () => mutate.cancel(team.owner, registration.id), ['REGISTRATION_NOT_UNDER_REVIEW', ['id']]);
    await expectCampaignRefusal(t, () => mutate.addSessions(team.owner, registration.id, [session(day(14))]), ['REGISTRATION_NOT_UNDER_REVIEW', ['id']]);

    // withdraw: only approved, only before the first session starts
    const next = await registered(team.owner, campaignId, team.other, [session(day(12, 10))]);
    await expectCampaignRefusal(t, () => mutate.withdraw(team.owner, next.id), ['REGISTRATION_NOT_APPROVED', ['id']]);
    await approveRegistration(t, next.id);
    await expectCampaignRefusal(t, () => mutate.cancel(team.owner, next.id), ['REGISTRATION_NOT_UNDER_REVIEW', ['id']]);
    t.clock.set(day(12, 10));
    await expectCampaignRefusal(t, () => mutate.withdraw(team.owner, next.id), ['REGISTRATION_SESSION_STARTED', ['id']]);
    t.clock.set(at(day(12, 10), -1000));
    const withdrawn = await mutate.withdraw(team.owner, next.id);
    expect(withdrawn.registration).toMatchObject({ status: 'WITHDRAWN', statusChangedAt: at(day(12, 10), -1000), sessions: [{ active: false }] });
    t.clock.set(LIVE_NOW);
    // the period is free again for the account
    const third = await newCampaign();
    expect((await registered(team.owner, third, team.other, [session(day(12, 10))])).status).toBe('UNDER_REVIEW');
  });

  it('lists the organization’s registrations newest first, by status, campaign and account', async () => {
    const campaignId = await newCampaign();
    t.clock.set(at(LIVE_NOW, 1000));
    const a = await registered(team.owner, campaignId, team.shop, [session(day(15, 1))]);
    t.clock.set(at(LIVE_NOW, 2000));
    const b = await registered(team.owner, campaignId, team.other, [session(day(15, 1))]);
    const list = async (filter: Record<string, unknown>, api = team.as('analyst')) =>
      (await api.request(CampaignRegistrationsDocument, { organizationId: team.organizationId, filter, first: 100 })).campaignRegistrations.edges.map((e) => e.node.id);
    expect(await list({ campaignId })).toEqual([b.id, a.id]);
    expect(await list({ campaignId, accountId: team.shop })).toEqual([a.id]);
    await approveRegistration(t, a.id);
    expect(await list({ campaignId, status: 'APPROVED' })).toEqual([a.id]);
    expect(await list({ campaignId, status: 'UNDER_REVIEW' })).toEqual([b.id]);
    t.clock.set(LIVE_NOW);
  });
});

describe('roles and other organizations', () => {
  it('owners and admins register and manage; agents cannot; analysts read; others see nothing', async () => {
    const campaignId = await newCampaign();
    const sessions = [session(day(16, 1))];
    for (const who of ['agent', 'analyst', 'foreign']) {
      expectTopLevelError(await team.as(who).raw(`mutation ($c: ID!, $a: ID!, $s: [CampaignSessionInput!]) { campaignRegister(campaignId: $c, accountId: $a, sessions: $s) { userErrors { code } } }`, { c: campaignId, a: team.shop, s: sessions }), 'FORBIDDEN');
    }
    const registration = await registered(team.as('admin'), campaignId, team.shop, sessions);
    const read = async (api: Api) => (await api.raw(CampaignRegistrationNodeDocument, { id: registration.id })).data?.node ?? null;
    expect(await read(team.as('analyst'))).toMatchObject({ id: registration.id });
    expect(await read(team.as('agent'))).toBeNull();
    expect(await read(team.as('foreign'))).toBeNull();
    expect(await read(t.anonymous())).toBeNull();
    expect((await team.as('foreign').raw(CampaignRegisteredSessionNodeDocument, { id: registration.sessions[0].id })).data?.node ?? null).toBeNull();
    expectTopLevelError(await team.as('agent').raw(CampaignRegistrationCancelDocument, { id: registration.id }), 'FORBIDDEN');
    expectTopLevelError(await team.as('analyst').raw(CampaignRegistrationCancelDocument, { id: registration.id }), 'FORBIDDEN');
    expectTopLevelError(await team.as('foreign').raw(CampaignSessionDuplicateDocument, { id: registration.sessions[0].id, startsAt: day(17) }), 'FORBIDDEN');
    const listed = await team.as('foreign').raw(CampaignRegistrationsDocument, { organizationId: team.organizationId, first: 10 });
    expect(listed.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    // a removed analyst reads nothing any more
    const { node: member } = await team.owner.request(`query ($id: ID!) { node(id: $id) { ... on Organization { members(first: 100) { edges { node { id role } } } } } }`, { id: team.organizationId });
    const analystMember = member.members.edges.find((e: { node: { role: string } }) => e.node.role === 'ANALYST').node.id;
    await team.owner.request(`mutation ($id: ID!) { memberRemove(id: $id) { userErrors { code } } }`, { id: analystMember });
    expect(await read(team.as('analyst'))).toBeNull();
  });
});

describe('concurrency', () => {
  it('parallel registrations cannot overlap sessions of one account, nor register it twice', async () => {
    const campaigns = await Promise.all([newCampaign(), newCampaign(), newCampaign(), newCampaign()]);
    // the same period, and periods shifted by 30 minutes: every pair overlaps
    const results = await Promise.all(campaigns.map((id, i) => register(team.owner, id, team.shop, [session(at(day(18, 10), i * 30 * 60_000))])));
    const codes = results.map((r) => r.userErrors.map((e) => e.code).join() || 'OK').sort();
    expect(codes).toEqual(['OK', 'SESSION_OVERLAP', 'SESSION_OVERLAP', 'SESSION_OVERLAP']);
    expect(await t.db.campaignSession.count({ where: { accountId: localId(team.shop), active: true, startsAt: { gte: new Date(day(18, 10)), lt: new Date(day(18, 12)) } } })).toBe(1);
    const same = await newCampaign();
    const twice = await Promise.all([1, 2, 3].map((i) => register(team.owner, same, team.shop, [session(day(19, i * 3))])));
    expect(twice.map((r) => r.userErrors.map((e) => e.code).join() || 'OK').sort()).toEqual(['ALREADY_REGISTERED', 'ALREADY_REGISTERED', 'OK']);
  });

  it('parallel duplicates never take a registration past 100 sessions', async () => {
    const campaignId = await newCampaign();
    const first = Array.from({ length: 95 }, (_, i) => session(at(day(20), i * 15 * 60_000), { durationMinutes: 15 }));
    const registration = await registered(team.owner, campaignId, team.other, first);
    const copies = await Promise.all(Array.from({ length: 10 }, (_, i) => mutate.duplicate(team.owner, registration.sessions[0].id, at(day(22), i * 15 * 60_000))));
    expect(copies.filter((c) => c.userErrors.length === 0)).toHaveLength(5);
    expect(copies.filter((c) => c.userErrors.length > 0).map((c) => c.userErrors[0].code)).toEqual(Array(5).fill('SESSION_LIMIT_EXCEEDED'));
    expect(await t.db.campaignSession.count({ where: { registrationId: localId(registration.id), active: true } })).toBe(100);
  });
});
