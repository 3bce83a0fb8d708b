// Business page (PRODUCT §2) through the API: the on/off toggle, the business info module,
// the gallery title, and what the team and the public see as the page fills in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { createAccount, createTeam, editorPage, expectUserErrors, pageState, publicPage, type Team } from '../support/fixtures.ts';
import {
  BusinessInfoUpdateDocument,
  BusinessPageSetEnabledDocument,
  GalleryTitleSetDocument,
  type BusinessInfoInput,
} from '../generated/graphql.ts';

let t: TestApp;
let team: Team;
const owner = 'info.owner';
let accountSeq = 0;

beforeAll(async () => {
  t = await startApp({ now: '2025-06-15T12:00:00Z' });
  team = await createTeam(t, { owner, accounts: [] });
});
afterAll(() => t?.close());

/** A fresh business account of the team, so every test starts from an empty page. */
async function freshAccount(): Promise<{ id: string; handle: string }> {
  const handle = `info.shop${++accountSeq}`;
  return { id: await createAccount(t, owner, team.organizationId, handle), handle };
}

const updateInfo = (accountId: string, input: BusinessInfoInput) => t.as(owner).request(BusinessInfoUpdateDocument, { accountId, input }).then((r) => r.businessInfoUpdate);
const setEnabled = (accountId: string, enabled: boolean) => t.as(owner).request(BusinessPageSetEnabledDocument, { accountId, enabled }).then((r) => r.businessPageSetEnabled);

const emptyInfo = {
  companyName: null,
  establishedOn: null,
  region: null,
  website: null,
  email: null,
  phone: null,
  address: null,
  iosAppUrl: null,
  androidAppUrl: null,
  category: null,
};

const fullInput = {
  companyName: 'Boulangerie Martin SARL',
  establishedOn: '1998-03-21',
  region: 'FR',
  website: 'https://boulangerie-martin.example.fr/accueil',
  email: 'contact@boulangerie-martin.example.fr',
  phone: '+33 1 23 45 67 89',
  address: '12 rue de la Paix, 75002 Paris',
  iosAppUrl: 'https://apps.apple.com/fr/app/martin/id123456789',
  androidAppUrl: 'https://play.google.com/store/apps/details?id=fr.martin',
  category: 'Bakery',
};
/** what the API returns and stores for fullInput: the phone number in E.164 */
const fullInfo = { ...fullInput, phone: '+33123456789' };

describe('a new business account', () => {
  it('has a page that is off, empty, titled PHOTO_GALLERY, and not public', async () => {
    const account = await freshAccount();
    expect(await editorPage(t.as(owner), account.handle)).toEqual({
      enabled: false,
      visible: false,
      info: emptyInfo,
      infoDisplayable: false,
      galleryTitle: 'PHOTO_GALLERY',
      galleryPhotos: [],
      galleryDisplayable: false,
    });
    expect(await publicPage(t, account.handle)).toBeNull();
  });

  it('has no public page for an unknown handle', async () => {
    expect(await publicPage(t, 'no.such.shop')).toBeNull();
  });
});

describe('businessPageSetEnabled', () => {
  it('turns the toggle on and off; the page stays private while nothing is displayable', async () => {
    const account = await freshAccount();
    const on = await setEnabled(account.id, true);
    expect(on.userErrors).toEqual([]);
    expect(on.page).toMatchObject({ enabled: true, visible: false, infoDisplayable: false, galleryDisplayable: false });
    expect((await pageState(t, account.id)).page?.enabled).toBe(true);
    expect(await publicPage(t, account.handle)).toBeNull();

    const off = await setEnabled(account.id, false);
    expect(off.page).toMatchObject({ enabled: false, visible: false });
    expect((await pageState(t, account.id)).page?.enabled).toBe(false);
  });

  it('makes a page with info public when on, and hides it again when off', async () => {
    const account = await freshAccount();
    await updateInfo(account.id, { companyName: 'Martin' });
    expect((await editorPage(t.as(owner), account.handle)).visible).toBe(false);
    expect(await publicPage(t, account.handle)).toBeNull();

    expect((await setEnabled(account.id, true)).page).toMatchObject({ enabled: true, visible: true, infoDisplayable: true });
    expect(await publicPage(t, account.handle)).toEqual({
      handle: account.handle,
      displayName: `Display ${account.handle}`,
      info: { ...emptyInfo, companyName: 'Martin' },
      gallery: null,
    });

    await setEnabled(account.id, false);
    expect(await publicPage(t, account.handle)).toBeNull();
  });

  it('is idempotent', async () => {
    const account = await freshAccount();
    await setEnabled(account.id, true);
    const again = await setEnabled(account.id, true);
    expect(again.userErrors).toEqual([]);
    expect(again.page?.enabled).toBe(true);
  });
});

describe('businessInfoUpdate', () => {
  it('sets every attribute, returns and stores them', async () => {
    const account = await freshAccount();
    const result = await updateInfo(account.id, fullInput);
    expect(result.userErrors).toEqual([]);
    expect(result.page).toMatchObject({ info: fullInfo, infoDisplayable: true, enabled: false, visible: false });
    const { page } = await pageState(t, account.id);
    expect(page).toMatchObject({ ...fullInfo, establishedOn: new Date('1998-03-21T00:00:00Z') });
    expect((await editorPage(t.as(owner), account.handle)).info).toEqual(fullInfo);
  });

  it('leaves omitted attributes unchanged and clears those sent as null', async () => {
    const account = await freshAccount();
    await updateInfo(account.id, fullInput);
    const result = await updateInfo(account.id, { email: null, phone: null, companyName: 'Martin & Fils' });
    expect(result.userErrors).toEqual([]);
    const expected = { ...fullInfo, email: null, phone: null, companyName: 'Martin & Fils' };
    expect(result.page?.info).toEqual(expected);
    expect((await pageState(t, account.id)).page).toMatchObject({ email: null, phone: null, companyName: 'Martin & Fils', website: fullInput.website });

    const unchanged = await updateInfo(account.id, {});
    expect(unchanged.page?.info).toEqual(expected);
  });

  it('makes info not displayable once every attribute is cleared, which hides an info-only page', async () => {
    const account = await freshAccount();
    await updateInfo(account.id, { website: 'https://example.com', category: 'Cafe' });
    await setEnabled(account.id, true);
    expect((await publicPage(t, account.handle))?.info).toEqual({ ...emptyInfo, website: 'https://example.com', category: 'Cafe' });

    const cleared = await updateInfo(account.id, { website: null, category: null });
    expect(cleared.page).toMatchObject({ info: emptyInfo, infoDisplayable: false, visible: false, enabled: true });
    expect(await publicPage(t, account.handle)).toBeNull();
  });

  it('trims text and validates what it stores', async () => {
    const account = await freshAccount();
    const name = 'N'.repeat(100);
    const result = await updateInfo(account.id, { companyName: `  ${name}  `, region: ' BE ', website: ' https://example.be ', phone: ' +32 2 555 12 12 ' });
    expect(result.userErrors).toEqual([]);
    expect(result.page?.info).toMatchObject({ companyName: name, region: 'BE', website: 'https://example.be', phone: '+3225551212' });
    expect((await pageState(t, account.id)).page).toMatchObject({ companyName: name, region: 'BE', website: 'https://example.be', phone: '+3225551212' });
  });

  it.each([
    ['companyName', 100],
    ['address', 200],
    ['category', 64],
  ] as const)('accepts %s of exactly %i characters (counted in characters, not bytes)', async (key, limit) => {
    const account = await freshAccount();
    const value = 'é'.repeat(limit - 1) + '🍞';
    const result = await updateInfo(account.id, { [key]: value });
    expect(result.userErrors).toEqual([]);
    expect(result.page?.info[key]).toBe(value);
  });

  it.each([
    ['companyName', 'x'.repeat(101), 'TOO_LONG'],
    ['address', 'x'.repeat(201), 'TOO_LONG'],
    ['category', 'x'.repeat(65), 'TOO_LONG'],
    ['companyName', '   ', 'REQUIRED'],
    ['category', '', 'REQUIRED'],
    ['email', ' \t', 'REQUIRED'],
    ['region', 'XX', 'REGION_INVALID'],
    ['region', 'fr', 'REGION_INVALID'],
    ['region', 'FRA', 'REGION_INVALID'],
    ['region', 'EU', 'REGION_INVALID'],
    ['website', 'example.com', 'URL_INVALID'],
    ['website', 'ftp://example.com/file', 'URL_INVALID'],
    ['website', 'javascript:alert(1)', 'URL_INVALID'],
    ['website', 'http://localhost:3000', 'URL_INVALID'],
    ['website', 'https://exa mple.com', 'URL_INVALID'],
    ['website', 'http:example.com', 'URL_INVALID'],
    ['website', 'https://bank.example@evil.example/', 'URL_INVALID'],
    ['iosAppUrl', 'https://play.google.com/store/apps/details?id=x', 'URL_INVALID'],
    ['iosAppUrl', 'https://apps.apple.com.evil.example/app/id1', 'URL_INVALID'],
    ['iosAppUrl', 'itms-apps://apps.apple.com/app/id1', 'URL_INVALID'],
    ['androidAppUrl', 'https://apps.apple.com/app/id1', 'URL_INVALID'],
    ['androidAppUrl', 'https://play.google.com.example/store', 'URL_INVALID'],
    ['email', 'contact', 'EMAIL_INVALID'],
    ['email', 'contact@localhost', 'EMAIL_INVALID'],
    ['email', 'two@@example.com', 'EMAIL_INVALID'],
    ['email', 'with space@example.com', 'EMAIL_INVALID'],
    ['phone', '123456', 'PHONE_INVALID'],
    ['phone', '+1234567890123456', 'PHONE_INVALID'],
    ['phone', '+33 1 23 45 67 89 ext. 2', 'PHONE_INVALID'],
    ['phone', '33+1234567', 'PHONE_INVALID'],
    // what people type that is not an international number: national (even on a French
    // account), local without area code, country code without +, a dialling prefix, no number
    ['phone', '0612345678', 'PHONE_INVALID'],
    ['phone', '555-1234', 'PHONE_INVALID'],
    ['phone', '33123456789', 'PHONE_INVALID'],
    ['phone', '00 33 1 23 45 67 89', 'PHONE_INVALID'],
    ['phone', '+0000000000', 'PHONE_INVALID'],
    ['phone', '(555) 123-4567', 'PHONE_INVALID'],
    ['phone', '+1 555 123 4567', 'PHONE_INVALID'],
    ['establishedOn', '2025-06-16', 'DATE_IN_FUTURE'],
    ['establishedOn', '2100-01-01', 'DATE_IN_FUTURE'],
  ] as const)('refuses %s = %j with %s and changes nothing', async (key, value, code) => {
    const account = await freshAccount();
    await updateInfo(account.id, fullInput);
    const before = await pageState(t, account.id);
    const result = await updateInfo(account.id, { [key]: value });
    expectUserErrors(result, [code, ['input', key]]);
    expect(result.page).toBeNull();
    expect(await pageState(t, account.id)).toEqual(before);
  });

  it.each([
    ['+33 1 23 45 67 89', '+33123456789'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['+44.20.7946.0958', '+442079460958'],
    ['+1 (212) 555-0100', '+12125550100'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['＋８１ ３-１２３４-５６７８', '+81312345678'],
  ])('stores the phone number %j in E.164 (%s), returned as stored', async (value, e164) => {
    const account = await freshAccount();
    const result = await updateInfo(account.id, { phone: value });
    expect(result.userErrors).toEqual([]);
    expect(result.page?.info.phone).toBe(e164);
    expect((await pageState(t, account.id)).page?.phone).toBe(e164);
  });

  it.each([
    ['email', 'first.last+tag@sub.example.co.uk'],
    ['website', 'http://example.com:8080/path?q=1#top'],
    ['iosAppUrl', 'https://itunes.apple.com/us/app/id1'],
    ['iosAppUrl', 'http://apps.apple.com/app/id1'],
    ['region', 'JP'],
    ['establishedOn', '1900-01-01'],
  ] as const)('accepts %s = %j', async (key, value) => {
    const account = await freshAccount();
    const result = await updateInfo(account.id, { [key]: value });
    expect(result.userErrors).toEqual([]);
    expect(result.page?.info[key]).toBe(value);
  });

  it('reports every invalid attribute at once and stores none of the input, the valid parts included', async () => {
    const account = await freshAccount();
    const before = await pageState(t, account.id);
    const result = await updateInfo(account.id, { companyName: 'Fine', email: 'nope', phone: '12', website: 'ftp://x.example' });
    expectUserErrors(result, ['URL_INVALID', ['input', 'website']], ['EMAIL_INVALID', ['input', 'email']], ['PHONE_INVALID', ['input', 'phone']]);
    expect(await pageState(t, account.id)).toEqual(before);
  });

  it('judges the establishment date by the app clock', async () => {
    const account = await freshAccount();
    const today = '2025-06-15';
    try {
      t.clock.set(`${today}T23:59:59Z`);
      expect((await updateInfo(account.id, { establishedOn: today })).page?.info.establishedOn).toBe(today);
      const before = await pageState(t, account.id);
      const tomorrow = await updateInfo(account.id, { establishedOn: '2025-06-16' });
      expectUserErrors(tomorrow, ['DATE_IN_FUTURE', ['input', 'establishedOn']]);
      expect(await pageState(t, account.id)).toEqual(before);

      t.clock.set('2025-06-16T00:00:00Z');
      expect((await updateInfo(account.id, { establishedOn: '2025-06-16' })).page?.info.establishedOn).toBe('2025-06-16');
    } finally {
      t.clock.set('2025-06-15T12:00:00Z');
    }
  });

  it('refuses a malformed date before running (top-level error) and changes nothing', async () => {
    const account = await freshAccount();
    const before = await pageState(t, account.id);
    for (const establishedOn of ['2023-02-30', '15/06/2020', '2020-06-15T00:00:00Z']) {
      const result = await t.as(owner).raw(BusinessInfoUpdateDocument, { accountId: account.id, input: { establishedOn } });
      expect(result.errors?.[0].message).toMatch(/Date must be a calendar date/);
      expect(result.data ?? null).toBeNull();
    }
    expect(await pageState(t, account.id)).toEqual(before);
  });
});

describe('galleryTitleSet', () => {
  it('sets each preset title and stores it', async () => {
    const account = await freshAccount();
    for (const title of ['MENU', 'ENVIRONMENT', 'PRODUCTS_AND_SERVICES', 'PHOTO_GALLERY'] as const) {
      const result = await t.as(owner).request(GalleryTitleSetDocument, { accountId: account.id, title });
      expect(result.galleryTitleSet.userErrors).toEqual([]);
      expect(result.galleryTitleSet.page?.galleryTitle).toBe(title);
      expect((await pageState(t, account.id)).page?.galleryTitle).toBe(title);
    }
  });

  it('refuses a title outside the presets before running', async () => {
    const account = await freshAccount();
    const result = await t.as(owner).raw(GalleryTitleSetDocument, { accountId: account.id, title: 'OUR_DOGS' as never });
    expect(result.errors?.[0].message).toMatch(/GalleryTitle/);
    expect((await pageState(t, account.id)).page?.galleryTitle).toBe('PHOTO_GALLERY');
  });
});
