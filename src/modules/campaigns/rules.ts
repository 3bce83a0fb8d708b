// The rules of livestream campaigns (PRODUCT §7) as plain functions: status from the clock,
// period validation, requirements per account, registered session checks.
import { userError, type UserError, type UserErrorCode } from '../../platform/errors.ts';

export const MAX_SESSIONS_PER_REGISTRATION = 100;
export const SESSION_MIN_MINUTES = 15;
export const SESSION_MAX_MINUTES = 24 * 60;
export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 5000;
export const BENEFIT_MAX = 500;
export const MAX_LEVEL = 10;
export const MAX_SHOP_SCORE = 5;

export const campaignStatuses = ['UPCOMING', 'REGISTRATION_OPEN', 'REGISTRATION_CLOSED', 'ONGOING', 'EXPIRED', 'CANCELLED'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export interface Periods {
  registrationStartsAt: Date;
  registrationEndsAt: Date;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The status at `now`. Periods are half-open ([start, end)). Where they overlap, the first
 * matching rule wins: CANCELLED, then EXPIRED (campaign over), then REGISTRATION_OPEN (a
 * registration window still open while the campaign runs is what sellers can act on), then
 * ONGOING, then UPCOMING (registration not open yet), else REGISTRATION_CLOSED (between the
 * close of registration and the campaign start).
 */
export function campaignStatus(c: Periods & { cancelledAt: Date | null }, now: Date): CampaignStatus {
  const t = now.getTime();
  if (c.cancelledAt) return 'CANCELLED';
  if (t >= c.endsAt.getTime()) return 'EXPIRED';
  if (t >= c.registrationStartsAt.getTime() && t < c.registrationEndsAt.getTime()) return 'REGISTRATION_OPEN';
  if (t >= c.startsAt.getTime()) return 'ONGOING';
  if (t < c.registrationStartsAt.getTime()) return 'UPCOMING';
  return 'REGISTRATION_CLOSED';
}

/** Inside the registration window [registrationStartsAt, registrationEndsAt). */
export const registrationOpen = (c: Periods, now: Date) => now >= c.registrationStartsAt && now < c.registrationEndsAt;

/** The same rules as a Prisma filter, so lists filter by status in SQL. */
export function statusFilter(status: CampaignStatus, now: Date) {
  const open = { registrationStartsAt: { lte: now }, registrationEndsAt: { gt: now } };
  switch (status) {
    case 'CANCELLED':
      return { cancelledAt: { not: null } };
    case 'EXPIRED':
      return { cancelledAt: null, endsAt: { lte: now } };
    case 'REGISTRATION_OPEN':
      return { cancelledAt: null, endsAt: { gt: now }, ...open };
    case 'ONGOING':
      return { cancelledAt: null, startsAt: { lte: now }, endsAt: { gt: now }, NOT: open };
    case 'UPCOMING':
      return { cancelledAt: null, registrationStartsAt: { gt: now }, startsAt: { gt: now } };
    case 'REGISTRATION_CLOSED':
      return { cancelledAt: null, registrationEndsAt: { lte: now }, startsAt: { gt: now } };
  }
}

/** Each period starts before it ends; registration closes no later than the campaign ends (so it opens before). */
export function checkPeriods(p: Periods): UserError[] {
  const errors: UserError[] = [];
  if (p.registrationStartsAt >= p.registrationEndsAt) {
    errors.push(userError('CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt'], 'Registration must close after it opens.'));
  }
  if (p.startsAt >= p.endsAt) errors.push(userError('CAMPAIGN_PERIODS_INVALID', ['input', 'endsAt'], 'The campaign must end after it starts.'));
  if (p.registrationEndsAt > p.endsAt) {
    errors.push(userError('CAMPAIGN_PERIODS_INVALID', ['input', 'registrationEndsAt'], 'Registration must close no later than the campaign ends.'));
  }
  return errors;
}

export interface Requirements {
  minShopScore: number | null;
  maxRecentViolations: number | null;
  minLivestreamLevel: number | null;
  allowedCategories: string[];
}

export interface AccountRatings {
  shopScore: number | null;
  livestreamLevel: number | null;
  recentSeriousViolations: number;
  category: string;
}

export type RequirementName = 'SHOP_SCORE' | 'RECENT_VIOLATIONS' | 'LIVESTREAM_LEVEL' | 'CATEGORY';

export interface RequirementFailure {
  requirement: RequirementName;
  code: UserErrorCode;
  accountValue: string | null;
  requiredValue: string;
  message: string;
}

const categoryKey = (category: string) => category.trim().toLowerCase();
export const categoryAllowed = (allowed: string[], category: string) => allowed.length === 0 || allowed.some((a) => categoryKey(a) === categoryKey(category));

/** Every requirement the account fails, with its value and the required one. */
export function requirementFailures(req: Requirements, account: AccountRatings): RequirementFailure[] {
  const failures: RequirementFailure[] = [];
  if (req.minShopScore !== null && (account.shopScore === null || account.shopScore < req.minShopScore)) {
    failures.push({
      requirement: 'SHOP_SCORE',
      code: 'SHOP_SCORE_TOO_LOW',
      accountValue: account.shopScore === null ? null : String(account.shopScore),
      requiredValue: `≥ ${req.minShopScore}`,
      message: `The campaign needs a shop score of at least ${req.minShopScore}; the account has ${account.shopScore ?? 'none'}.`,
    });
  }
  if (req.maxRecentViolations !== null && account.recentSeriousViolations > req.maxRecentViolations) {
    failures.push({
      requirement: 'RECENT_VIOLATIONS',
      code: 'TOO_MANY_RECENT_VIOLATIONS',
      accountValue: String(account.recentSeriousViolations),
      requiredValue: `≤ ${req.maxRecentViolations}`,
      message: `The campaign allows at most ${req.maxRecentViolations} serious violations in the last 30 days; the account has ${account.recentSeriousViolations}.`,
    });
  }
  if (req.minLivestreamLevel !== null && (account.livestreamLevel === null || account.livestreamLevel < req.minLivestreamLevel)) {
    failures.push({
      requirement: 'LIVESTREAM_LEVEL',
      code: 'LIVESTREAM_LEVEL_TOO_LOW',
      accountValue: account.livestreamLevel === null ? null : String(account.livestreamLevel),
      requiredValue: `≥ ${req.minLivestreamLevel}`,
      message: `The campaign needs livestream level ${req.minLivestreamLevel} or above; the account has ${account.livestreamLevel ?? 'none'}.`,
    });
  }
  if (!categoryAllowed(req.allowedCategories, account.category)) {
    failures.push({
      requirement: 'CATEGORY',
      code: 'CATEGORY_NOT_ALLOWED',
      accountValue: account.category,
      requiredValue: req.allowedCategories.join(', '),
      message: `The campaign is for ${req.allowedCategories.join(', ')}; the account's category is ${account.category}.`,
    });
  }
  return failures;
}

export interface SessionInput {
  startsAt: Date;
  durationMinutes: number;
  mainCategory: string;
  livestreamLevel: number;
  estimatedGmvMinor?: number | null;
  estimatedAdSpendMinor?: number | null;
  estimateCurrency?: string | null;
}

export const sessionEnd = (s: { startsAt: Date; durationMinutes: number }) => new Date(s.startsAt.getTime() + s.durationMinutes * 60_000);

/** One session's own rules (the overlap with other sessions is the database's constraint). */
export function checkSession(s: SessionInput, campaign: Periods & Requirements, account: AccountRatings, now: Date, field: string[]): UserError[] {
  const errors: UserError[] = [];
  const at = (name: string) => [...field, name];
  if (!Number.isInteger(s.durationMinutes) || s.durationMinutes < SESSION_MIN_MINUTES || s.durationMinutes > SESSION_MAX_MINUTES) {
    errors.push(userError('INVALID', at('durationMinutes'), `A session lasts ${SESSION_MIN_MINUTES} minutes to ${SESSION_MAX_MINUTES / 60} hours.`));
    return errors;
  }
  const ends = sessionEnd(s);
  if (s.startsAt < campaign.startsAt || ends > campaign.endsAt) {
    errors.push(userError('SESSION_OUTSIDE_CAMPAIGN', at('startsAt'), `Sessions lie between ${campaign.startsAt.toISOString()} and ${campaign.endsAt.toISOString()}.`));
  } else if (s.startsAt <= now) errors.push(userError('SESSION_IN_PAST', at('startsAt')));
  if (s.mainCategory.trim() === '') errors.push(userError('REQUIRED', at('mainCategory'), 'Name the session’s main category.'));
  else if (!categoryAllowed(campaign.allowedCategories, s.mainCategory)) {
    errors.push(userError('CATEGORY_NOT_ALLOWED', at('mainCategory'), `The campaign is for ${campaign.allowedCategories.join(', ')}.`));
  }
  if (!Number.isInteger(s.livestreamLevel) || s.livestreamLevel < 0 || s.livestreamLevel > MAX_LEVEL) {
    errors.push(userError('INVALID', at('livestreamLevel'), `Levels are 0 to ${MAX_LEVEL}.`));
  } else if (campaign.minLivestreamLevel !== null && s.livestreamLevel < campaign.minLivestreamLevel) {
    errors.push(userError('LIVESTREAM_LEVEL_TOO_LOW', at('livestreamLevel'), `The campaign needs level ${campaign.minLivestreamLevel} or above.`));
  } else if (account.livestreamLevel === null || s.livestreamLevel > account.livestreamLevel) {
    // the benefits depend on the level chosen: a seller cannot claim more than the account has
    errors.push(userError('LIVESTREAM_LEVEL_TOO_LOW', at('livestreamLevel'), `The account's livestream level is ${account.livestreamLevel ?? 'none'}.`));
  }
  for (const key of ['estimatedGmvMinor', 'estimatedAdSpendMinor'] as const) {
    const value = s[key];
    if (value !== undefined && value !== null && (!Number.isInteger(value) || value < 0)) errors.push(userError('INVALID', at(key), 'Amounts are non-negative integers in minor units.'));
  }
  const hasEstimate = (s.estimatedGmvMinor ?? null) !== null || (s.estimatedAdSpendMinor ?? null) !== null;
  if (hasEstimate && !/^[A-Z]{3}$/.test(s.estimateCurrency ?? '')) errors.push(userError('INVALID', at('estimateCurrency'), 'Estimates need an ISO 4217 currency such as EUR.'));
  return errors;
}

export interface Benefit {
  level: number;
  description: string;
}

export function checkBenefits(benefits: Benefit[]): UserError[] {
  const errors: UserError[] = [];
  const seen = new Set<number>();
  benefits.forEach((b, i) => {
    const field = ['input', 'benefits', String(i)];
    if (!Number.isInteger(b.level) || b.level < 0 || b.level > MAX_LEVEL) errors.push(userError('INVALID', [...field, 'level'], `Levels are 0 to ${MAX_LEVEL}.`));
    else if (seen.has(b.level)) errors.push(userError('INVALID', [...field, 'level'], 'One benefit per level.'));
    seen.add(b.level);
    if (b.description.trim() === '') errors.push(userError('REQUIRED', [...field, 'description'], 'Describe the benefit.'));
    else if ([...b.description].length > BENEFIT_MAX) errors.push(userError('TOO_LONG', [...field, 'description'], `At most ${BENEFIT_MAX} characters.`));
  });
  return errors;
}
