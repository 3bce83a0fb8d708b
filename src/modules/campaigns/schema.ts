// GraphQL surface of livestream campaigns: platform admins manage campaigns; sellers browse,
// check eligibility, register and manage; owners, admins and analysts read performance.
// Who may load each Node type:
// - Campaign: any signed-in user (campaigns are the platform's public offer to sellers).
// - CampaignRegistration, CampaignRegisteredSession: the account's owners, admins and analysts
//   (restricted members only for their accounts), platform reviewers and platform admins.
import { CampaignKind, CampaignRegistrationStatus, CampaignRegistrationType } from '../../generated/prisma/enums.ts';
import type { MemberRole } from '../../generated/prisma/enums.ts';
import { managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { badInput } from '../../platform/errors.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef, OrganizationRef } from '../accounts/schema.ts';
import { registerReviewSubject } from '../reviews/schema.ts';
import { averageOrderValue, campaignFigures, sessionFigures, yearToDate, type CurrencyFigures, type Figures, type MonthFigures } from './analytics.ts';
import { performanceFeed } from './feed.ts';
import './rollups.ts';
import { campaignStatus, campaignStatuses, MAX_SESSIONS_PER_REGISTRATION, registrationOpen, SESSION_MAX_MINUTES, SESSION_MIN_MINUTES, statusFilter, type Benefit, type RequirementFailure } from './rules.ts';
import * as campaigns from './service.ts';

/** Read registrations and performance: not agents. */
export const readerRoles: readonly MemberRole[] = ['OWNER', 'ADMIN', 'ANALYST'];

const CampaignKindEnum = builder.enumType(CampaignKind, {
  name: 'CampaignKind',
  description: 'KEY_LIVESTREAM: featured livestreams; LIVE_CHALLENGE: a competition between LIVE sellers; SHORT_VIDEO_CHALLENGE: short videos that drive to lives.',
  values: {
    KEY_LIVESTREAM: { description: 'Featured livestreams the platform promotes.' },
    LIVE_CHALLENGE: { description: 'A competition between sellers going LIVE.' },
    SHORT_VIDEO_CHALLENGE: { description: 'Short videos that drive viewers to the sellers’ lives.' },
  },
});
const RegistrationTypeEnum = builder.enumType(CampaignRegistrationType, {
  name: 'CampaignRegistrationType',
  description: 'REVIEWED: registrations list LIVE sessions and wait for platform review. AUTO_APPROVED: no session details, approved on submit.',
  values: {
    REVIEWED: { description: `Registrations list 1–${MAX_SESSIONS_PER_REGISTRATION} LIVE sessions and wait UNDER_REVIEW for a platform reviewer; lives count during their registered sessions.` },
    AUTO_APPROVED: { description: 'Registrations carry no sessions and are APPROVED on submit; lives count during the whole campaign period.' },
  },
});
const RegistrationStatusEnum = builder.enumType(CampaignRegistrationStatus, {
  name: 'CampaignRegistrationStatus',
  description: 'UNDER_REVIEW → APPROVED or REJECTED; CANCELLED by the seller while under review; WITHDRAWN by the seller once approved.',
  values: {
    UNDER_REVIEW: { description: 'Waiting for a platform reviewer (REVIEWED campaigns). Sessions can be added while registration is open or duplicated where the campaign allows it; owners and admins may cancel it.' },
    APPROVED: { description: 'Accepted (by a reviewer, or on submit for AUTO_APPROVED campaigns); its lives count for the campaign. Can be withdrawn before its first session starts.' },
    REJECTED: { description: 'A reviewer rejected it (reasons on its reviews); its sessions no longer hold their periods. Final.' },
    CANCELLED: { description: 'The seller cancelled it while under review; its sessions are freed. Final.' },
    WITHDRAWN: { description: 'The seller withdrew it after approval, before its first session (AUTO_APPROVED: the campaign) started; its sessions are freed. Final.' },
  },
});
const campaignStatusValues: Record<(typeof campaignStatuses)[number], { description: string }> = {
  UPCOMING: { description: 'Registration has not opened yet (before registrationStartsAt) and the campaign has not started.' },
  REGISTRATION_OPEN: { description: 'Inside [registrationStartsAt, registrationEndsAt): accounts may register, even while the campaign already runs.' },
  REGISTRATION_CLOSED: { description: 'Registration has closed and the campaign has not started yet.' },
  ONGOING: { description: 'Inside [startsAt, endsAt) with registration closed: registered lives count.' },
  EXPIRED: { description: 'The campaign is over (endsAt reached): it can no longer be edited or cancelled, and no more lives are attributed to it.' },
  CANCELLED: { description: 'A platform admin cancelled it: no more registrations or edits, and lives starting afterwards are not attributed.' },
};
const CampaignStatusEnum = builder.enumType('CampaignStatus', {
  values: campaignStatusValues,
  description:
    'Derived from the clock (periods are [start, end)); where periods overlap the first that applies wins: CANCELLED, EXPIRED (campaign over), REGISTRATION_OPEN, ONGOING, UPCOMING (registration not open yet), REGISTRATION_CLOSED (between registration close and campaign start).',
});
const RequirementEnum = builder.enumType('CampaignRequirement', {
  description: 'A requirement a campaign may set.',
  values: {
    SHOP_SCORE: { description: 'A minimum shop score (0–5); refused with SHOP_SCORE_TOO_LOW.' },
    RECENT_VIOLATIONS: { description: 'A maximum of serious violations in the last 30 days; refused with TOO_MANY_RECENT_VIOLATIONS.' },
    LIVESTREAM_LEVEL: { description: 'A minimum livestream level (0–10); refused with LIVESTREAM_LEVEL_TOO_LOW.' },
    CATEGORY: { description: 'The account’s main category must be one of the allowed ones; refused with CATEGORY_NOT_ALLOWED.' },
  },
});

const readersOf = (accountId: string) => ({ $any: { account: { id: accountId, roles: readerRoles }, reviewer: true, platformAdmin: true } });

// ───────────── figures ─────────────

const MoneyTotalRef = builder.objectRef<{ currency: string; amountMinor: number }>('MoneyTotal').implement({
  description: 'A total in minor units of one ISO 4217 currency. A Float holding an exact integer, since totals can exceed 32 bits.',
  fields: (t) => ({
    amountMinor: t.exposeFloat('amountMinor', { description: 'The amount in minor units (e.g. cents), a whole number, 0 or more.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code, e.g. EUR.' }),
  }),
});

const CurrencySalesRef = builder.objectRef<CurrencyFigures>('CampaignCurrencySales').implement({
  description: 'Sales in one currency (currencies are never added together).',
  fields: (t) => ({
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code, e.g. EUR.' }),
    gmv: t.field({ type: MoneyTotalRef, description: 'Gross merchandise value: the sum of order amounts.', resolve: (c) => ({ currency: c.currency, amountMinor: c.gmvMinor }) }),
    orders: t.exposeInt('orders', { description: 'Orders in this currency.' }),
    itemsSold: t.exposeInt('itemsSold', { description: 'Units sold in those orders.' }),
    averageOrderValue: t.field({ type: MoneyTotalRef, nullable: true, description: 'GMV / orders, rounded to minor units.', resolve: (c) => { const v = averageOrderValue(c); return v === null ? null : { currency: c.currency, amountMinor: v }; } }),
  }),
});

const FiguresRef = builder.objectRef<Figures>('CampaignFigures').implement({
  description: 'Performance of attributed lives, read from rollups maintained with each order, viewer DM and lead.',
  fields: (t) => ({
    gmv: t.field({ type: [MoneyTotalRef], description: 'GMV per currency.', resolve: (f) => f.sales.map((s) => ({ currency: s.currency, amountMinor: s.gmvMinor })) }),
    averageOrderValue: t.field({ type: [MoneyTotalRef], description: 'Average order value per currency.', resolve: (f) => f.sales.filter((s) => s.orders > 0).map((s) => ({ currency: s.currency, amountMinor: averageOrderValue(s)! })) }),
    sales: t.field({ type: [CurrencySalesRef], description: 'Everything per currency, by currency code.', resolve: (f) => f.sales }),
    orders: t.exposeInt('orders', { description: 'Orders in every currency.' }),
    itemsSold: t.exposeInt('itemsSold', { description: 'Units sold in every currency.' }),
    liveSessions: t.exposeInt('liveSessions', { description: 'Lives attributed (decided when each started).' }),
    peakViewers: t.exposeInt('peakViewers', { description: 'The highest peak of concurrent viewers of one attributed live.' }),
    totalViewers: t.exposeInt('totalViewers', { description: 'Room joins summed over the attributed lives (a rejoin counts again).' }),
    viewerMessages: t.exposeInt('viewerMessages', { description: 'Viewer DMs sent from the attributed lives.' }),
    leads: t.exposeInt('leads', { description: 'Leads submitted from the attributed lives.' }),
    version: t.exposeInt('version', { description: 'Grows with every counted live, order, DM and lead: a higher version includes everything a lower one did.' }),
  }),
});

// ───────────── campaigns ─────────────

const RequirementsRef = builder.objectRef<{ minShopScore: number | null; maxRecentViolations: number | null; minLivestreamLevel: number | null; allowedCategories: string[] }>('CampaignRequirements').implement({
  description: 'What an account needs to register; null means no requirement.',
  fields: (t) => ({
    minShopScore: t.exposeFloat('minShopScore', { nullable: true, description: 'Minimum shop score (0–5).' }),
    maxRecentViolations: t.exposeInt('maxRecentViolations', { nullable: true, description: 'Maximum serious violations in the last 30 days.' }),
    minLivestreamLevel: t.exposeInt('minLivestreamLevel', { nullable: true, description: 'Minimum livestream level (0–10), of the account and of each session.' }),
    allowedCategories: t.exposeStringList('allowedCategories', { description: 'Main categories allowed (case-insensitive); empty = any.' }),
  }),
});
const BenefitRef = builder.objectRef<Benefit>('CampaignBenefit').implement({
  description: 'What a session registered at a livestream level earns.',
  fields: (t) => ({
    level: t.exposeInt('level', { description: 'The livestream level (0–10) this benefit is for; one benefit per level.' }),
    description: t.exposeString('description', { description: 'What the seller gets, at most 500 characters.' }),
  }),
});
const FailureRef = builder.objectRef<RequirementFailure>('CampaignRequirementFailure').implement({
  description: 'A requirement the account does not meet.',
  fields: (t) => ({
    requirement: t.field({ type: RequirementEnum, description: 'Which requirement fails.', resolve: (f) => f.requirement }),
    code: t.exposeString('code', { description: 'The userErrors code a registration would be refused with.' }),
    accountValue: t.exposeString('accountValue', { nullable: true, description: 'The account’s value (null when the platform has not rated it).' }),
    requiredValue: t.exposeString('requiredValue', { description: 'What the campaign requires, e.g. "≥ 4.5".' }),
    message: t.exposeString('message', { description: 'A sentence naming the required and the account’s value, as a registration would be refused with.' }),
  }),
});
const EligibilityRef = builder.objectRef<{ accountId: string; failures: RequirementFailure[]; registrationOpen: boolean }>('CampaignEligibility').implement({
  description: 'Whether an account can register now, and if not which requirement fails.',
  fields: (t) => ({
    account: t.prismaField({ type: 'BusinessAccount', description: 'The account checked.', resolve: (q, e, _a, ctx) => ctx.db.businessAccount.findUniqueOrThrow({ ...q, where: { id: e.accountId } }) }),
    eligible: t.boolean({ description: 'Every requirement is met (the registration window is separate).', resolve: (e) => e.failures.length === 0 }),
    registrationOpen: t.exposeBoolean('registrationOpen', { description: 'The registration window is open now.' }),
    failures: t.field({ type: [FailureRef], description: 'Each requirement the account fails; empty when eligible.', resolve: (e) => e.failures }),
  }),
});

export const CampaignRef = builder.prismaNode('Campaign', {
  id: { field: 'id' },
  description: 'A livestream campaign run by the platform. Any signed-in user may read it.',
  authScopes: { authenticated: true },
  // campaigns are published to every seller: any signed-in user
  loadableBy: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The campaign’s name, 1–100 characters.' }),
    description: t.exposeString('description', { description: 'What the campaign is about, at most 5,000 characters.' }),
    kind: t.expose('kind', { type: CampaignKindEnum, description: 'The kind of campaign.' }),
    registrationType: t.expose('registrationType', { type: RegistrationTypeEnum, description: 'REVIEWED (sessions, platform review) or AUTO_APPROVED (no sessions, approved on submit).' }),
    registrationStartsAt: t.expose('registrationStartsAt', { type: 'DateTime', description: 'Registration opens (inclusive).' }),
    registrationEndsAt: t.expose('registrationEndsAt', { type: 'DateTime', description: 'Registration closes (exclusive).' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'The campaign starts (inclusive).' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'The campaign ends (exclusive).' }),
    status: t.field({ type: CampaignStatusEnum, description: 'Derived from the clock, never stored.', resolve: (c, _a, ctx) => campaignStatus(c, ctx.clock.now()) }),
    requirements: t.field({ type: RequirementsRef, description: 'What an account needs to register.', resolve: (c) => c }),
    benefits: t.field({ type: [BenefitRef], description: 'By livestream level, ascending.', resolve: (c) => c.benefits as unknown as Benefit[] }),
    allowDuplicateSessions: t.exposeBoolean('allowDuplicateSessions', { description: 'Whether sellers may duplicate a registered session to new dates.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When a platform admin cancelled it; null if not cancelled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When a platform admin created it.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When it was last edited or cancelled.' }),
    eligibility: t.field({
      type: EligibilityRef,
      description: 'Can this account register, and which requirement fails (with the account’s and the required value). Owners, admins and analysts of the account.',
      authScopes: (_c, args) => ({ account: { id: args.accountId.id, roles: readerRoles } }),
      args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account to check; the caller must be its owner, admin or analyst.' }) },
      resolve: async (c, args, ctx) => ({
        accountId: args.accountId.id,
        failures: (await campaigns.eligibility(ctx.db, c, args.accountId.id)) ?? [],
        registrationOpen: !c.cancelledAt && registrationOpen(c, ctx.clock.now()),
      }),
    }),
  }),
});

const CampaignFilter = builder.inputType('CampaignFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({
    status: t.field({ type: CampaignStatusEnum, description: 'The status now (EXPIRED and CANCELLED included).' }),
    kind: t.field({ type: CampaignKindEnum, description: 'Only campaigns of this kind.' }),
    category: t.string({ description: 'Campaigns open to this main category (those without a category restriction included).' }),
  }),
});

builder.queryField('campaigns', (t) =>
  t.prismaConnection({
    type: 'Campaign',
    cursor: 'id',
    description: 'Campaigns, newest first. Any signed-in user.',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: CampaignFilter, description: 'Conditions to filter by; omit for every campaign.' }) },
    resolve: (query, _root, { filter }, ctx) =>
      ctx.db.campaign.findMany({
        ...query,
        where: {
          AND: [
            filter?.status ? statusFilter(filter.status, ctx.clock.now()) : {},
            filter?.kind ? { kind: filter.kind } : {},
            filter?.category ? { OR: [{ allowedCategories: { isEmpty: true } }, { allowedCategories: { has: filter.category.trim() } }] } : {},
          ],
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

// ───────────── registrations ─────────────

export const RegisteredSessionRef = builder.prismaNode('CampaignSession', {
  name: 'CampaignRegisteredSession',
  id: { field: 'id' },
  description: 'A LIVE session registered for a campaign. Owners, admins and analysts of the account; platform reviewers and admins.',
  authScopes: (s) => readersOf(s.accountId),
  loadableBy: (s) => readersOf(s.accountId),
  fields: (t) => ({
    registration: t.relation('registration', { description: 'The registration that holds this session.' }),
    campaign: t.relation('campaign', { description: 'The campaign it is registered for.' }),
    startsAt: t.expose('startsAt', { type: 'DateTime', description: 'The registered period starts (inclusive).' }),
    endsAt: t.expose('endsAt', { type: 'DateTime', description: 'The registered period ends (exclusive).' }),
    durationMinutes: t.int({ description: `Length of the registered period in minutes (${SESSION_MIN_MINUTES} to ${SESSION_MAX_MINUTES}).`, resolve: (s) => Math.round((s.endsAt.getTime() - s.startsAt.getTime()) / 60_000) }),
    mainCategory: t.exposeString('mainCategory', { description: 'The live’s main category (one of the campaign’s allowed categories when it restricts them).' }),
    livestreamLevel: t.exposeInt('livestreamLevel', { description: 'The level the seller registered at (benefits depend on it).' }),
    estimatedGmv: t.field({ type: MoneyTotalRef, nullable: true, description: 'The seller’s estimated GMV for the session; null if not given.', resolve: (s) => (s.estimatedGmvMinor !== null ? { currency: s.estimateCurrency!, amountMinor: s.estimatedGmvMinor } : null) }),
    estimatedAdSpend: t.field({ type: MoneyTotalRef, nullable: true, description: 'The seller’s estimated ad spend for the session; null if not given.', resolve: (s) => (s.estimatedAdSpendMinor !== null ? { currency: s.estimateCurrency!, amountMinor: s.estimatedAdSpendMinor } : null) }),
    duplicatedFrom: t.prismaField({
      type: 'CampaignSession',
      nullable: true,
      description: 'The session this one was duplicated from.',
      resolve: (q, s, _a, ctx) => (s.duplicatedFromId ? ctx.db.campaignSession.findUnique({ ...q, where: { id: s.duplicatedFromId } }) : null),
    }),
    active: t.exposeBoolean('active', { description: 'False once its registration is rejected, cancelled or withdrawn (it no longer holds its period).' }),
    performance: t.field({
      type: FiguresRef,
      description: 'Lives attributed to this registered session and what they sold.',
      resolve: (s, _a, ctx) => ctx.loader<string, Figures>('campaignSessionFigures', (ids) => sessionFigures(ctx.db, ids)).load(s.id),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered (or duplicated).' }),
  }),
});

export const RegistrationRef = builder.prismaNode('CampaignRegistration', {
  id: { field: 'id' },
  description: 'A business account’s registration to a campaign. Owners, admins and analysts of the account; platform reviewers and admins.',
  authScopes: (r) => readersOf(r.accountId),
  loadableBy: (r) => readersOf(r.accountId),
  fields: (t) => ({
    campaign: t.relation('campaign', { description: 'The campaign registered for.' }),
    account: t.relation('account', { description: 'The business account registered.' }),
    status: t.expose('status', { type: RegistrationStatusEnum, description: 'Where the registration stands.' }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', description: 'When an owner or admin registered the account.' }),
    statusChangedAt: t.expose('statusChangedAt', { type: 'DateTime', description: 'When the status last changed (submission, decision, cancellation or withdrawal).' }),
    sessions: t.relation('sessions', { description: `Registered sessions by start (at most ${MAX_SESSIONS_PER_REGISTRATION} active).`, query: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] } }),
    reviews: t.prismaField({
      type: ['ReviewItem'],
      description: 'Every review of this registration, newest first, with rejection reasons. The account’s readers and platform reviewers (empty for others).',
      authScopes: (r) => ({ $any: { account: { id: r.accountId, roles: readerRoles }, reviewer: true } }),
      unauthorizedResolver: () => [],
      resolve: (q, r, _a, ctx) => ctx.db.reviewItem.findMany({ ...q, where: { kind: 'CAMPAIGN_REGISTRATION', subjectId: r.id }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

registerReviewSubject({ kind: 'CAMPAIGN_REGISTRATION', ref: RegistrationRef, load: (ctx, id) => ctx.db.campaignRegistration.findUnique({ where: { id } }) });

const RegistrationFilter = builder.inputType('CampaignRegistrationFilter', {
  description: 'Every given condition must hold.',
  fields: (t) => ({
    status: t.field({ type: RegistrationStatusEnum, description: 'Only registrations with this status.' }),
    campaignId: t.globalID({ for: CampaignRef, description: 'Only registrations to this campaign.' }),
    accountId: t.globalID({ for: BusinessAccountRef, description: 'Only registrations of this business account.' }),
  }),
});

/** Members limited to some accounts see those accounts' registrations only. */
async function visibleAccounts(ctx: Context, organizationId: string) {
  const membership = await ctx.access.membership(organizationId);
  return membership?.restricted ? { accountId: { in: [...membership.accountIds] } } : {};
}

builder.queryField('campaignRegistrations', (t) =>
  t.prismaConnection({
    type: 'CampaignRegistration',
    cursor: 'id',
    description: 'The organization’s registrations, newest first. Owners, admins and analysts (restricted members: their accounts only).',
    authScopes: (_r, args) => ({ organization: { id: args.organizationId.id, roles: readerRoles } }),
    args: {
      organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization whose registrations to list.' }),
      filter: t.arg({ type: RegistrationFilter, description: 'Conditions to filter by; omit for all.' }),
    },
    resolve: async (query, _root, { organizationId, filter }, ctx) =>
      ctx.db.campaignRegistration.findMany({
        ...query,
        where: {
          AND: [
            { organizationId: organizationId.id },
            await visibleAccounts(ctx, organizationId.id),
            filter?.status ? { status: filter.status } : {},
            filter?.campaignId ? { campaignId: filter.campaignId.id } : {},
            filter?.accountId ? { accountId: filter.accountId.id } : {},
          ],
        },
        orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);

// ───────────── performance ─────────────

interface Performance {
  campaignId: string;
  organizationId: string;
  figures: Figures;
}

const PerformanceRef = builder.objectRef<Performance>('CampaignPerformance').implement({
  description: 'An organization’s performance in a campaign: the lives of its accounts attributed to it.',
  fields: (t) => ({
    campaign: t.prismaField({ type: 'Campaign', description: 'The campaign.', resolve: (q, p, _a, ctx) => ctx.db.campaign.findUniqueOrThrow({ ...q, where: { id: p.campaignId } }) }),
    figures: t.field({ type: FiguresRef, description: 'The organization’s figures in the campaign, over all its attributed lives.', resolve: (p) => p.figures }),
    sessions: t.prismaField({
      type: ['CampaignSession'],
      description: 'The organization’s registered sessions in the campaign (each with its performance), by start.',
      resolve: (q, p, _a, ctx) =>
        ctx.db.campaignSession.findMany({ ...q, where: { campaignId: p.campaignId, registration: { organizationId: p.organizationId } }, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], take: 1000 }),
    }),
  }),
});

const MonthRef = builder.objectRef<MonthFigures>('CampaignMonth').implement({
  description: 'One calendar month (UTC) of campaign sales, and the running totals since January.',
  fields: (t) => ({
    month: t.exposeInt('month', { description: '1–12.' }),
    sales: t.field({ type: [CurrencySalesRef], description: 'This month, per currency of the year (zeros included).', resolve: (m) => m.sales }),
    orders: t.exposeInt('orders', { description: 'Orders this month, in every currency.' }),
    itemsSold: t.exposeInt('itemsSold', { description: 'Units sold this month, in every currency.' }),
    cumulativeSales: t.field({ type: [CurrencySalesRef], description: 'January to this month, per currency.', resolve: (m) => m.cumulativeSales }),
    cumulativeOrders: t.exposeInt('cumulativeOrders', { description: 'Orders from January to this month.' }),
    cumulativeItemsSold: t.exposeInt('cumulativeItemsSold', { description: 'Units sold from January to this month.' }),
  }),
});

const YearRef = builder.objectRef<{ year: number; months: MonthFigures[] }>('CampaignYearToDate').implement({
  description: 'Cumulative campaign sales of an organization over a year, month by month.',
  fields: (t) => ({ year: t.exposeInt('year', { description: 'The calendar year (UTC).' }), months: t.field({ type: [MonthRef], description: 'Twelve months, January first.', resolve: (y) => y.months }) }),
});

/** Organization-wide readers (restricted members read their registered sessions instead) and platform admins. */
const performanceScope = (organizationId: string) => ({ $any: { organizationWide: { id: organizationId, roles: readerRoles }, platformAdmin: true } });

builder.queryFields((t) => ({
  campaignPerformance: t.field({
    type: PerformanceRef,
    nullable: true,
    description: 'An organization’s figures in a campaign (null when the campaign does not exist). Owners, admins and analysts working on the whole organization; platform admins.',
    authScopes: (_r, args) => performanceScope(args.organizationId.id),
    args: {
      campaignId: t.arg.globalID({ required: true, for: CampaignRef, description: 'The campaign.' }),
      organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization whose attributed lives are counted.' }),
    },
    resolve: async (_r, { campaignId, organizationId }, ctx) => {
      if (!(await ctx.db.campaign.count({ where: { id: campaignId.id } }))) return null;
      return { campaignId: campaignId.id, organizationId: organizationId.id, figures: await campaignFigures(ctx.db, campaignId.id, organizationId.id) };
    },
  }),
  campaignPerformanceYearToDate: t.field({
    type: YearRef,
    description: 'Sales, orders and items sold over all the organization’s campaigns in a year, by month, cumulative. Same access as campaignPerformance.',
    authScopes: (_r, args) => performanceScope(args.organizationId.id),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization whose campaign sales are summed.' }), year: t.arg.int({ required: true, description: 'e.g. 2026 (2000–2100).' }) },
    resolve: async (_r, { organizationId, year }, ctx) => {
      if (year < 2000 || year > 2100) throw badInput('year must be between 2000 and 2100.');
      return { year, months: await yearToDate(ctx.db, organizationId.id, year) };
    },
  }),
}));

builder.subscriptionField('campaignPerformance', (t) =>
  t.field({
    type: PerformanceRef,
    description: 'The organization’s figures in the campaign now, then after changes (orders, viewer DMs, leads, attributed lives), at most once a second; each push has a higher figures.version.',
    authScopes: (_r, args) => performanceScope(args.organizationId.id),
    args: {
      campaignId: t.arg.globalID({ required: true, for: CampaignRef, description: 'The campaign.' }),
      organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization whose attributed lives are counted.' }),
    },
    // its scopes are re-read while it streams (platform/subscription-access.ts): a member who loses access is stopped
    subscribe: (_r, { campaignId, organizationId }, ctx) => performanceFeed(ctx).subscribe(campaignId.id, organizationId.id),
    resolve: (figures, { campaignId, organizationId }) => ({ campaignId: campaignId.id, organizationId: organizationId.id, figures }),
  }),
);

// ───────────── attribution on the live ─────────────

builder.prismaObjectField('LiveSession', 'campaign', (t) =>
  t.prismaField({
    type: 'Campaign',
    nullable: true,
    description: 'The campaign this live counts for, decided when it started (null when none).',
    resolve: async (q, s, _a, ctx) => {
      const attribution = await ctx.db.campaignLive.findUnique({ where: { liveSessionId: s.id }, select: { campaignId: true } });
      return attribution ? ctx.db.campaign.findUnique({ ...q, where: { id: attribution.campaignId } }) : null;
    },
  }),
);
builder.prismaObjectField('LiveSession', 'campaignRegisteredSession', (t) =>
  t.prismaField({
    type: 'CampaignSession',
    nullable: true,
    description: 'The registered session this live counts for (null when none, or for AUTO_APPROVED campaigns). Owners, admins and analysts.',
    authScopes: (s) => ({ account: { id: s.accountId, roles: readerRoles } }),
    unauthorizedResolver: () => null,
    resolve: async (q, s, _a, ctx) => {
      const attribution = await ctx.db.campaignLive.findUnique({ where: { liveSessionId: s.id }, select: { registeredSessionId: true } });
      return attribution?.registeredSessionId ? ctx.db.campaignSession.findUnique({ ...q, where: { id: attribution.registeredSessionId } }) : null;
    },
  }),
);

// ───────────── mutations ─────────────

const BenefitInput = builder.inputType('CampaignBenefitInput', {
  description: 'What a session registered at a livestream level earns.',
  fields: (t) => ({
    level: t.int({ required: true, description: 'Livestream level 0–10, one benefit per level.' }),
    description: t.string({ required: true, description: 'At most 500 characters.' }),
  }),
});

const campaignFields = (required: boolean) => (t: PothosSchemaTypes.InputFieldBuilder<typeof builder.$inferSchemaTypes, 'InputObject'>) => ({
  name: t.string({ required, description: 'At most 100 characters.' }),
  description: t.string({ required, description: 'At most 5,000 characters.' }),
  kind: t.field({ type: CampaignKindEnum, required, description: 'The kind of campaign.' }),
  registrationType: t.field({ type: RegistrationTypeEnum, required, description: 'Cannot change once accounts have registered.' }),
  registrationStartsAt: t.field({ type: 'DateTime', required, description: 'Registration opens (inclusive); before registrationEndsAt.' }),
  registrationEndsAt: t.field({ type: 'DateTime', required, description: 'Registration closes (exclusive); no later than endsAt.' }),
  startsAt: t.field({ type: 'DateTime', required, description: 'The campaign starts (inclusive); before endsAt.' }),
  endsAt: t.field({ type: 'DateTime', required, description: 'The campaign ends (exclusive).' }),
  minShopScore: t.float({ description: 'Minimum shop score 0–5; null = none.' }),
  maxRecentViolations: t.int({ description: 'Maximum serious violations in the last 30 days; null = none.' }),
  minLivestreamLevel: t.int({ description: 'Minimum livestream level 0–10; null = none.' }),
  allowedCategories: t.stringList({ description: 'Main categories allowed; empty or null = any.' }),
  benefits: t.field({ type: [BenefitInput], description: 'Benefits per livestream level.' }),
  allowDuplicateSessions: t.boolean({ description: 'Whether sellers may duplicate registered sessions (default false).' }),
});
const CampaignCreateInput = builder.inputType('CampaignCreateInput', { description: 'A new campaign.', fields: campaignFields(true) });
const CampaignUpdateInput = builder.inputType('CampaignUpdateInput', { description: 'Fields to change; omitted ones keep their value (null clears a requirement).', fields: campaignFields(false) });

const SessionInputRef = builder.inputType('CampaignSessionInput', {
  description: 'A LIVE session to register.',
  fields: (t) => ({
    startsAt: t.field({ type: 'DateTime', required: true, description: 'In the future and inside the campaign period.' }),
    durationMinutes: t.int({ required: true, description: `${SESSION_MIN_MINUTES} to ${SESSION_MAX_MINUTES}; the session must end inside the campaign period.` }),
    mainCategory: t.string({ required: true, description: 'One of the campaign’s allowed categories (when it restricts them).' }),
    livestreamLevel: t.int({ required: true, description: 'At least the campaign’s minimum, at most the account’s level.' }),
    estimatedGmvMinor: t.int({ description: 'Optional estimated GMV, in minor units of estimateCurrency.' }),
    estimatedAdSpendMinor: t.int({ description: 'Optional estimated ad spend, in minor units of estimateCurrency.' }),
    estimateCurrency: t.string({ description: 'ISO 4217 currency of the estimates (required with either).' }),
  }),
});

const CampaignPayload = payloadType<{ campaignId: string }>('CampaignPayload', (t) => ({
  campaign: t.prismaField({ type: 'Campaign', nullable: true, description: 'The campaign as saved; null when refused.', resolve: (q, p, _a, ctx) => (p.campaignId ? ctx.db.campaign.findUnique({ ...q, where: { id: p.campaignId } }) : null) }),
}));
const RegistrationPayload = payloadType<{ registrationId: string }>('CampaignRegistrationPayload', (t) => ({
  registration: t.prismaField({
    type: 'CampaignRegistration',
    nullable: true,
    description: 'The registration as saved; null when refused.',
    resolve: (q, p, _a, ctx) => (p.registrationId ? ctx.db.campaignRegistration.findUnique({ ...q, where: { id: p.registrationId } }) : null),
  }),
}));
const SessionPayload = payloadType<{ sessionId: string }>('CampaignRegisteredSessionPayload', (t) => ({
  session: t.prismaField({ type: 'CampaignSession', nullable: true, description: 'The new registered session; null when refused.', resolve: (q, p, _a, ctx) => (p.sessionId ? ctx.db.campaignSession.findUnique({ ...q, where: { id: p.sessionId } }) : null) }),
}));

type SessionArg = { startsAt: Date; durationMinutes: number; mainCategory: string; livestreamLevel: number; estimatedGmvMinor?: number | null; estimatedAdSpendMinor?: number | null; estimateCurrency?: string | null };
const sessionsOf = (sessions: SessionArg[] | null | undefined) => sessions?.map((s) => ({ ...s, estimateCurrency: s.estimateCurrency?.trim().toUpperCase() ?? null })) ?? null;

type CampaignArgs = Partial<Record<string, unknown>> & { benefits?: { level: number; description: string }[] | null; allowedCategories?: string[] | null };
function campaignInputOf(input: CampaignArgs, creating: boolean): Partial<campaigns.CampaignInput> {
  const nullable = (key: 'minShopScore' | 'maxRecentViolations' | 'minLivestreamLevel') => (input[key] === undefined && !creating ? undefined : ((input[key] as number | null | undefined) ?? null));
  return {
    ...(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<campaigns.CampaignInput>),
    minShopScore: nullable('minShopScore'),
    maxRecentViolations: nullable('maxRecentViolations'),
    minLivestreamLevel: nullable('minLivestreamLevel'),
    allowedCategories: input.allowedCategories === undefined && !creating ? undefined : (input.allowedCategories ?? []),
    benefits: input.benefits === undefined && !creating ? undefined : (input.benefits ?? []),
    allowDuplicateSessions: (input.allowDuplicateSessions as boolean | null | undefined) ?? (creating ? false : undefined),
  };
}

const registrationAccount = async (args: { id: { id: string } }, ctx: Context) =>
  (await ctx.db.campaignRegistration.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;
const sessionAccount = async (args: { id: { id: string } }, ctx: Context) => (await ctx.db.campaignSession.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId;

builder.mutationFields((t) => ({
  campaignCreate: t.field({
    type: CampaignPayload,
    description: 'Platform admins create a campaign (periods validated).',
    authScopes: { platformAdmin: true },
    args: { input: t.arg({ type: CampaignCreateInput, required: true, description: 'The new campaign.' }) },
    resolve: (_r, { input }, ctx) =>
      attempt(async () => ({ campaignId: (await campaigns.createCampaign(ctx, ctx.viewer!.userId, campaignInputOf(input, true) as campaigns.CampaignInput)).id })),
  }),
  campaignUpdate: t.field({
    type: CampaignPayload,
    description: 'Platform admins edit a campaign that has not ended or been cancelled.',
    authScopes: { platformAdmin: true },
    args: {
      id: t.arg.globalID({ required: true, for: CampaignRef, description: 'The campaign to edit.' }),
      input: t.arg({ type: CampaignUpdateInput, required: true, description: 'The fields to change.' }),
    },
    resolve: (_r, { id, input }, ctx) => attempt(async () => ({ campaignId: (await campaigns.updateCampaign(ctx, id.id, campaignInputOf(input, false))).id })),
  }),
  campaignCancel: t.field({
    type: CampaignPayload,
    description: 'Platform admins cancel a campaign: no more registrations; lives starting afterwards are not attributed.',
    authScopes: { platformAdmin: true },
    args: { id: t.arg.globalID({ required: true, for: CampaignRef, description: 'The campaign to cancel.' }) },
    resolve: (_r, { id }, ctx) => attempt(async () => ({ campaignId: (await campaigns.cancelCampaign(ctx, id.id)).id })),
  }),
  campaignRegister: t.field({
    type: RegistrationPayload,
    description: `Registers a business account (owners and admins). REVIEWED campaigns take 1–${MAX_SESSIONS_PER_REGISTRATION} sessions and go to platform review; AUTO_APPROVED ones take none and are approved at once.`,
    authScopes: accountScope(managerRoles, byAccountIdArg),
    args: {
      campaignId: t.arg.globalID({ required: true, for: CampaignRef, description: 'The campaign, open for registration and not cancelled.' }),
      accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The business account to register; it must meet the campaign’s requirements and not be registered already.' }),
      sessions: t.arg({ type: [SessionInputRef], description: 'REVIEWED campaigns only.' }),
    },
    resolve: (_r, args, ctx) =>
      attempt(async () => ({ registrationId: (await campaigns.register(ctx, ctx.viewer!.userId, args.campaignId.id, args.accountId.id, sessionsOf(args.sessions))).id })),
  }),
  campaignRegistrationAddSessions: t.field({
    type: RegistrationPayload,
    description: 'Adds sessions to a registration under review while registration is open; it is reviewed again with them.',
    authScopes: accountScope(managerRoles, registrationAccount),
    args: {
      id: t.arg.globalID({ required: true, for: RegistrationRef, description: 'The registration, UNDER_REVIEW.' }),
      sessions: t.arg({ type: [SessionInputRef], required: true, description: `At least one; the registration holds at most ${MAX_SESSIONS_PER_REGISTRATION} active sessions in all.` }),
    },
    resolve: (_r, args, ctx) => attempt(async () => ({ registrationId: (await campaigns.addSessions(ctx, ctx.viewer!.userId, args.id.id, sessionsOf(args.sessions)!)).id })),
  }),
  campaignSessionDuplicate: t.field({
    type: SessionPayload,
    description: 'Copies a registered session to a new start (same duration and details), inside the campaign, where the campaign allows duplicates.',
    authScopes: accountScope(managerRoles, sessionAccount),
    args: { id: t.arg.globalID({ required: true, for: RegisteredSessionRef, description: 'The registered session to copy (its registration UNDER_REVIEW or APPROVED).' }), startsAt: t.arg({ type: 'DateTime', required: true, description: 'Start of the copy.' }) },
    resolve: (_r, args, ctx) => attempt(async () => ({ sessionId: (await campaigns.duplicateSession(ctx, ctx.viewer!.userId, args.id.id, args.startsAt)).id })),
  }),
  campaignRegistrationCancel: t.field({
    type: RegistrationPayload,
    description: 'Cancels a registration under review (owners and admins).',
    authScopes: accountScope(managerRoles, registrationAccount),
    args: { id: t.arg.globalID({ required: true, for: RegistrationRef, description: 'The registration to cancel (UNDER_REVIEW).' }) },
    resolve: (_r, args, ctx) => attempt(async () => ({ registrationId: (await campaigns.cancelRegistration(ctx, args.id.id)).id })),
  }),
  campaignRegistrationWithdraw: t.field({
    type: RegistrationPayload,
    description: 'Withdraws an approved registration before its first session (AUTO_APPROVED: the campaign) starts; lives starting afterwards are not attributed.',
    authScopes: accountScope(managerRoles, registrationAccount),
    args: { id: t.arg.globalID({ required: true, for: RegistrationRef, description: 'The registration to withdraw (APPROVED).' }) },
    resolve: (_r, args, ctx) => attempt(async () => ({ registrationId: (await campaigns.withdrawRegistration(ctx, args.id.id)).id })),
  }),
}));
