// The pure rules of the accounts module: field validation, who manages whom, and how far a
// restricted manager reaches.
import { describe, expect, it } from 'vitest';
import { checkAccountFields, checkText, handlePattern, MAX_CATEGORY_LENGTH, MAX_NAME_LENGTH, mayManage, withinReach, type AccountFields } from '../../src/modules/accounts/rules.ts';
import type { MemberRole } from '../../src/generated/prisma/enums.ts';
import { isUniqueViolation, type UserError } from '../../src/platform/errors.ts';
import { isRegionCode, isTimeZone } from '../../src/platform/regions.ts';

const codes = (errors: UserError[]) => errors.map((e) => [e.code, e.field]);

function accountErrors(input: AccountFields) {
  const errors: UserError[] = [];
  checkAccountFields(input, errors);
  return codes(errors);
}

describe('handlePattern', () => {
  it.each(['ab', 'a'.repeat(24), 'shop.paris', 'shop_42', '..', '0123'])('accepts %j', (handle) => {
    expect(handlePattern.test(handle)).toBe(true);
  });
  it.each(['a', 'a'.repeat(25), 'Shop', 'shop-paris', 'shop paris', 'café', 'shop\n', '\nshop', '', 'shop!', 'ｓｈｏｐ'])('refuses %j', (handle) => {
    expect(handlePattern.test(handle)).toBe(false);
  });
});

describe('checkText', () => {
  const check = (value: string | undefined, max = 5) => {
    const errors: UserError[] = [];
    checkText(value, ['input', 'name'], max, errors);
    return codes(errors);
  };

  it('accepts an omitted value and a value of exactly the maximum', () => {
    expect(check(undefined)).toEqual([]);
    expect(check('abcde')).toEqual([]);
  });

  it('counts characters, not UTF-16 units: 5 emoji fit in 5', () => {
    expect(check('🥐🥐🥐🥐🥐')).toEqual([]);
    expect(check('🥐🥐🥐🥐🥐🥐')).toEqual([['TOO_LONG', ['input', 'name']]]);
  });

  it.each(['', ' ', '\t\n'])('refuses the blank value %j as REQUIRED', (value) => {
    expect(check(value)).toEqual([['REQUIRED', ['input', 'name']]]);
  });

  it('refuses a value over the maximum as TOO_LONG, naming the limit', () => {
    const errors: UserError[] = [];
    checkText('abcdef', ['input', 'name'], 5, errors);
    expect(errors).toEqual([{ code: 'TOO_LONG', field: ['input', 'name'], message: 'name is at most 5 characters.' }]);
  });

  it('keeps errors already collected', () => {
    const errors: UserError[] = [{ code: 'INVALID', field: null, message: 'earlier' }];
    checkText('', ['input', 'name'], 5, errors);
    expect(codes(errors)).toEqual([['INVALID', null], ['REQUIRED', ['input', 'name']]]);
  });
});

describe('checkAccountFields', () => {
  it('accepts a valid account and ignores omitted fields', () => {
    expect(accountErrors({ handle: 'shop', displayName: 'Shop', region: 'FR', category: 'Bakery', timeZone: 'Europe/Paris' })).toEqual([]);
    expect(accountErrors({})).toEqual([]);
  });

  it('enforces the documented length limits', () => {
    expect([MAX_NAME_LENGTH, MAX_CATEGORY_LENGTH]).toEqual([80, 64]);
    expect(accountErrors({ displayName: 'd'.repeat(80), category: 'c'.repeat(64) })).toEqual([]);
    expect(accountErrors({ displayName: 'd'.repeat(81), category: 'c'.repeat(65) })).toEqual([
      ['TOO_LONG', ['input', 'displayName']],
      ['TOO_LONG', ['input', 'category']],
    ]);
  });

  it('collects every problem, in field order', () => {
    expect(accountErrors({ handle: 'A', displayName: ' ', region: 'fr', category: '', timeZone: 'Nowhere/City' })).toEqual([
      ['HANDLE_INVALID', ['input', 'handle']],
      ['REQUIRED', ['input', 'displayName']],
      ['REGION_INVALID', ['input', 'region']],
      ['REQUIRED', ['input', 'category']],
      ['TIME_ZONE_INVALID', ['input', 'timeZone']],
    ]);
  });
});

describe('isRegionCode', () => {
  it.each(['FR', 'GB', 'US', 'JP', 'CN', 'BR', 'AQ', 'AX', 'BQ', 'CW', 'SS', 'SX', 'PS', 'TW', 'HK', 'MO'])('accepts the assigned code %s', (code) => {
    expect(isRegionCode(code)).toBe(true);
  });

  it.each([
    ['lower case', 'fr'],
    ['alpha-3', 'FRA'],
    ['numeric', '250'],
    ['blank', ''],
    ['padded', ' FR'],
    ['unknown region', 'ZZ'],
    ['a grouping', 'EU'],
    ['a grouping', 'UN'],
    ['exceptionally reserved', 'UK'],
    ['exceptionally reserved', 'AC'],
    ['exceptionally reserved', 'IC'],
    ['withdrawn', 'SU'],
    ['withdrawn', 'YU'],
    ['withdrawn', 'AN'],
    ['user-assigned', 'XK'],
    ['a CLDR pseudo-region', 'XA'],
    ['unassigned', 'AA'],
  ])('refuses %s: %j', (_kind, code) => {
    expect(isRegionCode(code)).toBe(false);
  });

  it('knows exactly the 249 assigned codes', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const all = [...letters].flatMap((a) => [...letters].map((b) => a + b));
    expect(all.filter(isRegionCode)).toHaveLength(249);
  });
});

describe('isTimeZone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });
  it.each(['', 'Mars/Olympus_Mons', 'Europe/Nowhere', '+01:00', 'Paris'])('refuses %j', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});

describe('mayManage', () => {
  const roles: MemberRole[] = ['OWNER', 'ADMIN', 'AGENT', 'ANALYST'];
  const managed: Record<MemberRole, MemberRole[]> = {
    OWNER: ['OWNER', 'ADMIN', 'AGENT', 'ANALYST'],
    ADMIN: ['AGENT', 'ANALYST'],
    AGENT: [],
    ANALYST: [],
  };
  it.each(roles.flatMap((actor) => roles.map((target) => [actor, target, managed[actor].includes(target)] as const)))('%s manages %s: %s', (actor, target, expected) => {
    expect(mayManage(actor, target)).toBe(expected);
  });
});

describe('withinReach', () => {
  const north = 'north';
  const south = 'south';

  it('lets an unrestricted manager reach everything, every account included', () => {
    expect(withinReach(null, null)).toBe(true);
    expect(withinReach(null, [north, south])).toBe(true);
  });

  it('lets a restricted manager reach only subsets of their accounts', () => {
    const own = new Set([north]);
    expect(withinReach(own, [north])).toBe(true);
    expect(withinReach(own, [north, north])).toBe(true);
    expect(withinReach(own, [])).toBe(true);
    expect(withinReach(own, [north, south])).toBe(false);
    expect(withinReach(own, [south])).toBe(false);
    // null is "every account": beyond any restriction
    expect(withinReach(own, null)).toBe(false);
  });
});

describe('isUniqueViolation (how HANDLE_TAKEN and ALREADY_MEMBER are recognised)', () => {
  const violation = (constraint: object) => ({ code: 'P2002', meta: { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation', constraint } } } });

  it('reads the columns from PGlite’s adapter and the index name from the pg adapter', () => {
    expect(isUniqueViolation(violation({ fields: ['handle'] }), 'handle')).toBe(true);
    expect(isUniqueViolation(violation({ index: 'BusinessAccount_handle_key' }), 'handle')).toBe(true);
    expect(isUniqueViolation(violation({ index: 'Membership_organizationId_userId_key' }), 'handle')).toBe(false);
    expect(isUniqueViolation(violation({ fields: ['organizationId', 'userId'] }), 'handle')).toBe(false);
  });

  it('matches any unique violation when no column is named, and nothing else', () => {
    expect(isUniqueViolation(violation({ index: 'Membership_organizationId_userId_key' }))).toBe(true);
    expect(isUniqueViolation({ code: 'P2025' })).toBe(false);
    expect(isUniqueViolation(new Error('boom'))).toBe(false);
  });
});
