// Business-rule refusals. A service throws UserInputError (rolling back its transaction);
// the schema layer turns it into the payload's `userErrors`. Top-level GraphQL errors are
// reserved for authentication, authorization and faults.
import { GraphQLError } from 'graphql';

/** Every machine-readable refusal code. Add new ones here; the GraphQL enum follows. */
export const userErrorCodes = {
  INVALID: 'The value is malformed or out of range.',
  REQUIRED: 'A value is required.',
  TOO_LONG: 'The value is longer than allowed.',
  NOT_FOUND: 'The referenced object does not exist or is not visible to you.',
  HANDLE_INVALID: 'Handles are 2–24 characters of a–z, 0–9, dot and underscore.',
  HANDLE_TAKEN: 'Another account already uses this handle.',
  REGION_INVALID: 'Regions are ISO 3166-1 alpha-2 country codes.',
  TIME_ZONE_INVALID: 'Time zones are IANA names such as Europe/Paris.',
  USER_NOT_FOUND: 'No user with this handle has signed in yet.',
  ALREADY_MEMBER: 'The user already belongs to the organization.',
  OWNER_ROLE_RESERVED: 'The owner role changes hands only by an ownership transfer.',
  OWNER_CANNOT_LEAVE: 'The owner cannot be removed; transfer ownership first.',
  ROLE_NOT_ALLOWED: 'Your role cannot grant or change this role.',
  ACCOUNT_NOT_IN_ORGANIZATION: 'The business account belongs to another organization.',
  URL_INVALID: 'URLs must be absolute http(s) addresses.',
  EMAIL_INVALID: 'The email address is not well formed.',
  PHONE_INVALID: 'Phone numbers are in international form, e.g. +33 1 23 45 67 89.',
  DATE_IN_FUTURE: 'The date cannot be in the future.',
  GALLERY_FULL: 'The photo gallery holds at most 10 photos.',
  FILE_TOO_LARGE: 'The file is larger than allowed.',
  FILE_TYPE_NOT_ALLOWED: 'The file content is not an allowed type.',
  REVIEW_ALREADY_DECIDED: 'The review was already decided or withdrawn.',
  REVIEW_PENDING: 'The item is under review; wait for the decision.',
  GET_LEADS_ON: 'Turn the Get Leads switch off before editing the form or its call to action.',
  LEAD_FORM_NOT_APPROVED: 'The lead form has not been approved.',
  LEAD_FORM_NOT_SUBMITTABLE: 'Only draft or rejected forms can be submitted for review.',
  GET_LEADS_OFF: 'The Get Leads switch of the form is off.',
  COMMERCIAL_MUSIC: 'Videos with commercial music cannot carry a Get Leads link.',
  LEAD_FORM_NOT_LIVE: 'The lead form is not accepting leads (not approved or Get Leads switched off).',
  IDEMPOTENCY_KEY_REUSED: 'This idempotency key was already used for another submission.',
  ASSIGNEE_NOT_MEMBER: 'The assignee must be a team member who works on this account.',
  EXPORT_RANGE_TOO_LONG: 'Exports cover at most the last 90 days.',
  WORD_LIMIT_EXCEEDED: 'The text has more words than allowed.',
  MESSAGING_NOT_ALLOWED: 'This account does not accept direct messages from you.',
  WINDOW_EXPIRED: 'The reply window has closed: businesses may reply only within 48 hours of the user’s latest message.',
  WINDOW_QUOTA_EXCEEDED: 'The reply window allows at most 10 business messages; it reopens when the user writes again.',
  REGION_RESTRICTED: 'Accounts registered in the EEA, Switzerland or the UK cannot use direct messages through integrations.',
  MEDIA_SEND_STRATEGY: 'Media cannot be sent to users in this region.',
  RISK_CONTROL: 'Media cannot be sent to this user (risk control).',
  NOT_OWN_POST: 'Only the account’s own posts can be shared.',
  LIMIT_REACHED: 'The maximum number of items is reached.',
  CONVERSATION_CLOSED: 'The conversation is closed; reopen it first.',
  LIVE_FOLLOWERS_TOO_FEW: 'Going live needs at least 1,000 followers.',
  LIVE_OWNER_TOO_YOUNG: 'Going live needs an account owner aged 16 or over.',
  LIVE_SELLER_TOO_YOUNG: 'Selling products in a live needs an account owner aged 18 or over.',
  LIVE_SERIOUS_VIOLATION: 'Accounts with a serious violation cannot go live.',
  LIVE_ALREADY_RUNNING: 'The account already has a live session running.',
  LIVE_NOT_RUNNING: 'The live session is not running.',
  LIVE_ENDED: 'The live session has ended.',
  VIEWER_MESSAGES_OFF: 'The host has turned off viewer messages in this live.',
  ENTRY_MODE_CONFLICT: 'A live shows either one Get Leads entry or Business entries, not both.',
  AD_MESSAGING_NOT_OPEN: 'Messaging ads need the account’s “who can message” setting to be EVERYONE.',
  AD_REGION_UNAVAILABLE: 'Messaging ads are not available to accounts registered in the EEA, Switzerland or the UK.',
  AD_WELCOME_MESSAGE_REQUIRED: 'Messaging ads open with the account’s welcome message: it must be approved and switched on.',
  AD_CREATIVE_INVALID: 'The creative must be an uploaded MP4, MOV or WebM video or one of the account’s own posts.',
  AD_ENDED: 'The ad has ended and is read-only.',
  AD_STATE_INVALID: 'The ad cannot make this state change (DRAFT → ACTIVE ⇄ PAUSED → ENDED).',
  AD_NOT_RUNNING: 'The ad has never run.',
  AWAY_MESSAGE_REQUIRED: 'Reply hours need an away message.',
  REPLY_HOURS_INVALID: 'Reply-hour slots are HH:MM times with the start before the end.',
  REPLY_HOURS_OVERLAP: 'Reply-hour slots of one day may not overlap.',
  CURRENCY_MISMATCH: 'The amount is in another currency than the one this object uses.',
  DUPLICATE_KEYWORD: 'A keyword rule lists the same keyword twice (case and width are ignored).',
  CAMPAIGN_PERIODS_INVALID: 'Campaign periods are ordered: each starts before it ends, and registration closes no later than the campaign ends.',
  CAMPAIGN_CANCELLED: 'The campaign was cancelled.',
  CAMPAIGN_ENDED: 'The campaign has ended.',
  REGISTRATION_WINDOW_CLOSED: 'The campaign is not open for registration now.',
  SHOP_SCORE_TOO_LOW: 'The account’s shop score is below the campaign’s minimum.',
  TOO_MANY_RECENT_VIOLATIONS: 'The account has more serious violations in the last 30 days than the campaign allows.',
  LIVESTREAM_LEVEL_TOO_LOW: 'The livestream level is below the campaign’s minimum.',
  CATEGORY_NOT_ALLOWED: 'The category is not one the campaign allows.',
  ALREADY_REGISTERED: 'The account already has a registration under review or approved for this campaign.',
  SESSION_OUTSIDE_CAMPAIGN: 'Registered sessions lie inside the campaign period.',
  SESSION_IN_PAST: 'A registered session starts in the future.',
  SESSION_OVERLAP: 'The session overlaps another registered session of the same account.',
  SESSION_LIMIT_EXCEEDED: 'A registration holds at most 100 sessions.',
  SESSIONS_NOT_ACCEPTED: 'Auto-approved campaigns take no session details.',
  DUPLICATES_NOT_ALLOWED: 'This campaign does not allow duplicating sessions.',
  REGISTRATION_NOT_UNDER_REVIEW: 'Only a registration under review can be changed this way.',
  REGISTRATION_NOT_APPROVED: 'Only an approved registration can be withdrawn.',
  REGISTRATION_INACTIVE: 'The registration was rejected, cancelled or withdrawn.',
  REGISTRATION_SESSION_STARTED: 'A registered session (or the campaign) has already started: withdrawal is no longer possible.',
  WEBHOOK_URL_NOT_ALLOWED: 'Webhook endpoints are https URLs on public hosts (plain http only for loopback where the server allows it).',
  INTEGRATION_SCOPE_MISSING: 'The integration’s grant lacks the scope this needs.',
  ALREADY_REVOKED: 'The grant was already revoked.',
} as const;

export type UserErrorCode = keyof typeof userErrorCodes;

export interface UserError {
  code: UserErrorCode;
  /** path to the offending input, e.g. ["input", "email"] */
  field: string[] | null;
  message: string;
}

export class UserInputError extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export function userError(code: UserErrorCode, field: string[] | null, message: string = userErrorCodes[code]): UserError {
  return { code, field, message };
}

/** Throws when the list is non-empty: collect every problem first, then refuse once. */
export function refuseIfAny(errors: UserError[]): void {
  if (errors.length > 0) throw new UserInputError(errors);
}

export function refuse(code: UserErrorCode, field: string[] | null, message?: string): never {
  throw new UserInputError([userError(code, field, message)]);
}

export function unauthenticated(message = 'A valid bearer token is required.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** UNAUTHENTICATED with a machine-readable reason (e.g. TOKEN_EXPIRED: refresh the token). */
export function unauthenticatedBecause(reason: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } } });
}

export function forbidden(message = 'You are not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Prisma's unique-violation error, for constraint-enforced uniqueness. */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  const e = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { originalCode?: string; constraint?: { fields?: string[]; index?: string } } } } };
  const cause = e?.meta?.driverAdapterError?.cause;
  // a raw statement ($queryRaw) fails with P2010, carrying PostgreSQL's own code
  if (e?.code !== 'P2002' && !(e?.code === 'P2010' && cause?.originalCode === '23505')) return false;
  if (!field) return true;
  // PGlite's adapter names the columns ({ fields }); the pg adapter only the index
  // ({ index: "BusinessAccount_handle_key" }), whose name carries the columns
  const constraint = cause?.constraint;
  const fields = constraint?.fields ?? (constraint?.index ? [constraint.index] : Array.isArray(e.meta?.target) ? e.meta.target : [String(e.meta?.target ?? '')]);
  return fields.some((f) => String(f).includes(field));
}

// ───────────── transient failures ─────────────

/** How long a client should wait before retrying a SERVICE_UNAVAILABLE or STREAM_INTERRUPTED refusal. */
export const RETRY_AFTER_MS = 1000;
/** The same advice as an HTTP header. */
export const retryAfterHeader = { 'retry-after': String(Math.ceil(RETRY_AFTER_MS / 1000)) };

/** The database could not be reached (restart, failover, network): retry; the request may or may not have been applied. */
export function serviceUnavailable(): GraphQLError {
  return new GraphQLError('The database is unavailable for a moment; retry shortly (with the same idempotency key for writes that take one).', {
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterMs: RETRY_AFTER_MS, http: { status: 503, headers: retryAfterHeader } },
  });
}

/** A subscription lost its event source and may have missed events: refetch, then subscribe again. */
export function streamInterrupted(): GraphQLError {
  return new GraphQLError('The event stream was interrupted and may have missed events; refetch what it shows, then subscribe again.', {
    extensions: { code: 'STREAM_INTERRUPTED', retryable: true, retryAfterMs: RETRY_AFTER_MS },
  });
}

// SQLSTATE class 08 (connection exception) and the shutdown codes of class 57 (57P01 admin
// shutdown — what a restart sends to every backend —, 57P02 crash shutdown, 57P03 cannot
// connect now), plus too many connections (53300)
const transientSqlState = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// socket errors of node, as thrown by pg or wrapped by the driver adapter
const transientSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// the driver adapter's connection kinds, and Prisma's codes for them
const transientAdapterKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const transientPrismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
// pg raises these without a code when a socket dies under it
const transientDriverMessages = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect)/;

/**
 * Whether an error (or anything it wraps: GraphQL's originalError, `cause`, Prisma's
 * driverAdapterError, a scope-auth failure's error) is the database being unreachable for now, as opposed to a bug or a
 * refused statement. Transaction-start timeouts under load are not: they are OVERLOADED.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const e = queue.shift() as any;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (transientSqlState.test(code) || transientSocketCodes.has(code) || transientPrismaCodes.has(code))) return true;
    if (typeof e.originalCode === 'string' && transientSqlState.test(e.originalCode)) return true;
    if (typeof e.kind === 'string' && transientAdapterKinds.has(e.kind)) return true;
    if (!code && typeof e.message === 'string' && e instanceof Error && transientDriverMessages.test(e.message)) return true;
    // scope-auth's failures carry the error of the scope they could not evaluate
    queue.push(e.originalError, e.cause, e.error, e.meta?.driverAdapterError, ...(Array.isArray(e.errors) ? e.errors : []), ...(Array.isArray(e.failures) ? e.failures : []));
  }
  return false;
}

/** The SERVICE_UNAVAILABLE error to answer in place of `error` when the database is unreachable, else null. */
export function transientRefusal(error: unknown): GraphQLError | null {
  return isTransientDatabaseError(error) ? serviceUnavailable() : null;
}

/**
 * Prisma's refusal of a transaction that could not get a connection in time, or that ran past
 * its timeout (P2028): the database is saturated and the transaction was rolled back, so
 * nothing it wrote is stored. Other P2028 cases (a transaction used after it committed) are
 * bugs, not load, and stay faults.
 */
export function isTransactionTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e?.code !== 'P2028' || typeof e.message !== 'string') return false;
  return e.message.includes('Unable to start a transaction in the given time') || e.message.includes('on an expired transaction');
}

/**
 * PostgreSQL aborted the transaction to break a deadlock (40P01): it changed nothing, and
 * running it again is the documented remedy.
 */
export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null;
  return e?.meta?.code === '40P01' || e?.meta?.driverAdapterError?.cause?.originalCode === '40P01' || (typeof e?.message === 'string' && e.message.includes('40P01'));
}
