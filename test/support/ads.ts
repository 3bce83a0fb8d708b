// Shared setup for the messaging-ads API tests: an account that may run ads (region, DM
// setting, approved welcome), ads created through the API, clicks and spend reported by the
// ad system, and the ad rows as stored.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import {
  AdActivateDocument,
  AdClickRecordDocument,
  AdCreateDocument,
  AdResultsDocument,
  BusinessAccountUpdateDocument,
  type AdCreateInput,
  type AdResultsFieldsFragment,
} from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import { approved, setToggles, setWelcome } from './automation.ts';
import type { Api } from './client.ts';
import { accepted, localId } from './fixtures.ts';
import { createPost } from './lead-forms.ts';
import { dmTeam, type DmTeam } from './messaging.ts';

/** The ad system: a token with platform role `ads`. */
export const adSystem = (t: TestApp): Api => t.as('ad_system', ['ads']);

export const WELCOME_TEXT = 'Hi! Thanks for your interest — how can we help?';
export const AWAY_TEXT = 'We are away right now; we answer Monday to Friday, 9:00–17:00 Paris time.';

export interface AdTeam extends DmTeam {
  /** a post of the shop, usable as a creative */
  postId: string;
}

/** Makes an account meet the messaging-ad rules (as its owner): a region with ads, DMs open to everyone, the welcome approved and on. */
export async function readyForAds(t: TestApp, owner: Api, accountId: string, options: { timeZone?: string; region?: string } = {}): Promise<void> {
  const input = { region: options.region ?? 'US', timeZone: options.timeZone ?? 'Europe/Paris', whoCanMessage: 'EVERYONE' as const };
  accepted((await owner.request(BusinessAccountUpdateDocument, { id: accountId, input })).businessAccountUpdate, 'businessAccountUpdate');
  await approved(t, setWelcome(owner, accountId, WELCOME_TEXT));
  await setToggles(owner, accountId, { welcomeEnabled: true });
}

/** A DM team whose shop (US region, Paris time) may run messaging ads, with a post to use as a creative. */
export async function adTeam(t: TestApp, options: { timeZone?: string; region?: string } = {}): Promise<AdTeam> {
  const team = await dmTeam(t);
  await readyForAds(t, team.owner, team.shop, options);
  return { ...team, postId: await createPost(team.owner, team.shop) };
}

export async function createAd(api: Api, accountId: string, input: Partial<AdCreateInput>) {
  return (await api.request(AdCreateDocument, { accountId, input: { title: 'Spring sale', ...input } as AdCreateInput })).adCreate;
}

/** An ACTIVE ad of the team's shop with its post as creative; returns its global id. */
export async function activeAd(team: AdTeam, input: Partial<AdCreateInput> = {}): Promise<string> {
  const created = accepted(await createAd(team.owner, team.shop, { creativePostId: team.postId, ...input }), 'adCreate');
  accepted((await team.owner.request(AdActivateDocument, { id: created.ad!.id })).adActivate, 'adActivate');
  return created.ad!.id;
}

/** Reports a click of `handle` (the subject its test token carries) on an ad; returns the payload. */
export async function click(t: TestApp, adId: string, handle: string, clickId: string, clickedAt?: string) {
  return (await adSystem(t).request(AdClickRecordDocument, { input: { clickId, adId, userSubject: `test|${handle}`, userHandle: handle, clickedAt: clickedAt ?? null } })).adClickRecord;
}

export async function results(api: Api, adId: string, from: string, to: string): Promise<AdResultsFieldsFragment> {
  const { node } = await api.request(AdResultsDocument, { id: adId, from, to });
  if (!node || !('results' in node)) throw new Error('no ad');
  return node.results;
}

/** Every ad-related row, to prove a refusal changed nothing. */
export async function storedAds(t: TestApp) {
  const [ads, clicks, conversations, days, spends, away] = await Promise.all([
    t.db.ad.findMany({ orderBy: { id: 'asc' } }),
    t.db.adClick.findMany({ orderBy: { id: 'asc' } }),
    t.db.adConversation.findMany({ orderBy: [{ adId: 'asc' }, { conversationId: 'asc' }] }),
    t.db.adDailyResult.findMany({ orderBy: [{ adId: 'asc' }, { day: 'asc' }] }),
    t.db.adSpend.findMany({ orderBy: [{ adId: 'asc' }, { day: 'asc' }] }),
    t.db.autoMessage.findMany({ where: { kind: 'AWAY' }, orderBy: { id: 'asc' } }),
  ]);
  return { ads, clicks, conversations, days, spends, away };
}

export async function expectAdsUnchanged<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedAds(t);
  const result = await operation();
  expect(await storedAds(t)).toEqual(before);
  return result;
}

export const adRow = (t: TestApp, adId: string) => t.db.ad.findUniqueOrThrow({ where: { id: localId(adId) } });

/**
 * Every figure of an ad per UTC day, recomputed from the raw rows (clicks, conversation starts
 * and first replies, leads, spend), to compare with the rollups the API reads.
 */
export async function recomputedDays(t: TestApp, adId: string) {
  const id = localId(adId);
  const day = (at: Date) => at.toISOString().slice(0, 10);
  const figures = new Map<string, { clicks: number; conversationsStarted: number; firstReplies: number; leads: number; spendMinor: number }>();
  const at = (d: string) => {
    if (!figures.has(d)) figures.set(d, { clicks: 0, conversationsStarted: 0, firstReplies: 0, leads: 0, spendMinor: 0 });
    return figures.get(d)!;
  };
  for (const c of await t.db.adClick.findMany({ where: { adId: id } })) at(day(c.clickedAt)).clicks += 1;
  for (const c of await t.db.adConversation.findMany({ where: { adId: id } })) {
    if (c.startedAt) at(day(c.startedAt)).conversationsStarted += 1;
    if (c.firstReplyAt) at(day(c.firstReplyAt)).firstReplies += 1;
  }
  for (const l of await t.db.lead.findMany({ where: { adId: id } })) at(day(l.createdAt)).leads += 1;
  for (const s of await t.db.adSpend.findMany({ where: { adId: id } })) at(day(s.day)).spendMinor += s.amountMinor;
  return figures;
}

/**
 * An ad of the account that `handle` clicked, written straight to the database: for tests of
 * other modules that only need a lead's ad to be real (the ads tests prove how clicks come to
 * be through the API). Returns the ad's global id.
 */
export async function adClickedBy(t: TestApp, accountId: string, handle: string): Promise<string> {
  const account = localId(accountId);
  const user = await t.db.user.findFirstOrThrow({ where: { handle }, select: { id: true } });
  const ad = await t.db.ad.create({ data: { accountId: account, title: 'Fixture ad', state: 'ACTIVE', creativeKind: 'UPLOADED_VIDEO' } });
  const conversation = await t.db.conversation.upsert({
    where: { accountId_userId: { accountId: account, userId: user.id } },
    create: { accountId: account, userId: user.id, state: 'OPEN', origin: 'AD', lastMessageAt: t.clock.now() },
    update: {},
  });
  await t.db.adClick.create({
    data: { clickId: `fixture-${ad.id}`, adId: ad.id, userId: user.id, conversationId: conversation.id, clickedAt: t.clock.now(), adTitle: ad.title, creativeKind: ad.creativeKind },
  });
  return encodeGlobalID('MessagingAd', ad.id);
}
