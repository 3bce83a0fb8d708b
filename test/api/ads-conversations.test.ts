// Ad clicks and the conversations they open: idempotent click reports, referrals (first and
// last touch), no reply window before the user writes, the welcome, reply hours with the away
// message once per closed period (across a daylight-saving change), leads from ads, and per-ad
// results kept exact in rollups (recomputed from the raw rows).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdConversationsDocument, AdSpendRecordDocument, AdUpdateDocument } from '../generated/graphql.ts';
import { activeAd, adSystem, adTeam, AWAY_TEXT, click, expectAdsUnchanged, recomputedDays, results, WELCOME_TEXT, type AdTeam } from '../support/ads.ts';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { approveAuto, storedMessages } from '../support/automation.ts';
import { accepted, expectUserErrors, localId } from '../support/fixtures.ts';
import { approvedLeadForm, submitLead } from '../support/leads.ts';
import { conversationRow, reply, replyText, sendDm, startConversation } from '../support/messaging.ts';

let t: TestApp;
let team: AdTeam;
// Friday 27 March 2026, 11:00 in Paris (UTC+1 until Sunday's change to UTC+2)
const FRIDAY = '2026-03-27T10:00:00.000Z';
beforeAll(async () => {
  t = await startApp({ now: FRIDAY });
  team = await adTeam(t);
});
afterAll(() => t?.close());

const inboxOf = async (filter: Record<string, unknown> = {}) => (await team.owner.request(AdConversationsDocument, { accountId: team.shop, filter })).inbox.edges.map((e) => e.node);
let users = 0;
const newUser = () => `adfan${++users}`;

describe('adClickRecord', () => {
  it('opens an AD conversation before any message, with the click as referral; the team cannot write first', async () => {
    const ad = await activeAd(team, { title: 'Click to chat' });
    const user = newUser();
    const payload = await click(t, ad, user, 'clk-open-1');
    expect(payload.userErrors).toEqual([]);
    const conversation = await conversationRow(t, payload.conversationId!);
    expect(conversation).toMatchObject({ origin: 'AD', state: 'OPEN', adId: localId(ad), lastUserMessageAt: null, lastMessageId: null });
    const [listed] = (await inboxOf({ origins: ['AD'], adId: ad })).filter((c) => c.contact.handle === user);
    expect(listed).toMatchObject({
      id: payload.conversationId,
      origin: 'AD',
      lastMessage: null,
      repliesLeft: 0,
      firstAdReferral: { adTitle: 'Click to chat', clickedAt: FRIDAY, creative: { kind: 'POST', post: { id: team.postId } }, ad: { id: ad } },
      lastAdReferral: { adTitle: 'Click to chat', clickedAt: FRIDAY },
    });
    const refused = await reply(team.owner, payload.conversationId!, { kind: 'TEXT', text: 'Hi!' });
    expectUserErrors(refused, ['WINDOW_EXPIRED', ['id']]);
    expect(refused.userErrors[0].message).toContain('the user has not written yet');
    expect(await t.db.message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });

  it('is idempotent by click id, also when the ad system retries at once', async () => {
    const ad = await activeAd(team);
    const user = newUser();
    const first = await click(t, ad, user, 'clk-retry');
    const retries = await Promise.all(Array.from({ length: 6 }, () => click(t, ad, user, 'clk-retry')));
    for (const retry of retries) expect(retry).toEqual(first);
    expect(await t.db.adClick.count({ where: { clickId: 'clk-retry' } })).toBe(1);
    expect(await t.db.conversation.count({ where: { id: localId(first.conversationId!) } })).toBe(1);
    expect((await results(team.owner, ad, '2026-03-27', '2026-03-27')).clicks).toBe(1);
    // the same click id for another ad is a different report: refused
    const other = await activeAd(team);
    expectUserErrors(await expectAdsUnchanged(t, () => click(t, other, user, 'clk-retry')), ['IDEMPOTENCY_KEY_REUSED', ['input', 'clickId']]);
  });

  it('keeps an existing conversation, its first touch and origin, and updates the last touch (snapshots of the ad at click time)', async () => {
    const user = newUser();
    const conversationId = await startConversation(t.as(user), team.shopHandle, 'Hello there');
    // the ad system names the user by the identity provider's subject
    const subject = (await t.db.user.findFirstOrThrow({ where: { handle: user } })).subject;
    const first = await activeAd(team, { title: 'First touch' });
    const second = await activeAd(team, { title: 'Last touch' });
    const report = (ad: string, clickId: string) =>
      adSystem(t).request(`mutation ($input: AdClickInput!) { adClickRecord(input: $input) { conversationId userErrors { code } } }`, { input: { clickId, adId: ad, userSubject: subject, userHandle: user } });
    expect((await report(first, 'clk-touch-1')).adClickRecord.conversationId).toBe(conversationId);
    t.clock.advance(60_000);
    accepted((await team.owner.request(AdUpdateDocument, { id: first, input: { title: 'Renamed later' } })).adUpdate, 'adUpdate');
    expect((await report(second, 'clk-touch-2')).adClickRecord.conversationId).toBe(conversationId);
    const [listed] = (await inboxOf({ adId: first })).filter((c) => c.id === conversationId);
    expect(listed).toMatchObject({ origin: 'ORGANIC', firstAdReferral: { adTitle: 'First touch', ad: { id: first } }, lastAdReferral: { adTitle: 'Last touch', ad: { id: second } } });
    expect((await inboxOf({ adId: second })).map((c) => c.id)).toContain(conversationId);
    expect((await inboxOf({ origins: ['AD'] })).map((c) => c.id)).not.toContain(conversationId);
  });

  it('is the ad system’s (or a platform admin’s) report only', async () => {
    const ad = await activeAd(team);
    for (const api of [team.owner, team.as('agent'), t.as('someone'), t.anonymous()]) {
      const response = await expectAdsUnchanged(t, () =>
        api.raw(`mutation ($input: AdClickInput!) { adClickRecord(input: $input) { clickId } }`, { input: { clickId: `clk-x-${users}`, adId: ad, userSubject: 'sub-x', userHandle: 'x' } }),
      );
      expect(response.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
    const admin = await t.as('platform_admin', ['admin']).request(`mutation ($input: AdClickInput!) { adClickRecord(input: $input) { clickId userErrors { code } } }`, {
      input: { clickId: 'clk-by-admin', adId: ad, userSubject: 'sub-y', userHandle: 'y' },
    });
    expect(admin.adClickRecord).toEqual({ clickId: 'clk-by-admin', userErrors: [] });
  });
});

describe('the user writes', () => {
  it('gets the welcome; the conversation starts only within 7 days of the click; the first manual reply counts once', async () => {
    const ad = await activeAd(team);
    const [early, late] = [newUser(), newUser()];
    const early1 = (await click(t, ad, early, `clk-${early}`)).conversationId!;
    const late1 = (await click(t, ad, late, `clk-${late}`)).conversationId!;
    t.clock.advance(3 * 86_400_000); // Monday 30 March
    await sendDm(t.as(early), team.shopHandle, { kind: 'TEXT', text: 'Is it in stock?' });
    expect((await storedMessages(t, early1)).map((m) => [m.direction, m.text])).toEqual([
      ['INBOUND', 'Is it in stock?'],
      ['OUTBOUND', WELCOME_TEXT],
    ]);
    t.clock.advance(3600_000);
    await replyText(team.as('agent'), early1, 'Yes it is!');
    await replyText(team.as('agent'), early1, 'Anything else?');
    t.clock.advance(5 * 86_400_000); // 8 days after the clicks
    await sendDm(t.as(late), team.shopHandle, { kind: 'TEXT', text: 'Hello?' });
    await replyText(team.as('agent'), late1, 'Hi!');
    const figures = await results(team.as('analyst'), ad, '2026-03-27', '2026-04-04');
    expect(figures).toMatchObject({ clicks: 2, conversationsStarted: 1, firstReplies: 1 });
    expect(figures.days.find((d) => d.day === '2026-03-30')).toMatchObject({ conversationsStarted: 1 });
    expect(figures.days.find((d) => d.day === '2026-03-30')).toMatchObject({ firstReplies: 1 });
    expect(figures.days.find((d) => d.day === '2026-04-04')).toMatchObject({ conversationsStarted: 0, firstReplies: 0 });
  });
});

describe('reply hours and the away message', () => {
  const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((day) => ({ day: day as 'MONDAY', start: '09:00', end: '17:00' }));

  it('answers once per closed period outside the hours (in the account’s zone, across the DST change), counted in the reply window', async () => {
    t.clock.set('2026-03-27T16:30:00.000Z'); // Friday 17:30 in Paris: closed
    const ad = await activeAd(team, { replyHours: weekdays, awayMessage: AWAY_TEXT });
    const adRow = await t.db.ad.findUniqueOrThrow({ where: { id: localId(ad) }, include: { awayMessage: true } });
    await approveAuto(t, Buffer.from(`AutoMessage:${adRow.awayMessage!.id}`).toString('base64'));
    const user = newUser();
    const id = (await click(t, ad, user, `clk-${user}`)).conversationId!;
    const texts = async () => (await storedMessages(t, id)).filter((m) => m.direction === 'OUTBOUND').map((m) => m.text);

    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'Anyone there?' });
    expect(await texts()).toEqual([WELCOME_TEXT, AWAY_TEXT]);
    const row = await conversationRow(t, id);
    // Monday 09:00 in Paris is 07:00 UTC after the change to summer time (08:00 before it)
    expect(row.awaySentUntil?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(row.windowRepliesUsed).toBe(2); // the welcome and the away message both count

    t.clock.set('2026-03-28T12:00:00.000Z');
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'Hello??' });
    t.clock.set('2026-03-30T06:59:59.000Z'); // Monday 08:59:59 in Paris: the same closed period
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'Still there?' });
    expect(await texts()).toEqual([WELCOME_TEXT, AWAY_TEXT]);

    t.clock.set('2026-03-30T07:00:00.000Z'); // Monday 09:00: open
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'Good morning' });
    t.clock.set('2026-03-30T14:59:59.000Z'); // 16:59:59: still open
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'One more thing' });
    expect(await texts()).toEqual([WELCOME_TEXT, AWAY_TEXT]);

    t.clock.set('2026-03-30T15:00:00.000Z'); // 17:00: closed again, a new period
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'Evening question' });
    expect(await texts()).toEqual([WELCOME_TEXT, AWAY_TEXT, AWAY_TEXT]);
    expect((await conversationRow(t, id)).awaySentUntil?.toISOString()).toBe('2026-03-31T07:00:00.000Z');
    const away = await t.db.autoMessage.findUniqueOrThrow({ where: { id: adRow.awayMessage!.id } });
    expect(away.firedCount).toBe(2);
  });

  it('takes its slot in the reply window like every automated message: the team has 8 replies left after the welcome and the away message', async () => {
    t.clock.set('2026-04-04T10:00:00.000Z'); // Saturday: closed all day
    const ad = await activeAd(team, { replyHours: weekdays, awayMessage: AWAY_TEXT });
    const adRow = await t.db.ad.findUniqueOrThrow({ where: { id: localId(ad) }, include: { awayMessage: true } });
    await approveAuto(t, Buffer.from(`AutoMessage:${adRow.awayMessage!.id}`).toString('base64'));
    const user = newUser();
    const id = (await click(t, ad, user, `clk-${user}`)).conversationId!;
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'hi' });
    const codes: string[] = [];
    for (let i = 0; i < 9; i++) codes.push((await reply(team.as('agent'), id, { kind: 'TEXT', text: `reply ${i}` })).userErrors[0]?.code ?? 'SENT');
    expect(codes).toEqual([...Array(8).fill('SENT'), 'WINDOW_QUOTA_EXCEEDED']);
    expect((await conversationRow(t, id)).windowRepliesUsed).toBe(10);
  });
});

describe('leads and results', () => {
  it('a lead from an ad conversation carries source AD and the ad; an AD lead needs a click on that ad', async () => {
    t.clock.set('2026-04-06T10:00:00.000Z');
    const ad = await activeAd(team);
    const formId = await approvedLeadForm(t, team.handle('owner'), team.shop);
    const user = newUser();
    const conversationId = (await click(t, ad, user, `clk-${user}`)).conversationId!;
    await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'I want a quote' });
    const lead = await submitLead(t.as(user), formId, { source: 'DIRECT_MESSAGE', conversationId });
    const stored = await t.db.lead.findUniqueOrThrow({ where: { id: localId(lead.id) } });
    expect(stored).toMatchObject({ source: 'AD', adId: localId(ad) });
    const stranger = newUser();
    const refused = await t.as(stranger).request(`mutation ($formId: ID!, $input: LeadSubmitInput!) { leadSubmit(formId: $formId, input: $input) { userErrors { code field } } }`, {
      formId,
      input: { source: 'AD', adId: ad, answers: [] },
    });
    expect(refused.leadSubmit.userErrors).toContainEqual({ code: 'INVALID', field: ['input', 'adId'] });
    expect((await results(team.owner, ad, '2026-04-06', '2026-04-06')).leads).toBe(1);
  });

  it('records spend per day (a new report replaces the day’s total) and derives the cost per conversation', async () => {
    t.clock.set('2026-04-08T10:00:00.000Z');
    const ad = await activeAd(team, { currency: 'EUR' });
    const spend = (day: string, amountMinor: number, currency = 'EUR') => adSystem(t).request(AdSpendRecordDocument, { adId: ad, input: { day, amountMinor, currency } });
    expect((await results(team.owner, ad, '2026-04-07', '2026-04-08')).costPerConversation).toBeNull();
    expect((await spend('2026-04-07', 5000)).adSpendRecord).toEqual({ spend: { amountMinor: 5000, currency: 'EUR' }, userErrors: [] });
    await spend('2026-04-07', 4000); // corrected report
    await spend('2026-04-08', 2001);
    expectUserErrors((await expectAdsUnchanged(t, () => spend('2026-04-08', 10, 'USD'))).adSpendRecord, ['CURRENCY_MISMATCH', ['input', 'currency']]);
    expectUserErrors((await expectAdsUnchanged(t, () => spend('2026-04-09', 10))).adSpendRecord, ['INVALID', ['input', 'day']]);
    for (const user of [newUser(), newUser(), newUser()]) {
      await click(t, ad, user, `clk-${user}`);
      await sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'hi' });
    }
    const figures = await results(team.as('admin'), ad, '2026-04-07', '2026-04-08');
    expect(figures).toMatchObject({ clicks: 3, conversationsStarted: 3, spend: { amountMinor: 6001, currency: 'EUR' }, costPerConversation: { amountMinor: 2000, currency: 'EUR' } });
    expect(figures.days.map((d) => [d.day, d.spend.amountMinor])).toEqual([
      ['2026-04-07', 4000],
      ['2026-04-08', 2001],
    ]);
  });

  it('shows results to owners, admins and analysts only; agents, strangers and anonymous callers are refused', async () => {
    const ad = await activeAd(team);
    for (const api of [team.as('agent'), t.as('someone'), t.anonymous()]) {
      const response = await api.raw(`query ($id: ID!) { node(id: $id) { ... on MessagingAd { results(from: "2026-04-01", to: "2026-04-02") { clicks } } } }`, { id: ad });
      expect(response.data?.node ?? null).toBeNull();
    }
    const ranged = await team.owner.raw(`query ($id: ID!) { node(id: $id) { ... on MessagingAd { results(from: "2026-04-02", to: "2026-04-01") { clicks } } } }`, { id: ad });
    expect(ranged.errors?.[0]?.message).toMatch(/range ends before it starts/);
  });

  it.runIf(onPostgres)('counts every concurrent click and message exactly (rollups recomputed from the raw rows)', async () => {
    const ad = await activeAd(team);
    const fans = Array.from({ length: 12 }, () => newUser());
    await Promise.all(fans.map((user, i) => click(t, ad, user, `clk-par-${user}-${i}`)));
    await Promise.all(fans.map((user) => sendDm(t.as(user), team.shopHandle, { kind: 'TEXT', text: 'hi' })));
    const day = t.clock.now().toISOString().slice(0, 10);
    const figures = await results(team.owner, ad, day, day);
    expect(figures).toMatchObject({ clicks: 12, conversationsStarted: 12 });
  });

  it('every figure of every ad equals a recount of the raw rows', async () => {
    const ads = await t.db.ad.findMany({ where: { accountId: localId(team.shop) }, select: { id: true } });
    for (const { id } of ads) {
      const global = Buffer.from(`MessagingAd:${id}`).toString('base64');
      const recount = await recomputedDays(t, global);
      const figures = await results(team.owner, global, '2026-03-20', '2026-04-20');
      for (const day of figures.days) {
        const expected = recount.get(day.day) ?? { clicks: 0, conversationsStarted: 0, firstReplies: 0, leads: 0, spendMinor: 0 };
        expect({ day: day.day, clicks: day.clicks, conversationsStarted: day.conversationsStarted, firstReplies: day.firstReplies, leads: day.leads, spendMinor: day.spend.amountMinor }).toEqual({ day: day.day, ...expected });
      }
    }
  });
});
