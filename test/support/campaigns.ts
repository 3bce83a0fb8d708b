// Shared setup for the campaign API tests: campaigns created by a platform admin, account
// ratings, registrations through the API, and everything the campaigns module stores.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import {
  BusinessAccountRatingsUpdateDocument,
  CampaignCreateDocument,
  CampaignRegisterDocument,
  ReviewApproveDocument,
  type CampaignCreateInput,
  type CampaignSessionInput,
} from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import type { Api } from './client.ts';
import { accepted, localId } from './fixtures.ts';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const at = (base: string | Date, ms: number) => new Date(new Date(base).getTime() + ms).toISOString();

export const platformAdmin = (t: TestApp): Api => t.as('camp.admin', ['admin']);
export const campaignReviewer = (t: TestApp): Api => t.as('camp.reviewer', ['reviewer']);

/**
 * A campaign input around `base`: registration [base, base+10d), campaign [base+5d, base+30d),
 * REVIEWED, no requirements, duplicates allowed.
 */
export function campaignInput(base: string, overrides: Partial<CampaignCreateInput> = {}): CampaignCreateInput {
  return {
    name: 'Spring key livestream',
    description: 'Featured lives for the spring sale.',
    kind: 'KEY_LIVESTREAM',
    registrationType: 'REVIEWED',
    registrationStartsAt: at(base, 0),
    registrationEndsAt: at(base, 10 * DAY),
    startsAt: at(base, 5 * DAY),
    endsAt: at(base, 30 * DAY),
    allowDuplicateSessions: true,
    benefits: [
      { level: 1, description: 'Campaign badge' },
      { level: 3, description: 'Homepage banner' },
    ],
    ...overrides,
  };
}

export async function createCampaign(t: TestApp, input: CampaignCreateInput): Promise<string> {
  return accepted((await platformAdmin(t).request(CampaignCreateDocument, { input })).campaignCreate, 'campaignCreate').campaign!.id;
}

/** Sets an account's shop score, livestream level and recent violations as a platform admin. */
export async function rate(t: TestApp, accountId: string, input: { shopScore?: number | null; livestreamLevel?: number | null; recentSeriousViolations?: number }) {
  const { businessAccountPlatformUpdate } = await platformAdmin(t).request(BusinessAccountRatingsUpdateDocument, { id: accountId, input });
  expect(businessAccountPlatformUpdate.userErrors).toEqual([]);
}

/** A session input starting at `startsAt`. */
export const session = (startsAt: string, overrides: Partial<CampaignSessionInput> = {}): CampaignSessionInput => ({
  startsAt,
  durationMinutes: 120,
  mainCategory: 'Bakery',
  livestreamLevel: 1,
  ...overrides,
});

export async function register(api: Api, campaignId: string, accountId: string, sessions?: CampaignSessionInput[] | null) {
  return (await api.request(CampaignRegisterDocument, { campaignId, accountId, sessions })).campaignRegister;
}

export async function registered(api: Api, campaignId: string, accountId: string, sessions?: CampaignSessionInput[] | null) {
  return accepted(await register(api, campaignId, accountId, sessions), 'campaignRegister').registration!;
}

/** The pending review item of a registration, as a global id. */
export async function pendingItem(t: TestApp, registrationId: string): Promise<string> {
  const item = await t.db.reviewItem.findFirstOrThrow({ where: { kind: 'CAMPAIGN_REGISTRATION', subjectId: localId(registrationId), state: 'PENDING' } });
  return encodeGlobalID('ReviewItem', item.id);
}

export async function approveRegistration(t: TestApp, registrationId: string): Promise<void> {
  accepted((await campaignReviewer(t).request(ReviewApproveDocument, { id: await pendingItem(t, registrationId) })).reviewApprove, 'reviewApprove');
}

/** Everything the campaigns module stores, in a stable order. */
export async function storedCampaigns(t: TestApp) {
  const [campaigns, registrations, sessions, lives, sales, reviews] = await Promise.all([
    t.db.campaign.findMany({ orderBy: { id: 'asc' } }),
    t.db.campaignRegistration.findMany({ orderBy: { id: 'asc' } }),
    t.db.campaignSession.findMany({ orderBy: { id: 'asc' } }),
    t.db.campaignLive.findMany({ orderBy: { liveSessionId: 'asc' } }),
    t.db.campaignLiveSales.findMany({ orderBy: [{ liveSessionId: 'asc' }, { month: 'asc' }, { currency: 'asc' }] }),
    t.db.reviewItem.findMany({ where: { kind: 'CAMPAIGN_REGISTRATION' }, orderBy: { id: 'asc' } }),
  ]);
  return { campaigns, registrations, sessions, lives, sales, reviews };
}

type Payload = { userErrors: { code: string; field?: string[] | null }[] } | undefined | null;

/** A refusal with exactly these (code, field) pairs that stored nothing. */
export async function expectCampaignRefusal<P extends Payload>(t: TestApp, operation: () => Promise<P>, ...expected: [code: string, field: string[] | null][]) {
  const before = await storedCampaigns(t);
  const payload = await operation();
  expect(payload?.userErrors.map(({ code, field }) => [code, field ?? null])).toEqual(expected);
  expect(await storedCampaigns(t)).toEqual(before);
  return payload;
}
