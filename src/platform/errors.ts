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
  DUPLICATE_KEYWORD: 'A keyword rule lists the same keyword twice (case and width are ignored).',
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
  const e = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } } };
  if (e?.code !== 'P2002') return false;
  if (!field) return true;
  // PGlite's adapter names the columns ({ fields }); the pg adapter only the index
  // ({ index: "BusinessAccount_handle_key" }), whose name carries the columns
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const fields = constraint?.fields ?? (constraint?.index ? [constraint.index] : Array.isArray(e.meta?.target) ? e.meta.target : [String(e.meta?.target ?? '')]);
  return fields.some((f) => String(f).includes(field));
}
