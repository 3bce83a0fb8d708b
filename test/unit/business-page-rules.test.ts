// The business page's pure rules (PRODUCT §2): business-info validation and visibility.
import { describe, expect, it } from 'vitest';
import {
  checkBusinessInfo,
  galleryDisplayable,
  GALLERY_MIN_DISPLAYED,
  infoDisplayable,
  infoKeys,
  isHttpUrl,
  isPhoneNumber,
  toE164,
  pageVisible,
  type BusinessInfo,
  type BusinessInfoInput,
} from '../../src/modules/business-page/rules.ts';

const today = new Date('2025-06-15T12:00:00Z');
const codes = (input: BusinessInfoInput, at = today) => checkBusinessInfo(input, at).map((e) => [e.code, e.field]);

describe('isHttpUrl', () => {
  it.each([
    'http://example.com',
    'https://example.com/',
    'HTTPS://EXAMPLE.COM/Path',
    'https://sub.example.co.uk/a/b?c=d&e=f#g',
    'https://example.com:8443/x',
    'http://192.0.2.10/',
    'https://bücher.example',
    'https://xn--bcher-kva.example',
    'https://example.com/a%20b',
  ])('accepts %s', (value) => {
    expect(isHttpUrl(value)).toBe(true);
  });

  it.each([
    ['no scheme', 'example.com'],
    ['a relative path', '/about'],
    ['a protocol-relative URL', '//example.com'],
    ['another scheme', 'ftp://example.com'],
    ['javascript:', 'javascript:alert(1)'],
    ['mailto:', 'mailto:a@example.com'],
    ['data:', 'data:text/html,hi'],
    ['no slashes after the scheme', 'http:example.com'],
    ['one slash after the scheme', 'https:/example.com'],
    ['backslashes', 'https:\\\\example.com'],
    ['a host without a dot', 'http://localhost:3000'],
    ['an IPv6 literal', 'http://[::1]/'],
    ['a lone dot as host', 'https://./'],
    ['an empty label', 'https://a..b/'],
    ['a trailing-dot single label', 'https://example./'],
    ['credentials', 'https://user:secret@example.com/'],
    ['a misleading user part', 'https://bank.example@evil.example/'],
    ['a space in the host', 'https://exa mple.com'],
    ['a space in the path', 'https://example.com/a b'],
    ['a leading space', ' https://example.com'],
    ['a bad port', 'https://example.com:99999/'],
    ['an empty string', ''],
  ])('refuses %s (%s)', (_why, value) => {
    expect(isHttpUrl(value)).toBe(false);
  });
});

describe('toE164 (business page: international form only)', () => {
  it.each([
    ['+33 1 23 45 67 89', '+33123456789'],
    ['+33 (0)1 23 45 67 89', '+33123456789'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+1 (212) 555-0100', '+12125550100'],
    ['+44.20.7946.0958', '+442079460958'],
    ['+49 30 1234567', '+49301234567'],
    ['+852 5123 4567', '+85251234567'],
  ])('stores %s as %s', (value, expected) => {
    expect(toE164(value)).toBe(expected);
    expect(isPhoneNumber(value)).toBe(true);
  });

  it.each([
    ['a French national number (no region to read it in)', '0612345678'],
    ['a local number without area code', '555-1234'],
    ['a country code without +', '33123456789'],
    ['an international dialling prefix instead of +', '00 33 1 23 45 67 89'],
    ['a number that cannot exist', '+0000000000'],
    ['an unallocated US area code', '+1 (555) 123-4567'],
    ['an unallocated French range', '+33 7 00 00 00 00'],
    ['16 digits', '+1 234 567 890 123 456'],
    ['letters', '+33 1 23 45 67 8A'],
    ['an extension', '+33 1 23 45 67 89 ext 2'],
    ['a plus in the middle', '33+1234567'],
    ['two pluses', '++33123456789'],
    ['text around the number', 'call +33 1 23 45 67 89'],
    ['only separators', '(-) . -'],
    ['empty', ''],
  ])('refuses %s (%s)', (_why, value) => {
    expect(toE164(value)).toBeNull();
    expect(isPhoneNumber(value)).toBe(false);
  });

  it('reads the national form only when given a region', () => {
    expect(toE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(toE164('06 12 34 56 78', 'XX')).toBeNull();
  });
});


describe('checkBusinessInfo', () => {
  const valid: Required<BusinessInfoInput> = {
    companyName: 'Boulangerie Martin',
    establishedOn: '1998-03-21',
    region: 'FR',
    website: 'https://martin.example.fr',
    email: 'contact@martin.example.fr',
    phone: '+33 1 23 45 67 89',
    address: '12 rue de la Paix, Paris',
    iosAppUrl: 'https://apps.apple.com/fr/app/id1',
    androidAppUrl: 'https://play.google.com/store/apps/details?id=fr.martin',
    category: 'Bakery',
  };

  it('accepts a complete valid input, an empty one, and nulls (which clear)', () => {
    expect(checkBusinessInfo(valid, today)).toEqual([]);
    expect(checkBusinessInfo({}, today)).toEqual([]);
    expect(checkBusinessInfo(Object.fromEntries(infoKeys.map((k) => [k, null])), today)).toEqual([]);
  });

  it.each([
    ['companyName', 100],
    ['address', 200],
    ['category', 64],
  ] as const)('limits %s to %i characters, counting code points and ignoring surrounding spaces', (key, limit) => {
    expect(codes({ [key]: '🥐'.repeat(limit) })).toEqual([]);
    expect(codes({ [key]: ` ${'x'.repeat(limit)} ` })).toEqual([]);
    expect(codes({ [key]: 'x'.repeat(limit + 1) })).toEqual([['TOO_LONG', ['input', key]]]);
    expect(codes({ [key]: '🥐'.repeat(limit + 1) })).toEqual([['TOO_LONG', ['input', key]]]);
  });

  it.each(infoKeys)('refuses a blank %s with REQUIRED (null is how to clear it)', (key) => {
    expect(codes({ [key]: '' })).toEqual([['REQUIRED', ['input', key]]]);
    expect(codes({ [key]: ' \t\n ' })).toEqual([['REQUIRED', ['input', key]]]);
  });

  it('accepts assigned ISO 3166-1 alpha-2 regions only', () => {
    for (const region of ['FR', 'US', 'JP', 'BR', ' DE ']) expect(codes({ region }), region).toEqual([]);
    for (const region of ['fr', 'Fr', 'FRA', 'F', 'XX', 'ZZ', 'EU', 'UN', 'UK', '12']) expect(codes({ region }), region).toEqual([['REGION_INVALID', ['input', 'region']]]);
  });

  it('validates the email address', () => {
    for (const email of ['a@example.com', 'first.last+tag@sub.example.co.uk', 'x_y@ex-ample.io']) expect(codes({ email }), email).toEqual([]);
    for (const email of ['plain', '@example.com', 'a@', 'a@b', 'a@@example.com', 'a b@example.com', 'a@exa mple.com', 'a@-example.com', 'a@example..com', '"quoted"@example.com', 'a@example.com,b@example.com']) {
      expect(codes({ email }), email).toEqual([['EMAIL_INVALID', ['input', 'email']]]);
    }
  });

  it('validates the phone number', () => {
    expect(codes({ phone: '+33 1 23 45 67 89' })).toEqual([]);
    expect(codes({ phone: '12345' })).toEqual([['PHONE_INVALID', ['input', 'phone']]]);
  });

  it('requires http(s) URLs for the website and the app links', () => {
    for (const key of ['website', 'iosAppUrl', 'androidAppUrl'] as const) {
      expect(codes({ [key]: 'ftp://apps.apple.com/x' }), key).toEqual([['URL_INVALID', ['input', key]]]);
      expect(codes({ [key]: 'play.google.com/store' }), key).toEqual([['URL_INVALID', ['input', key]]]);
    }
  });

  it('requires the App Store for iOS links and Google Play for Android links', () => {
    expect(codes({ iosAppUrl: 'https://itunes.apple.com/us/app/id1' })).toEqual([]);
    expect(codes({ iosAppUrl: 'https://APPS.APPLE.COM/app/id1' })).toEqual([]);
    for (const iosAppUrl of ['https://play.google.com/store/apps/details?id=x', 'https://apple.com/app', 'https://apps.apple.com.evil.example/app', 'https://evil.example/apps.apple.com']) {
      expect(codes({ iosAppUrl }), iosAppUrl).toEqual([['URL_INVALID', ['input', 'iosAppUrl']]]);
    }
    for (const androidAppUrl of ['https://apps.apple.com/app/id1', 'https://google.com/store', 'https://play.google.com.evil.example/store']) {
      expect(codes({ androidAppUrl }), androidAppUrl).toEqual([['URL_INVALID', ['input', 'androidAppUrl']]]);
    }
  });

  it('refuses an establishment date after today (UTC) by the given clock', () => {
    expect(codes({ establishedOn: '2025-06-15' })).toEqual([]);
    expect(codes({ establishedOn: '1850-01-01' })).toEqual([]);
    expect(codes({ establishedOn: '2025-06-16' })).toEqual([['DATE_IN_FUTURE', ['input', 'establishedOn']]]);
    expect(codes({ establishedOn: '2025-06-16' }, new Date('2025-06-15T23:59:59.999Z'))).toEqual([['DATE_IN_FUTURE', ['input', 'establishedOn']]]);
    expect(codes({ establishedOn: '2025-06-16' }, new Date('2025-06-16T00:00:00Z'))).toEqual([]);
  });

  it('reports every invalid field, in field order, with a message', () => {
    const errors = checkBusinessInfo({ category: 'x'.repeat(65), phone: 'call me', companyName: '', email: 'nope', establishedOn: '2030-01-01', region: 'XX' }, today);
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['REQUIRED', ['input', 'companyName']],
      ['DATE_IN_FUTURE', ['input', 'establishedOn']],
      ['REGION_INVALID', ['input', 'region']],
      ['EMAIL_INVALID', ['input', 'email']],
      ['PHONE_INVALID', ['input', 'phone']],
      ['TOO_LONG', ['input', 'category']],
    ]);
    for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
  });
});

describe('visibility', () => {
  const empty: BusinessInfo = Object.fromEntries(infoKeys.map((k) => [k, null])) as unknown as BusinessInfo;

  it('shows the info module when at least one attribute is set', () => {
    expect(infoDisplayable(empty)).toBe(false);
    for (const key of infoKeys) expect(infoDisplayable({ ...empty, [key]: key === 'establishedOn' ? new Date('2000-01-01') : 'x' }), key).toBe(true);
  });

  it('shows the gallery from 5 photos', () => {
    expect(GALLERY_MIN_DISPLAYED).toBe(5);
    expect([0, 1, 4, 5, 6, 10].map(galleryDisplayable)).toEqual([false, false, false, true, true, true]);
  });

  it('makes the page public only when enabled and some module is displayable', () => {
    const withInfo = { ...empty, phone: '+33 1 23 45 67 89' };
    expect(pageVisible({ ...empty, enabled: false }, 0)).toBe(false);
    expect(pageVisible({ ...empty, enabled: true }, 0)).toBe(false);
    expect(pageVisible({ ...empty, enabled: true }, 4)).toBe(false);
    expect(pageVisible({ ...empty, enabled: true }, 5)).toBe(true);
    expect(pageVisible({ ...withInfo, enabled: true }, 0)).toBe(true);
    expect(pageVisible({ ...withInfo, enabled: false }, 10)).toBe(false);
  });
});
