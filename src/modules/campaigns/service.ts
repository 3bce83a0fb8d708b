// Livestream campaigns (PRODUCT §7): platform admins create, edit and cancel campaigns;
// sellers' owners and admins register business accounts, with LIVE sessions for REVIEWED
// campaigns (platform review queue) or none for AUTO_APPROVED ones, and manage them.
// Concurrency: an account's active sessions never overlap (exclusion constraint); the
// 100-session limit is counted under a lock on the registration row; one current
// registration per account and campaign (unique constraint); registrations hold a share
// lock on the campaign row while an edit of its periods holds an exclusive one.
import type { Campaign, CampaignKind, CampaignRegistrationType, Prisma } from '../../generated/prisma/client.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { PendingEvents } from '../../platform/events.ts';
import { isDeadlock, isUniqueViolation, refuse, refuseIfAny, userError, UserInputError, type UserError } from '../../platform/errors.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import { registerReviewable } from '../reviews/registry.ts';
import { submitForReview, withdrawReview } from '../reviews/service.ts';
import {
  checkBenefits,
  checkPeriods,
  checkSession,
  DESCRIPTION_MAX,
  MAX_LEVEL,
  MAX_SESSIONS_PER_REGISTRATION,
  MAX_SHOP_SCORE,
  NAME_MAX,
  registrationOpen,
  requirementFailures,
  sessionEnd,
  type Benefit,
  type Periods,
  type SessionInput,
} from './rules.ts';

export interface Deps {
  db: Db;
  clock: Clock;
  pubsub: PubSub;
}

// ───────────── campaigns (platform admins) ─────────────

export interface CampaignInput {
  name: string;
  description: string;
  kind: CampaignKind;
  registrationType: CampaignRegistrationType;
  registrationStartsAt: Date;
  registrationEndsAt: Date;
  startsAt: Date;
  endsAt: Date;
  minShopScore: number | null;
  maxRecentViolations: number | null;
  minLivestreamLevel: number | null;
  allowedCategories: string[];
  benefits: Benefit[];
  allowDuplicateSessions: boolean;
}

function checkCampaign(input: CampaignInput): UserError[] {
  const errors: UserError[] = [];
  if (input.name.trim() === '') errors.push(userError('REQUIRED', ['input', 'name'], 'Name the campaign.'));
  else if ([...input.name].length > NAME_MAX) errors.push(userError('TOO_LONG', ['input', 'name'], `At most ${NAME_MAX} characters.`));
  if ([...input.description].length > DESCRIPTION_MAX) errors.push(userError('TOO_LONG', ['input', 'description'], `At most ${DESCRIPTION_MAX} characters.`));
  errors.push(...checkPeriods(input));
  if (input.minShopScore !== null && !(input.minShopScore >= 0 && input.minShopScore <= MAX_SHOP_SCORE)) {
    errors.push(userError('INVALID', ['input', 'minShopScore'], `Shop scores are 0 to ${MAX_SHOP_SCORE}.`));
  }
  if (input.maxRecentViolations !== null && (!Number.isInteger(input.maxRecentViolations) || input.maxRecentViolations < 0)) {
    errors.push(userError('INVALID', ['input', 'maxRecentViolations'], 'A count of violations, 0 or more.'));
  }
  if (input.minLivestreamLevel !== null && (!Number.isInteger(input.minLivestreamLevel) || input.minLivestreamLevel < 0 || input.minLivestreamLevel > MAX_LEVEL)) {
    errors.push(userError('INVALID', ['input', 'minLivestreamLevel'], `Levels are 0 to ${MAX_LEVEL}.`));
  }
  input.allowedCategories.forEach((c, i) => {
    if (c.trim() === '' || [...c].length > 64) errors.push(userError('INVALID', ['input', 'allowedCategories', String(i)], 'Categories are 1–64 characters.'));
  });
  errors.push(...checkBenefits(input.benefits));
  return errors;
}

function campaignData(input: CampaignInput) {
  return {
    ...input,
    name: input.name.trim(),
    description: input.description.trim(),
    allowedCategories: [...new Set(input.allowedCategories.map((c) => c.trim()))],
    benefits: [...input.benefits].sort((a, b) => a.level - b.level).map((b) => ({ level: b.level, description: b.description.trim() })) as Prisma.InputJsonValue,
  };
}

export async function createCampaign(deps: Deps, adminId: string, input: CampaignInput) {
  refuseIfAny(checkCampaign(input));
  const now = deps.clock.now();
  return deps.db.campaign.create({ data: { ...campaignData(input), createdById: adminId, createdAt: now, updatedAt: now } });
}

async function lockCampaign(tx: Tx, id: string, mode: 'UPDATE' | 'SHARE', field = ['id']): Promise<Campaign> {
  if (mode === 'UPDATE') await tx.$queryRaw`SELECT id FROM "Campaign" WHERE id = ${id}::uuid FOR UPDATE`;
  else await tx.$queryRaw`SELECT id FROM "Campaign" WHERE id = ${id}::uuid FOR SHARE`;
  const campaign = await tx.campaign.findUnique({ where: { id } });
  if (!campaign) refuse('NOT_FOUND', field, 'No campaign has this id.');
  return campaign;
}

function refuseIfOver(campaign: Campaign, now: Date, field: string[]) {
  if (campaign.cancelledAt) refuse('CAMPAIGN_CANCELLED', field);
  if (campaign.endsAt <= now) refuse('CAMPAIGN_ENDED', field);
}

function inputOf(c: Campaign): CampaignInput {
  const { name, description, kind, registrationType, registrationStartsAt, registrationEndsAt, startsAt, endsAt, minShopScore, maxRecentViolations, minLivestreamLevel, allowedCategories, allowDuplicateSessions } = c;
  return { name, description, kind, registrationType, registrationStartsAt, registrationEndsAt, startsAt, endsAt, minShopScore, maxRecentViolations, minLivestreamLevel, allowedCategories, allowDuplicateSessions, benefits: c.benefits as unknown as Benefit[] };
}

/**
 * Edits a campaign that has not ended (fields left out keep their value). The result is
 * validated whole; periods may not leave an active registered session outside.
 */
export async function updateCampaign(deps: Deps, id: string, patch: Partial<CampaignInput>) {
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const campaign = await lockCampaign(tx, id, 'UPDATE');
    refuseIfOver(campaign, now, ['id']);
    const input = { ...inputOf(campaign), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as CampaignInput;
    const errors = checkCampaign(input);
    const registrations = await tx.campaignRegistration.count({ where: { campaignId: id } });
    if (registrations > 0 && input.registrationType !== campaign.registrationType) {
      errors.push(userError('INVALID', ['input', 'registrationType'], 'The registration type cannot change once accounts have registered.'));
    }
    const outside = await tx.campaignSession.count({ where: { campaignId: id, active: true, OR: [{ startsAt: { lt: input.startsAt } }, { endsAt: { gt: input.endsAt } }] } });
    if (outside > 0) errors.push(userError('SESSION_OUTSIDE_CAMPAIGN', ['input', 'startsAt'], `${outside} registered session(s) would fall outside the new campaign period.`));
    refuseIfAny(errors);
    return tx.campaign.update({ where: { id }, data: { ...campaignData(input), updatedAt: now } });
  });
}

/** Cancels a campaign: no more registrations, lives starting from now are not attributed to it. */
export async function cancelCampaign(deps: Deps, id: string) {
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const campaign = await lockCampaign(tx, id, 'UPDATE');
    refuseIfOver(campaign, now, ['id']);
    return tx.campaign.update({ where: { id }, data: { cancelledAt: now, updatedAt: now } });
  });
}

// ───────────── registration (sellers) ─────────────

const accountRatings = { shopScore: true, livestreamLevel: true, recentSeriousViolations: true, category: true, organizationId: true, handle: true } as const;

/** Requirement refusals for an account, each with its own code, naming both values. */
function requirementErrors(campaign: Campaign, account: Parameters<typeof requirementFailures>[1]): UserError[] {
  return requirementFailures(campaign, account).map((f) => userError(f.code, ['accountId'], f.message));
}

function isOverlapViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: unknown };
  const text = `${e?.code ?? ''} ${e?.message ?? ''} ${JSON.stringify(e?.meta ?? null)}`;
  return text.includes('23P01') || text.includes('CampaignSession_no_overlap');
}

/** Overlaps among the new sessions and with the account's active sessions (for precise errors; the constraint decides under concurrency). */
async function overlapErrors(tx: Tx, accountId: string, sessions: { startsAt: Date; endsAt: Date }[], field: (i: number) => string[]): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (sessions.length === 0) return errors;
  const from = new Date(Math.min(...sessions.map((s) => s.startsAt.getTime())));
  const to = new Date(Math.max(...sessions.map((s) => s.endsAt.getTime())));
  const existing = await tx.campaignSession.findMany({ where: { accountId, active: true, startsAt: { lt: to }, endsAt: { gt: from } }, select: { startsAt: true, endsAt: true } });
  sessions.forEach((s, i) => {
    const overlaps = (o: { startsAt: Date; endsAt: Date }) => o.startsAt < s.endsAt && o.endsAt > s.startsAt;
    const clash = existing.find(overlaps) ?? sessions.slice(0, i).find(overlaps);
    if (clash) errors.push(userError('SESSION_OVERLAP', field(i), `The session overlaps another registered session of the account (${clash.startsAt.toISOString()} – ${clash.endsAt.toISOString()}).`));
  });
  return errors;
}

function sessionRow(s: SessionInput, registration: { id: string; campaignId: string; accountId: string }, now: Date, duplicatedFromId: string | null = null) {
  return {
    registrationId: registration.id,
    campaignId: registration.campaignId,
    accountId: registration.accountId,
    startsAt: s.startsAt,
    endsAt: sessionEnd(s),
    mainCategory: s.mainCategory.trim(),
    livestreamLevel: s.livestreamLevel,
    estimatedGmvMinor: s.estimatedGmvMinor ?? null,
    estimatedAdSpendMinor: s.estimatedAdSpendMinor ?? null,
    estimateCurrency: s.estimateCurrency ?? null,
    duplicatedFromId,
    createdAt: now,
  };
}

/** Runs work in a transaction; the overlap constraint's refusal becomes SESSION_OVERLAP. */
async function withSessions<T>(deps: Deps, field: string[], work: (tx: Tx, events: PendingEvents, now: Date) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const events = new PendingEvents();
    try {
      const result = await deps.db.$transaction((tx) => work(tx, events, deps.clock.now()));
      events.publishTo(deps.pubsub);
      return result;
    } catch (error) {
      if (isOverlapViolation(error)) throw new UserInputError([userError('SESSION_OVERLAP', field, 'A session overlaps another registered session of the account (registered at the same moment).')]);
      // a change racing another one's review resubmission can deadlock on the pending review
      // item (the new item appears mid-wait); PostgreSQL rolled this one back: run it again
      if (isDeadlock(error) && attempt < 5) continue;
      throw error;
    }
  }
}

async function snapshotOf(tx: Tx, registrationId: string): Promise<Prisma.InputJsonValue> {
  const r = await tx.campaignRegistration.findUniqueOrThrow({
    where: { id: registrationId },
    include: { campaign: { select: { name: true } }, account: { select: { handle: true, shopScore: true, livestreamLevel: true, recentSeriousViolations: true } }, sessions: { where: { active: true }, orderBy: { startsAt: 'asc' } } },
  });
  return {
    campaign: r.campaign.name,
    account: r.account,
    sessions: r.sessions.map((s) => ({
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      mainCategory: s.mainCategory,
      livestreamLevel: s.livestreamLevel,
      estimatedGmvMinor: s.estimatedGmvMinor,
      estimatedAdSpendMinor: s.estimatedAdSpendMinor,
      estimateCurrency: s.estimateCurrency,
    })),
  };
}

/**
 * Registers an account. Every refusal names its rule: window, requirements (with the values),
 * sessions (inside the campaign, in the future, no overlap, at most 100), already registered.
 */
export async function register(deps: Deps, userId: string, campaignId: string, accountId: string, sessions: SessionInput[] | null) {
  return withSessions(deps, ['input', 'sessions'], async (tx, _events, now) => {
    const campaign = await lockCampaign(tx, campaignId, 'SHARE', ['campaignId']);
    if (campaign.cancelledAt) refuse('CAMPAIGN_CANCELLED', ['campaignId']);
    if (!registrationOpen(campaign, now)) {
      refuse('REGISTRATION_WINDOW_CLOSED', ['campaignId'], `Registration is open from ${campaign.registrationStartsAt.toISOString()} until ${campaign.registrationEndsAt.toISOString()}.`);
    }
    const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: accountId }, select: accountRatings });
    const errors = requirementErrors(campaign, account);
    const current = await tx.campaignRegistration.findFirst({ where: { campaignId, accountId, current: true }, select: { id: true } });
    if (current) errors.push(userError('ALREADY_REGISTERED', ['accountId']));
    const list = sessions ?? [];
    if (campaign.registrationType === 'AUTO_APPROVED') {
      if (list.length > 0) errors.push(userError('SESSIONS_NOT_ACCEPTED', ['input', 'sessions']));
    } else if (list.length === 0) {
      errors.push(userError('REQUIRED', ['input', 'sessions'], 'Register at least one LIVE session.'));
    } else if (list.length > MAX_SESSIONS_PER_REGISTRATION) {
      errors.push(userError('SESSION_LIMIT_EXCEEDED', ['input', 'sessions'], `A registration holds at most ${MAX_SESSIONS_PER_REGISTRATION} sessions; you sent ${list.length}.`));
    } else {
      const field = (i: number) => ['input', 'sessions', String(i)];
      list.forEach((s, i) => errors.push(...checkSession(s, campaign, account, now, field(i))));
      if (errors.length === 0) errors.push(...(await overlapErrors(tx, accountId, list.map((s) => ({ startsAt: s.startsAt, endsAt: sessionEnd(s) })), field)));
    }
    refuseIfAny(errors);
    const reviewed = campaign.registrationType === 'REVIEWED';
    let registration;
    try {
      registration = await tx.campaignRegistration.create({
        data: { campaignId, accountId, organizationId: account.organizationId, status: reviewed ? 'UNDER_REVIEW' : 'APPROVED', submittedById: userId, submittedAt: now, statusChangedAt: now },
      });
    } catch (error) {
      if (isUniqueViolation(error)) refuse('ALREADY_REGISTERED', ['accountId']);
      throw error;
    }
    if (list.length > 0) await tx.campaignSession.createMany({ data: list.map((s) => sessionRow(s, registration, now)) });
    if (reviewed) {
      await submitForReview(tx, deps.clock, { kind: 'CAMPAIGN_REGISTRATION', subjectId: registration.id, accountId, snapshot: await snapshotOf(tx, registration.id), submittedById: userId });
    }
    return registration;
  });
}

/**
 * Locks a registration for a change. Its pending review item is locked first, in the order a
 * review decision takes them (item, then registration), so the two never deadlock.
 */
async function lockRegistration(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT id FROM "ReviewItem" WHERE "subjectId" = ${id}::uuid AND kind = 'CAMPAIGN_REGISTRATION' AND state = 'PENDING' FOR UPDATE`;
  await tx.$queryRaw`SELECT id FROM "CampaignRegistration" WHERE id = ${id}::uuid FOR UPDATE`;
  const registration = await tx.campaignRegistration.findUnique({ where: { id }, include: { campaign: true } });
  if (!registration) refuse('NOT_FOUND', ['id'], 'No registration has this id.');
  return registration;
}

/** Adds sessions to a registration under review while registration is open; it goes back to the queue with them. */
export async function addSessions(deps: Deps, userId: string, registrationId: string, sessions: SessionInput[]) {
  return withSessions(deps, ['input', 'sessions'], async (tx, _events, now) => {
    const registration = await lockRegistration(tx, registrationId);
    const { campaign } = registration;
    if (campaign.cancelledAt) refuse('CAMPAIGN_CANCELLED', ['id']);
    if (registration.status !== 'UNDER_REVIEW') refuse('REGISTRATION_NOT_UNDER_REVIEW', ['id'], 'Sessions are added while the registration is under review; duplicate a session otherwise.');
    if (!registrationOpen(campaign, now)) refuse('REGISTRATION_WINDOW_CLOSED', ['id']);
    if (sessions.length === 0) refuse('REQUIRED', ['input', 'sessions'], 'Add at least one session.');
    const count = await tx.campaignSession.count({ where: { registrationId, active: true } });
    if (count + sessions.length > MAX_SESSIONS_PER_REGISTRATION) {
      refuse('SESSION_LIMIT_EXCEEDED', ['input', 'sessions'], `A registration holds at most ${MAX_SESSIONS_PER_REGISTRATION} sessions; it has ${count}.`);
    }
    const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: registration.accountId }, select: accountRatings });
    const field = (i: number) => ['input', 'sessions', String(i)];
    const errors = sessions.flatMap((s, i) => checkSession(s, campaign, account, now, field(i)));
    if (errors.length === 0) errors.push(...(await overlapErrors(tx, registration.accountId, sessions.map((s) => ({ startsAt: s.startsAt, endsAt: sessionEnd(s) })), field)));
    refuseIfAny(errors);
    await tx.campaignSession.createMany({ data: sessions.map((s) => sessionRow(s, registration, now)) });
    await submitForReview(tx, deps.clock, { kind: 'CAMPAIGN_REGISTRATION', subjectId: registrationId, accountId: registration.accountId, snapshot: await snapshotOf(tx, registrationId), submittedById: userId });
    return registration;
  });
}

/**
 * Duplicates a registered session to new dates (same duration, category, level and estimates),
 * where the campaign allows it, until the campaign ends. The copy shares its registration's
 * status: under review it joins the pending review, approved it is approved.
 */
export async function duplicateSession(deps: Deps, userId: string, sessionId: string, startsAt: Date) {
  const source = await deps.db.campaignSession.findUnique({ where: { id: sessionId } });
  if (!source) refuse('NOT_FOUND', ['id'], 'No registered session has this id.');
  return withSessions(deps, ['input', 'startsAt'], async (tx, _events, now) => {
    const registration = await lockRegistration(tx, source.registrationId);
    const { campaign } = registration;
    if (!campaign.allowDuplicateSessions) refuse('DUPLICATES_NOT_ALLOWED', ['id']);
    refuseIfOver(campaign, now, ['id']);
    if (registration.status !== 'UNDER_REVIEW' && registration.status !== 'APPROVED') refuse('REGISTRATION_INACTIVE', ['id']);
    const count = await tx.campaignSession.count({ where: { registrationId: registration.id, active: true } });
    if (count >= MAX_SESSIONS_PER_REGISTRATION) refuse('SESSION_LIMIT_EXCEEDED', ['id'], `A registration holds at most ${MAX_SESSIONS_PER_REGISTRATION} sessions.`);
    const copy: SessionInput = {
      startsAt,
      durationMinutes: Math.round((source.endsAt.getTime() - source.startsAt.getTime()) / 60_000),
      mainCategory: source.mainCategory,
      livestreamLevel: source.livestreamLevel,
      estimatedGmvMinor: source.estimatedGmvMinor,
      estimatedAdSpendMinor: source.estimatedAdSpendMinor,
      estimateCurrency: source.estimateCurrency,
    };
    const account = await tx.businessAccount.findUniqueOrThrow({ where: { id: registration.accountId }, select: accountRatings });
    const errors = checkSession(copy, campaign, account, now, ['input']);
    if (errors.length === 0) errors.push(...(await overlapErrors(tx, registration.accountId, [{ startsAt, endsAt: sessionEnd(copy) }], () => ['input', 'startsAt'])));
    refuseIfAny(errors);
    const created = await tx.campaignSession.create({ data: sessionRow(copy, registration, now, source.id) });
    if (registration.status === 'UNDER_REVIEW') {
      await submitForReview(tx, deps.clock, { kind: 'CAMPAIGN_REGISTRATION', subjectId: registration.id, accountId: registration.accountId, snapshot: await snapshotOf(tx, registration.id), submittedById: userId });
    }
    return created;
  });
}

async function close(tx: Tx, registrationId: string, status: 'CANCELLED' | 'WITHDRAWN' | 'REJECTED', now: Date) {
  await tx.campaignSession.updateMany({ where: { registrationId }, data: { active: false } });
  return tx.campaignRegistration.update({ where: { id: registrationId }, data: { status, current: null, statusChangedAt: now } });
}

/** Cancels a registration still under review (its review is withdrawn, its sessions freed). */
export async function cancelRegistration(deps: Deps, registrationId: string) {
  return withSessions(deps, ['id'], async (tx, _events, now) => {
    const registration = await lockRegistration(tx, registrationId);
    if (registration.status !== 'UNDER_REVIEW') refuse('REGISTRATION_NOT_UNDER_REVIEW', ['id'], 'Only a registration under review can be cancelled; withdraw an approved one.');
    await withdrawReview(tx, deps.clock, 'CAMPAIGN_REGISTRATION', registrationId);
    return close(tx, registrationId, 'CANCELLED', now);
  });
}

/**
 * Withdraws an approved registration before any of its sessions starts (AUTO_APPROVED: before
 * the campaign starts). Its sessions are freed; since no registered period has begun, no live
 * was attributed to it, and lives started later are not.
 */
export async function withdrawRegistration(deps: Deps, registrationId: string) {
  return withSessions(deps, ['id'], async (tx, _events, now) => {
    const registration = await lockRegistration(tx, registrationId);
    if (registration.status !== 'APPROVED') refuse('REGISTRATION_NOT_APPROVED', ['id']);
    const first = await tx.campaignSession.findFirst({ where: { registrationId, active: true }, orderBy: { startsAt: 'asc' }, select: { startsAt: true } });
    const startsAt = first?.startsAt ?? registration.campaign.startsAt;
    if (startsAt <= now) refuse('REGISTRATION_SESSION_STARTED', ['id'], `The first registered period started at ${startsAt.toISOString()}.`);
    return close(tx, registrationId, 'WITHDRAWN', now);
  });
}

// ───────────── review (platform reviewers) ─────────────

registerReviewable({
  kind: 'CAMPAIGN_REGISTRATION',
  subjectType: 'CampaignRegistration',
  label: 'campaign registration',
  dueWithinHours: 72,
  areas: ['ACCOUNT', 'SESSIONS', 'CONTENT'],
  describe: async (tx, id) => {
    const r = await tx.campaignRegistration.findUniqueOrThrow({ where: { id }, select: { campaign: { select: { name: true } }, account: { select: { handle: true } } } });
    return `${r.campaign.name} (@${r.account.handle})`;
  },
  onApproved: async (tx, id, at) => {
    await tx.campaignRegistration.updateMany({ where: { id, status: 'UNDER_REVIEW' }, data: { status: 'APPROVED', statusChangedAt: at } });
  },
  onRejected: async (tx, id, at) => {
    const { status } = await tx.campaignRegistration.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (status === 'UNDER_REVIEW') await close(tx, id, 'REJECTED', at);
  },
});

/** For the eligibility answer: the account's values against the campaign's requirements. */
export async function eligibility(db: Db, campaign: Campaign, accountId: string) {
  const account = await db.businessAccount.findUnique({ where: { id: accountId }, select: accountRatings });
  return account ? requirementFailures(campaign, account) : null;
}

export type { Periods };
