// Pure rules of organizations, members and business accounts: validation and who manages whom.
import type { MemberRole } from '../../generated/prisma/enums.ts';
import { isRegionCode, isTimeZone } from '../../platform/regions.ts';
import { userError, type UserError } from '../../platform/errors.ts';

export const handlePattern = /^[a-z0-9._]{2,24}$/;
export const MAX_NAME_LENGTH = 80;
export const MAX_CATEGORY_LENGTH = 64;

export function checkText(value: string | undefined, field: string[], max: number, errors: UserError[]): void {
  if (value === undefined) return;
  if (value.trim() === '') errors.push(userError('REQUIRED', field, `${field.at(-1)} cannot be blank.`));
  else if ([...value].length > max) errors.push(userError('TOO_LONG', field, `${field.at(-1)} is at most ${max} characters.`));
}

export interface AccountFields {
  handle?: string;
  displayName?: string;
  region?: string;
  category?: string;
  timeZone?: string;
}

export function checkAccountFields(input: AccountFields, errors: UserError[]): void {
  if (input.handle !== undefined && !handlePattern.test(input.handle)) {
    errors.push(userError('HANDLE_INVALID', ['input', 'handle']));
  }
  checkText(input.displayName, ['input', 'displayName'], MAX_NAME_LENGTH, errors);
  if (input.region !== undefined && !isRegionCode(input.region)) {
    errors.push(userError('REGION_INVALID', ['input', 'region'], `"${input.region}" is not an ISO 3166-1 alpha-2 country code.`));
  }
  checkText(input.category, ['input', 'category'], MAX_CATEGORY_LENGTH, errors);
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) {
    errors.push(userError('TIME_ZONE_INVALID', ['input', 'timeZone'], `"${input.timeZone}" is not an IANA time zone.`));
  }
}

/** Owners manage everyone; admins manage agents and analysts only. */
export function mayManage(actorRole: MemberRole, targetRole: MemberRole): boolean {
  if (actorRole === 'OWNER') return true;
  return actorRole === 'ADMIN' && (targetRole === 'AGENT' || targetRole === 'ANALYST');
}

/**
 * The accounts a membership works on: null for every account of the organization.
 * A restricted manager may only manage members, and grant access, within their own accounts
 * (otherwise a regional manager could hand out the other regions' inboxes).
 */
export function withinReach(actorAccounts: ReadonlySet<string> | null, targetAccounts: Iterable<string> | null): boolean {
  if (actorAccounts === null) return true;
  if (targetAccounts === null) return false;
  for (const id of targetAccounts) if (!actorAccounts.has(id)) return false;
  return true;
}
