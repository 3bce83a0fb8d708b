// Business accounts: creation and validation, updates, the attributes only the platform sets,
// and who sees the team-only fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountNodesDocument,
  BusinessAccountCreateDocument,
  BusinessAccountPlatformUpdateDocument,
  BusinessAccountPublicDocument,
  BusinessAccountTeamDocument,
  BusinessAccountUpdateDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { createTeam, expectNothingChanged, expectTopLevelError, expectUserErrors, localId, type Team } from '../support/fixtures.ts';

let t: TestApp;
let shop: Team;
let shopId: string;
const owner = () => t.as('bella');
const platformAdmin = () => t.as('staff', ['admin']);
const valid = { handle: 'placeholder', displayName: 'Bella Bakery', region: 'FR', category: 'Bakery' };

beforeAll(async () => {
  t = await startApp();
  shop = await createTeam(t, { owner: 'bella', accounts: ['bella.shop'], members: { bob: 'ADMIN', bea: 'AGENT', ben: 'ANALYST' } });
  shopId = shop.accountIds['bella.shop'];
  await createTeam(t, { owner: 'rival', accounts: ['rival_shop'] });
});
afterAll(() => t?.close());

const stored = (handle: string) => t.db.businessAccount.findUnique({ where: { handle }, include: { page: true } });
const create = (input: Partial<typeof valid> & Record<string, unknown>) => owner().raw(BusinessAccountCreateDocument, { organizationId: shop.organizationId, input: { ...valid, ...input } });

describe('businessAccountCreate', () => {
  it('creates an account of the organization with the documented defaults and an empty page', async () => {
    const { data, errors } = await create({ handle: 'bella.paris', displayName: '  Bella Paris ', category: ' Bakery ' });
    expect(errors).toBeUndefined();
    expect(data?.businessAccountCreate).toEqual({
      account: { id: expect.any(String), handle: 'bella.paris', displayName: 'Bella Paris', region: 'FR', category: 'Bakery', timeZone: 'UTC', whoCanMessage: 'EVERYONE', followerCount: 0 },
      userErrors: [],
    });
    const row = await stored('bella.paris');
    expect(row).toMatchObject({ id: localId(data!.businessAccountCreate.account!.id), organizationId: localId(shop.organizationId), ownerAge: null, seriousViolations: 0, followerCount: 0 });
    expect(row?.page).toMatchObject({ enabled: false });
  });

  it('takes the time zone and DM setting when given', async () => {
    const { data } = await create({ handle: 'bella.tokyo', region: 'JP', timeZone: 'Asia/Tokyo', whoCanMessage: 'FOLLOWERS' });
    expect(data?.businessAccountCreate.account).toMatchObject({ region: 'JP', timeZone: 'Asia/Tokyo', whoCanMessage: 'FOLLOWERS' });
    expect(await stored('bella.tokyo')).toMatchObject({ timeZone: 'Asia/Tokyo', whoCanMessage: 'FOLLOWERS' });
  });

  it.each(['ab', 'a'.repeat(24), 'a.b_9', '__', '0.0'])('accepts the handle %j', async (handle) => {
    const { data } = await create({ handle });
    expect(data?.businessAccountCreate.userErrors).toEqual([]);
    expect((await stored(handle))?.organizationId).toBe(localId(shop.organizationId));
  });

  it.each([
    ['handle', 'a', 'HANDLE_INVALID'],
    ['handle', 'a'.repeat(25), 'HANDLE_INVALID'],
    ['handle', 'Bella', 'HANDLE_INVALID'],
    ['handle', 'bella-shop', 'HANDLE_INVALID'],
    ['handle', 'bella shop', 'HANDLE_INVALID'],
    ['handle', 'café', 'HANDLE_INVALID'],
    ['handle', 'bella\n', 'HANDLE_INVALID'],
    ['handle', '', 'HANDLE_INVALID'],
    ['displayName', '   ', 'REQUIRED'],
    ['displayName', 'd'.repeat(81), 'TOO_LONG'],
    ['category', '', 'REQUIRED'],
    ['category', 'c'.repeat(65), 'TOO_LONG'],
    ['region', 'fr', 'REGION_INVALID'],
    ['region', 'FRA', 'REGION_INVALID'],
    ['region', 'ZZ', 'REGION_INVALID'],
    ['region', 'UK', 'REGION_INVALID'],
    ['region', 'EU', 'REGION_INVALID'],
    ['region', 'XK', 'REGION_INVALID'],
    ['region', '', 'REGION_INVALID'],
    ['timeZone', 'Mars/Olympus_Mons', 'TIME_ZONE_INVALID'],
    ['timeZone', '+01:00', 'TIME_ZONE_INVALID'],
    ['timeZone', '', 'TIME_ZONE_INVALID'],
  ])('refuses %s %j with %s', async (field, value, code) => {
    const { data } = await expectNothingChanged(t, () => create({ handle: 'bella.new', [field]: value }));
    expectUserErrors(data?.businessAccountCreate, [code, ['input', field]]);
    expect(data?.businessAccountCreate.account).toBeNull();
  });

  it('reports every problem at once, in input order', async () => {
    const { data } = await expectNothingChanged(t, () => create({ handle: 'X', displayName: '', region: 'fr', category: 'c'.repeat(65), timeZone: 'Nowhere' }));
    expectUserErrors(
      data?.businessAccountCreate,
      ['HANDLE_INVALID', ['input', 'handle']],
      ['REQUIRED', ['input', 'displayName']],
      ['REGION_INVALID', ['input', 'region']],
      ['TOO_LONG', ['input', 'category']],
      ['TIME_ZONE_INVALID', ['input', 'timeZone']],
    );
  });

  it.each(['bella.shop', 'rival_shop'])('refuses the handle %s, already taken (in this or another organization)', async (handle) => {
    const { data } = await expectNothingChanged(t, () => create({ handle }));
    expectUserErrors(data?.businessAccountCreate, ['HANDLE_TAKEN', ['input', 'handle']]);
  });

  it('gives a handle to one of two simultaneous creations', async () => {
    const results = await Promise.all([create({ handle: 'bella.race' }), create({ handle: 'bella.race' })]);
    expect(results.map((r) => r.data?.businessAccountCreate.userErrors.map((e) => e.code)).sort()).toEqual([[], ['HANDLE_TAKEN']]);
    expect(await t.db.businessAccount.count({ where: { handle: 'bella.race' } })).toBe(1);
  });
});

describe('businessAccountUpdate', () => {
  const update = (input: Record<string, unknown>, id = shopId) => t.as('bob').raw(BusinessAccountUpdateDocument, { id, input });

  it('changes only the given fields; null leaves a field as it is', async () => {
    const before = await stored('bella.shop');
    const { data } = await update({ displayName: ' Bella ', timeZone: 'Europe/Paris', whoCanMessage: 'NO_ONE', handle: null, region: null, category: null });
    expect(data?.businessAccountUpdate).toEqual({
      account: { id: shopId, handle: 'bella.shop', displayName: 'Bella', region: 'FR', category: 'Bakery', timeZone: 'Europe/Paris', whoCanMessage: 'NO_ONE' },
      userErrors: [],
    });
    expect(await stored('bella.shop')).toMatchObject({ ...before, displayName: 'Bella', timeZone: 'Europe/Paris', whoCanMessage: 'NO_ONE', updatedAt: expect.any(Date), page: before!.page });
  });

  it('moves the account to a new handle, and keeping its own handle is not a conflict', async () => {
    const { accountIds } = await createTeam(t, { owner: 'mover', accounts: ['mover.old'] });
    const id = accountIds['mover.old'];
    const same = await t.as('mover').request(BusinessAccountUpdateDocument, { id, input: { handle: 'mover.old' } });
    expect(same.businessAccountUpdate.userErrors).toEqual([]);
    const moved = await t.as('mover').request(BusinessAccountUpdateDocument, { id, input: { handle: 'mover.new' } });
    expect(moved.businessAccountUpdate.account?.handle).toBe('mover.new');
    expect((await t.anonymous().request(BusinessAccountPublicDocument, { handle: 'mover.old' })).businessAccount).toBeNull();
    expect((await t.anonymous().request(BusinessAccountPublicDocument, { handle: 'mover.new' })).businessAccount?.id).toBe(id);
  });

  it.each([
    ['handle', 'rival_shop', 'HANDLE_TAKEN'],
    ['handle', 'Bella!', 'HANDLE_INVALID'],
    ['displayName', '', 'REQUIRED'],
    ['category', 'c'.repeat(65), 'TOO_LONG'],
    ['region', 'UK', 'REGION_INVALID'],
    ['timeZone', 'Europe/Nowhere', 'TIME_ZONE_INVALID'],
  ])('refuses %s %j with %s', async (field, value, code) => {
    const { data } = await expectNothingChanged(t, () => update({ [field]: value }));
    expectUserErrors(data?.businessAccountUpdate, [code, ['input', field]]);
    expect(data?.businessAccountUpdate.account).toBeNull();
  });

  it('offers the team no way to set the platform’s attributes', async () => {
    const response = await expectNothingChanged(t, () => update({ followerCount: 1_000_000 }));
    expect(response.errors?.length).toBe(1);
    expect(response.data ?? null).toBeNull();
  });
});

describe('businessAccountPlatformUpdate', () => {
  const platformUpdate = (input: Record<string, unknown>, id = shopId) => platformAdmin().raw(BusinessAccountPlatformUpdateDocument, { id, input });

  it('sets what is given, keeps what is omitted, and clears the owner age with null', async () => {
    const set = await platformUpdate({ followerCount: 1500, ownerAge: 17, seriousViolations: 2 });
    expect(set.data?.businessAccountPlatformUpdate).toEqual({ account: { id: shopId, followerCount: 1500, ownerAge: 17, seriousViolations: 2 }, userErrors: [] });
    const partly = await platformUpdate({ seriousViolations: 0 });
    expect(partly.data?.businessAccountPlatformUpdate.account).toEqual({ id: shopId, followerCount: 1500, ownerAge: 17, seriousViolations: 0 });
    const cleared = await platformUpdate({ ownerAge: null, followerCount: 0 });
    expect(cleared.data?.businessAccountPlatformUpdate.account).toEqual({ id: shopId, followerCount: 0, ownerAge: null, seriousViolations: 0 });
    expect(await stored('bella.shop')).toMatchObject({ followerCount: 0, ownerAge: null, seriousViolations: 0 });
  });

  it.each([
    [{ followerCount: -1 }, 'followerCount'],
    [{ ownerAge: -1 }, 'ownerAge'],
    [{ ownerAge: 151 }, 'ownerAge'],
    [{ seriousViolations: -3 }, 'seriousViolations'],
  ])('refuses %o as INVALID', async (input, field) => {
    const { data } = await expectNothingChanged(t, () => platformUpdate(input));
    expectUserErrors(data?.businessAccountPlatformUpdate, ['INVALID', ['input', field]]);
  });

  it('reports every invalid attribute at once', async () => {
    const { data } = await expectNothingChanged(t, () => platformUpdate({ followerCount: -1, ownerAge: 200, seriousViolations: -1 }));
    expectUserErrors(data?.businessAccountPlatformUpdate, ['INVALID', ['input', 'followerCount']], ['INVALID', ['input', 'ownerAge']], ['INVALID', ['input', 'seriousViolations']]);
  });

  it('says NOT_FOUND for an account that does not exist', async () => {
    const missing = Buffer.from('BusinessAccount:019aa000-0000-7000-8000-000000000000').toString('base64');
    const { data } = await expectNothingChanged(t, () => platformUpdate({ followerCount: 10 }, missing));
    expectUserErrors(data?.businessAccountPlatformUpdate, ['NOT_FOUND', ['id']]);
  });

  it('is FORBIDDEN to a reviewer', async () => {
    expectTopLevelError(await expectNothingChanged(t, () => t.as('rita', ['reviewer']).raw(BusinessAccountPlatformUpdateDocument, { id: shopId, input: { followerCount: 5 } })), 'FORBIDDEN');
  });
});

describe('reading a business account', () => {
  it('shows its public fields to anyone, by handle or by id, and null for an unknown handle', async () => {
    const { businessAccount } = await t.anonymous().request(BusinessAccountPublicDocument, { handle: 'rival_shop' });
    expect(businessAccount).toMatchObject({ handle: 'rival_shop', displayName: 'Display rival_shop', region: 'FR', category: 'Bakery', whoCanMessage: 'EVERYONE' });
    const { nodes } = await t.anonymous().request(AccountNodesDocument, { ids: [businessAccount!.id] });
    expect(nodes).toEqual([{ id: businessAccount!.id, handle: 'rival_shop' }]);
    expect((await t.anonymous().request(BusinessAccountPublicDocument, { handle: 'nobody.here' })).businessAccount).toBeNull();
  });

  it.each([
    ['the owner', () => owner()],
    ['an admin', () => t.as('bob')],
    ['an agent', () => t.as('bea')],
    ['an analyst', () => t.as('ben')],
  ])('shows the team-only fields to %s', async (_name, api) => {
    await platformAdmin().request(BusinessAccountPlatformUpdateDocument, { id: shopId, input: { ownerAge: 42, seriousViolations: 1 } });
    const { businessAccount } = await api().request(BusinessAccountTeamDocument, { handle: 'bella.shop' });
    expect(businessAccount).toMatchObject({ id: shopId, ownerAge: 42, seriousViolations: 1, organization: { id: shop.organizationId } });
  });

  it.each([
    ['a platform admin', () => platformAdmin()],
    ['a reviewer', () => t.as('rita', ['reviewer'])],
  ])('shows the platform’s attributes, but not the organization, to %s', async (_name, api) => {
    await platformAdmin().request(BusinessAccountPlatformUpdateDocument, { id: shopId, input: { ownerAge: 43, seriousViolations: 2 } });
    const { businessAccount } = await api().request(`{ businessAccount(handle: "bella.shop") { id ownerAge seriousViolations } }`);
    expect(businessAccount).toEqual({ id: shopId, ownerAge: 43, seriousViolations: 2 });
    const organization = await api().raw(`{ businessAccount(handle: "bella.shop") { organization { id } } }`);
    expect(organization.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'businessAccount.organization']]);
  });

  it.each([
    ['a signed-in outsider', () => t.as('nosy'), 'FORBIDDEN'],
    ['the owner of another organization', () => t.as('rival'), 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ])('refuses the team-only fields to %s', async (_name, api, code) => {
    for (const field of ['ownerAge', 'seriousViolations', 'organization { id }']) {
      const response = await api().raw(`{ businessAccount(handle: "bella.shop") { handle ${field} } }`);
      expect(response.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([[code, `businessAccount.${field.split(' ')[0]}`]]);
      // ownerAge is nullable: the rest of the account still shows
      expect(response.data?.businessAccount ?? null).toEqual(field === 'ownerAge' ? { handle: 'bella.shop', ownerAge: null } : null);
    }
  });
});
