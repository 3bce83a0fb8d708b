// Campaigns on the platform side: admins create, edit and cancel them (periods validated);
// status derived from the clock at every boundary instant; sellers browse (filters, newest
// first, pages) and ask whether an account can register; shop score and livestream level are
// platform-owned ratings shown to the team only.
import { describe, expect, it } from 'vitest';
import {
  BusinessAccountRatingsUpdateDocument,
  CampaignCancelDocument,
  CampaignCreateDocument,
  CampaignEligibilityDocument,
  CampaignNodeDocument,
  CampaignsDocument,
  CampaignUpdateDocument,
} from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { at, campaignInput, createCampaign, DAY, expectCampaignRefusal, platformAdmin, rate, storedCampaigns } from '../support/campaigns.ts';
import { expectTopLevelError, localId } from '../support/fixtures.ts';
import { LIVE_NOW, liveSuite, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

const MS = 1;

describe('campaignCreate / campaignUpdate / campaignCancel', () => {
  it('platform admins create a campaign with its periods, requirements and benefits', async () => {
    t.clock.set(LIVE_NOW);
    const input = campaignInput(LIVE_NOW, { minShopScore: 4.5, maxRecentViolations: 0, minLivestreamLevel: 2, allowedCategories: ['Bakery', 'Food'], kind: 'LIVE_CHALLENGE' });
    const { campaignCreate } = await platformAdmin(t).request(CampaignCreateDocument, { input });
    expect(campaignCreate.userErrors).toEqual([]);
    expect(campaignCreate.campaign).toMatchObject({
      name: 'Spring key livestream',
      kind: 'LIVE_CHALLENGE',
      registrationType: 'REVIEWED',
      status: 'REGISTRATION_OPEN',
      requirements: { minShopScore: 4.5, maxRecentViolations: 0, minLivestreamLevel: 2, allowedCategories: ['Bakery', 'Food'] },
      benefits: [
        { level: 1, description: 'Campaign badge' },
        { level: 3, description: 'Homepage banner' },
      ],
      allowDuplicateSessions: true,
      cancelledAt: null,
      createdAt: LIVE_NOW,
    });
    const row = await t.db.campaign.findUniqueOrThrow({ where: { id: localId(campaignCreate.campaign!.id) } });
    expect(row).toMatchObject({ minShopScore: 4.5, allowedCategories: ['Bakery', 'Food'], startsAt: new Date(at(LIVE_NOW, 5 * DAY)) });
    // any signed-in seller reads it; anonymous callers do not
    expect((await team.as('agent').request(CampaignNodeDocument, { id: campaignCreate.campaign!.id })).node).toMatchObject({ name: 'Spring key livestream' });
    expect((await t.anonymous().raw(CampaignNodeDocument, { id: campaignCreate.campaign!.id })).data?.node ?? null).toBeNull();
  });

  it('refuses everyone but platform admins, changing nothing', async () => {
    const input = campaignInput(LIVE_NOW);
    const before = await storedCampaigns(t);
    expectTopLevelError(await team.owner.raw(CampaignCreateDocument, { input }), 'FORBIDDEN');
    expectTopLevelError(await t.as('camp.rev', ['reviewer']).raw(CampaignCreateDocument, { input }), 'FORBIDDEN');
    expectTopLevelError(await t.anonymous().raw(CampaignCreateDocument, { input }), 'UNAUTHENTICATED');
    const id = await createCampaign(t, input);
    const after = await storedCampaigns(t);
    expectTopLevelError(await team.owner.raw(CampaignUpdateDocument, { id, input: { name: 'Mine now' } }), 'FORBIDDEN');
    expectTopLevelError(await team.owner.raw(CampaignCancelDocument, { id }), 'FORBIDDEN');
    expect(await storedCampaigns(t)).toEqual(after);
    expect(after.campaigns.length).toBe(before.campaigns.length + 1);
  });

  it('validates periods: each ordered, registration closing no later than the campaign ends', async () => {
    const create = (overrides: Parameters<typeof campaignInput>[1]) => async () => (await platformAdmin(t).request(CampaignCreateDocument, { input: campaignInput(LIVE_NOW, overrides) })).campaignCreate;
    await expectCampaignRefusal(t, create({ registrationEndsAt: LIVE_NOW }), ['CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt']]);
    await expectCampaignRefusal(t, create({ endsAt: at(LIVE_NOW, 5 * DAY) }), ['CAMPAIGN_PERIODS_INVALID', ['input', 'endsAt']], ['CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt']]);
    await expectCampaignRefusal(t, create({ registrationEndsAt: at(LIVE_NOW, 31 * DAY) }), ['CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt']]);
    await expectCampaignRefusal(
      t,
      create({ name: ' ', minShopScore: 6, minLivestreamLevel: 11, benefits: [{ level: 1, description: 'a' }, { level: 1, description: '' }] }),
      ['REQUIRED', ['input', 'name']],
      ['INVALID', ['input', 'minShopScore']],
      ['INVALID', ['input', 'minLivestreamLevel']],
      ['INVALID', ['input', 'benefits', '1', 'level']],
      ['REQUIRED', ['input', 'benefits', '1', 'description']],
    );
    // registration may open after the campaign started, as long as it closes by its end
    const late = await createCampaign(t, campaignInput(LIVE_NOW, { registrationStartsAt: at(LIVE_NOW, 6 * DAY), registrationEndsAt: at(LIVE_NOW, 30 * DAY) }));
    expect(late).toEqual(expect.any(String));
  });

  it('edits only the given fields, validates the result whole, and cancels; ended or cancelled campaigns are frozen', async () => {
    t.clock.set(LIVE_NOW);
    const id = await createCampaign(t, campaignInput(LIVE_NOW, { minShopScore: 4 }));
    const update = (input: Record<string, unknown>) => async () => (await platformAdmin(t).request(CampaignUpdateDocument, { id, input })).campaignUpdate;
    const updated = await update({ name: 'Spring finals', minLivestreamLevel: 3, allowDuplicateSessions: false })();
    expect(updated.userErrors).toEqual([]);
    expect(updated.campaign).toMatchObject({ name: 'Spring finals', requirements: { minShopScore: 4, minLivestreamLevel: 3 }, allowDuplicateSessions: false, description: 'Featured lives for the spring sale.' });
    // null clears a requirement
    expect((await update({ minShopScore: null })()).campaign!.requirements.minShopScore).toBeNull();
    await expectCampaignRefusal(t, update({ endsAt: at(LIVE_NOW, 6 * DAY) }), ['CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt']]);
    const { campaignCancel } = await platformAdmin(t).request(CampaignCancelDocument, { id });
    expect(campaignCancel.campaign).toMatchObject({ status: 'CANCELLED', cancelledAt: LIVE_NOW });
    await expectCampaignRefusal(t, update({ name: 'Back again' }), ['CAMPAIGN_CANCELLED', ['id']]);
    await expectCampaignRefusal(t, async () => (await platformAdmin(t).request(CampaignCancelDocument, { id })).campaignCancel, ['CAMPAIGN_CANCELLED', ['id']]);

    const ended = await createCampaign(t, campaignInput(LIVE_NOW));
    t.clock.set(at(LIVE_NOW, 30 * DAY));
    await expectCampaignRefusal(t, async () => (await platformAdmin(t).request(CampaignUpdateDocument, { id: ended, input: { name: 'x' } })).campaignUpdate, ['CAMPAIGN_ENDED', ['id']]);
    t.clock.set(LIVE_NOW);
  });
});

describe('Campaign.status', () => {
  const statusAt = async (id: string, instant: string) => {
    t.clock.set(instant);
    const { node } = await team.owner.request(CampaignNodeDocument, { id });
    // the list filter applies the same rules in SQL
    const listed = [];
    for (const status of ['UPCOMING', 'REGISTRATION_OPEN', 'REGISTRATION_CLOSED', 'ONGOING', 'EXPIRED', 'CANCELLED'] as const) {
      const { campaigns } = await team.owner.request(CampaignsDocument, { filter: { status }, first: 100 });
      if (campaigns.edges.some((e) => e.node.id === id)) listed.push(status);
    }
    expect(listed).toEqual([(node as { status: string }).status]);
    return (node as { status: string }).status;
  };

  it('follows the clock at every boundary instant; an open registration wins over a running campaign', async () => {
    t.clock.set(LIVE_NOW);
    // registration [R0, R1) overlaps the campaign [C0, C1): R0 < C0 < R1 < C1
    const R0 = at(LIVE_NOW, DAY);
    const C0 = at(LIVE_NOW, 3 * DAY);
    const R1 = at(LIVE_NOW, 5 * DAY);
    const C1 = at(LIVE_NOW, 9 * DAY);
    const id = await createCampaign(t, campaignInput(LIVE_NOW, { registrationStartsAt: R0, registrationEndsAt: R1, startsAt: C0, endsAt: C1 }));
    expect(await statusAt(id, at(R0, -MS))).toBe('UPCOMING');
    expect(await statusAt(id, R0)).toBe('REGISTRATION_OPEN');
    expect(await statusAt(id, at(C0, -MS))).toBe('REGISTRATION_OPEN');
    expect(await statusAt(id, C0)).toBe('REGISTRATION_OPEN');
    expect(await statusAt(id, at(R1, -MS))).toBe('REGISTRATION_OPEN');
    expect(await statusAt(id, R1)).toBe('ONGOING');
    expect(await statusAt(id, at(C1, -MS))).toBe('ONGOING');
    expect(await statusAt(id, C1)).toBe('EXPIRED');
  });

  it('is REGISTRATION_CLOSED between registration close and campaign start, and CANCELLED once cancelled', async () => {
    t.clock.set(LIVE_NOW);
    const R0 = at(LIVE_NOW, DAY);
    const R1 = at(LIVE_NOW, 2 * DAY);
    const C0 = at(LIVE_NOW, 4 * DAY);
    const C1 = at(LIVE_NOW, 6 * DAY);
    const id = await createCampaign(t, campaignInput(LIVE_NOW, { registrationStartsAt: R0, registrationEndsAt: R1, startsAt: C0, endsAt: C1 }));
    expect(await statusAt(id, at(R1, -MS))).toBe('REGISTRATION_OPEN');
    expect(await statusAt(id, R1)).toBe('REGISTRATION_CLOSED');
    expect(await statusAt(id, at(C0, -MS))).toBe('REGISTRATION_CLOSED');
    expect(await statusAt(id, C0)).toBe('ONGOING');
    // a campaign that starts before registration opens is ONGOING until then
    const early = await createCampaign(t, campaignInput(LIVE_NOW, { registrationStartsAt: C0, registrationEndsAt: C1, startsAt: R0, endsAt: C1 }));
    expect(await statusAt(early, at(R0, -MS))).toBe('UPCOMING');
    expect(await statusAt(early, R0)).toBe('ONGOING');
    expect(await statusAt(early, C0)).toBe('REGISTRATION_OPEN');
    t.clock.set(R0);
    await platformAdmin(t).request(CampaignCancelDocument, { id });
    expect(await statusAt(id, R0)).toBe('CANCELLED');
    expect(await statusAt(id, C1)).toBe('CANCELLED');
    t.clock.set(LIVE_NOW);
  });
});

describe('campaigns (browse)', () => {
  it('lists newest first in pages, filtered by kind, category and status (EXPIRED included)', async () => {
    const base = '2027-01-01T00:00:00.000Z';
    t.clock.set(base);
    const specs: [string, Parameters<typeof campaignInput>[1]][] = [
      ['a', { kind: 'SHORT_VIDEO_CHALLENGE', allowedCategories: ['Toys'] }],
      ['b', { kind: 'SHORT_VIDEO_CHALLENGE', allowedCategories: [] }],
      ['c', { kind: 'SHORT_VIDEO_CHALLENGE', allowedCategories: ['Bakery'], registrationStartsAt: at(base, -20 * DAY), registrationEndsAt: at(base, -10 * DAY), startsAt: at(base, -15 * DAY), endsAt: at(base, -DAY) }],
    ];
    for (const [name, overrides] of specs) {
      t.clock.advance(1000);
      await createCampaign(t, campaignInput(base, { name: `browse ${name}`, ...overrides }));
    }
    const list = async (filter: Record<string, unknown>, first = 100, after?: string) => (await team.as('agent').request(CampaignsDocument, { filter, first, after })).campaigns;
    const names = (c: Awaited<ReturnType<typeof list>>) => c.edges.map((e) => e.node.name);
    expect(names(await list({ kind: 'SHORT_VIDEO_CHALLENGE' }))).toEqual(['browse c', 'browse b', 'browse a']);
    expect(names(await list({ kind: 'SHORT_VIDEO_CHALLENGE', category: 'Toys' }))).toEqual(['browse b', 'browse a']);
    expect(names(await list({ kind: 'SHORT_VIDEO_CHALLENGE', status: 'EXPIRED' }))).toEqual(['browse c']);
    expect(names(await list({ kind: 'SHORT_VIDEO_CHALLENGE', status: 'REGISTRATION_OPEN' }))).toEqual(['browse b', 'browse a']);
    const page1 = await list({ kind: 'SHORT_VIDEO_CHALLENGE' }, 2);
    expect(names(page1)).toEqual(['browse c', 'browse b']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(names(await list({ kind: 'SHORT_VIDEO_CHALLENGE' }, 2, page1.pageInfo.endCursor!))).toEqual(['browse a']);
    expect((await t.anonymous().raw(CampaignsDocument, { first: 1 })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    t.clock.set(LIVE_NOW);
  });
});

describe('Campaign.eligibility and account ratings', () => {
  it('names each failing requirement with the account’s value and the required one', async () => {
    t.clock.set(LIVE_NOW);
    const id = await createCampaign(t, campaignInput(LIVE_NOW, { minShopScore: 4.5, maxRecentViolations: 1, minLivestreamLevel: 3, allowedCategories: ['Fashion'] }));
    await rate(t, team.other, { shopScore: 4.2, livestreamLevel: null, recentSeriousViolations: 2 });
    const eligibility = async (who: string, accountId: string) => (await team.as(who).request(CampaignEligibilityDocument, { id, accountId })).node;
    expect(await eligibility('analyst', team.other)).toEqual({
      id,
      eligibility: {
        account: { handle: team.handle('other') },
        eligible: false,
        registrationOpen: true,
        failures: [
          { requirement: 'SHOP_SCORE', code: 'SHOP_SCORE_TOO_LOW', accountValue: '4.2', requiredValue: '≥ 4.5', message: expect.stringContaining('4.2') },
          { requirement: 'RECENT_VIOLATIONS', code: 'TOO_MANY_RECENT_VIOLATIONS', accountValue: '2', requiredValue: '≤ 1', message: expect.any(String) },
          { requirement: 'LIVESTREAM_LEVEL', code: 'LIVESTREAM_LEVEL_TOO_LOW', accountValue: null, requiredValue: '≥ 3', message: expect.any(String) },
          { requirement: 'CATEGORY', code: 'CATEGORY_NOT_ALLOWED', accountValue: 'Bakery', requiredValue: 'Fashion', message: expect.any(String) },
        ],
      },
    });
    await rate(t, team.other, { shopScore: 4.8, livestreamLevel: 5, recentSeriousViolations: 1 });
    await platformAdmin(t).request(CampaignUpdateDocument, { id, input: { allowedCategories: ['bakery'] } });
    expect((await eligibility('owner', team.other))?.eligibility).toMatchObject({ eligible: true, failures: [] });
    // agents, other organizations and anonymous callers cannot ask
    for (const who of ['agent', 'foreign']) {
      const response = await team.as(who).raw(CampaignEligibilityDocument, { id, accountId: team.other });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('shop score, livestream level and recent violations: set by platform admins, validated, shown to the team only', async () => {
    const update = (api: ReturnType<typeof platformAdmin>, input: Record<string, unknown>) => api.raw(BusinessAccountRatingsUpdateDocument, { id: team.shop, input });
    expectTopLevelError(await update(team.owner, { shopScore: 5 }), 'FORBIDDEN');
    const refused = (await update(platformAdmin(t), { shopScore: 5.1, livestreamLevel: 11, recentSeriousViolations: -1 })).data!.businessAccountPlatformUpdate;
    expect(refused.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID', ['input', 'recentSeriousViolations']],
      ['INVALID', ['input', 'shopScore']],
      ['INVALID', ['input', 'livestreamLevel']],
    ]);
    await rate(t, team.shop, { shopScore: 4.7, livestreamLevel: 4 });
    const query = `query ($handle: String!) { businessAccount(handle: $handle) { handle shopScore livestreamLevel recentSeriousViolations } }`;
    expect((await team.as('analyst').request(query, { handle: team.shopHandle })).businessAccount).toEqual({ handle: team.shopHandle, shopScore: 4.7, livestreamLevel: 4, recentSeriousViolations: 0 });
    for (const api of [t.anonymous(), team.as('foreign')]) {
      const response = await api.raw(query, { handle: team.shopHandle });
      expect(response.errors?.length).toBeGreaterThan(0);
      expect((response.data?.businessAccount as { shopScore?: unknown } | null)?.shopScore ?? null).toBeNull();
    }
  });
});
