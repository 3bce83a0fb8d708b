// Who may edit and who may read the business page: OWNER and ADMIN edit; AGENT and ANALYST
// read the team's view; other organizations, restricted members of other accounts and
// anonymous callers neither edit nor read it; everyone reads the public page.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import { createTeam, expectTopLevelError, expectUserErrors, pageState, pngFile, uploadPhotos, type Team } from '../support/fixtures.ts';
import {
  BusinessInfoUpdateDocument,
  BusinessPageEditorDocument,
  BusinessPageSetEnabledDocument,
  GalleryPhotoDeleteDocument,
  GalleryPhotoPinDocument,
  GalleryTitleSetDocument,
  PublicBusinessPageDocument,
} from '../generated/graphql.ts';

let t: TestApp;
let team: Team;
let accountId: string;
/** two photos of the account, made by the owner */
let photoIds: string[];
let seed = 0;
const shop = 'access.shop';

beforeAll(async () => {
  t = await startApp();
  team = await createTeam(t, {
    owner: 'access.owner',
    accounts: [shop, 'access.other'],
    members: { 'access.admin': 'ADMIN', 'access.agent': 'AGENT', 'access.analyst': 'ANALYST', 'access.limited': 'ADMIN' },
    restrictedTo: { 'access.limited': ['access.other'] },
  });
  await createTeam(t, { owner: 'access.stranger', accounts: ['access.elsewhere'] });
  accountId = team.accountIds[shop];
  const owner = t.as('access.owner');
  await owner.request(BusinessInfoUpdateDocument, { accountId, input: { companyName: 'Access & Co' } });
  await owner.request(BusinessPageSetEnabledDocument, { accountId, enabled: true });
  const added = await uploadPhotos(owner, accountId, [{ bytes: pngFile(++seed) }, { bytes: pngFile(++seed) }]);
  photoIds = added.data!.galleryPhotosAdd.photos!.map((p) => p.id);
});
afterAll(() => t?.close());

/** Every page mutation, as `api`, on the shop (photo mutations on `photoId`). */
function mutations(api: Api, photoId = photoIds[1]) {
  return {
    businessPageSetEnabled: () => api.raw(BusinessPageSetEnabledDocument, { accountId, enabled: false }),
    businessInfoUpdate: () => api.raw(BusinessInfoUpdateDocument, { accountId, input: { companyName: 'Taken over' } }),
    galleryTitleSet: () => api.raw(GalleryTitleSetDocument, { accountId, title: 'MENU' }),
    galleryPhotosAdd: () => uploadPhotos(api, accountId, [{ bytes: pngFile(++seed) }]),
    galleryPhotoPin: () => api.raw(GalleryPhotoPinDocument, { id: photoId }),
    galleryPhotoDelete: () => api.raw(GalleryPhotoDeleteDocument, { id: photoId }),
  };
}

const readPage = (api: Api) => api.raw(BusinessPageEditorDocument, { handle: shop });

describe('editing', () => {
  it.each(['access.owner', 'access.admin'])('is allowed to %s: every mutation is accepted', async (handle) => {
    const api = t.as(handle);
    const added = await mutations(api).galleryPhotosAdd();
    expectUserErrors(added.data?.galleryPhotosAdd);
    const ownPhoto = added.data!.galleryPhotosAdd.photos![0].id;
    for (const [name, run] of Object.entries(mutations(api, ownPhoto))) {
      if (name === 'galleryPhotosAdd') continue;
      const result = await run();
      expect(result.errors, name).toBeUndefined();
      expectUserErrors((result.data as Record<string, { userErrors: [] }>)[name]);
    }
    const state = await pageState(t, accountId);
    expect(state.page).toMatchObject({ enabled: false, companyName: 'Taken over', galleryTitle: 'MENU' });
    expect(state.photos.map((p) => p.id)).not.toContain(ownPhoto);
    // restore for the other tests
    await api.request(BusinessPageSetEnabledDocument, { accountId, enabled: true });
  });

  it.each([
    ['an agent', 'access.agent', 'FORBIDDEN'],
    ['an analyst', 'access.analyst', 'FORBIDDEN'],
    ['an admin limited to another account', 'access.limited', 'FORBIDDEN'],
    ["another organization's owner", 'access.stranger', 'FORBIDDEN'],
    ['a platform reviewer', 'access.reviewer', 'FORBIDDEN'],
  ])('is refused to %s with %s, changing nothing', async (_who, handle, code) => {
    const api = t.as(handle, handle === 'access.reviewer' ? ['reviewer'] : []);
    for (const [name, run] of Object.entries(mutations(api))) {
      const before = await pageState(t, accountId);
      const result = await run();
      expectTopLevelError(result, code);
      expect(result.errors?.[0].path, name).toEqual([name]);
      expect(await pageState(t, accountId), name).toEqual(before);
    }
  });

  it('is refused to an anonymous caller with UNAUTHENTICATED, changing nothing', async () => {
    const before = await pageState(t, accountId);
    for (const run of Object.values(mutations(t.anonymous()))) expectTopLevelError(await run(), 'UNAUTHENTICATED');
    expect(await pageState(t, accountId)).toEqual(before);
  });

  it('is refused on an account that does not exist', async () => {
    const missing = encodeGlobalID('BusinessAccount', '019aa000-0000-7000-8000-000000000000');
    const result = await t.as('access.owner').raw(BusinessPageSetEnabledDocument, { accountId: missing, enabled: true });
    expectTopLevelError(result, 'FORBIDDEN');
  });

  it('refuses an id of another type for the account or the photo', async () => {
    const before = await pageState(t, accountId);
    const owner = t.as('access.owner');
    const asAccount = await owner.raw(BusinessPageSetEnabledDocument, { accountId: photoIds[0], enabled: false });
    const asPhoto = await owner.raw(GalleryPhotoDeleteDocument, { id: accountId });
    for (const result of [asAccount, asPhoto]) {
      expect(result.errors).toHaveLength(1);
      expect(result.data ?? null).toBeNull();
    }
    expect(await pageState(t, accountId)).toEqual(before);
  });

  it('answers NOT_FOUND, not an internal error, for a photo id that is not a valid uuid', async () => {
    const result = await t.as('access.owner').raw(GalleryPhotoPinDocument, { id: encodeGlobalID('GalleryPhoto', 'not-a-uuid') });
    expect(result.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
  });
});

describe("reading the team's view (BusinessAccount.page)", () => {
  it.each([
    ['the owner', 'access.owner', []],
    ['an admin', 'access.admin', []],
    ['an agent', 'access.agent', []],
    ['an analyst', 'access.analyst', []],
    ['a platform admin', 'access.platform', ['admin']],
    ['a platform reviewer', 'access.reviewer', ['reviewer']],
  ] as const)('is allowed to %s', async (_who, handle, roles) => {
    const result = await readPage(t.as(handle, [...roles]));
    expect(result.errors).toBeUndefined();
    expect(result.data?.businessAccount?.page).toMatchObject({ enabled: true, info: { companyName: 'Access & Co' } });
    expect(result.data?.businessAccount?.page?.galleryPhotos.map((p) => p.id)).toEqual(expect.arrayContaining(photoIds));
  });

  it.each([
    ['an admin limited to another account', () => t.as('access.limited'), 'FORBIDDEN'],
    ["another organization's owner", () => t.as('access.stranger'), 'FORBIDDEN'],
    ['an anonymous caller', () => t.anonymous(), 'UNAUTHENTICATED'],
  ])('is refused to %s with %s, the rest of the account still readable', async (_who, api, code) => {
    const result = await readPage(api());
    expect(result.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([[code, ['businessAccount', 'page']]]);
    expect(result.data?.businessAccount).toEqual({ id: accountId, page: null });
  });
});

describe('the public page', () => {
  it.each([
    ['an anonymous visitor', () => t.anonymous()],
    ['a signed-in stranger', () => t.as('access.stranger')],
    ['an agent of the team', () => t.as('access.agent')],
  ])('reads the same for %s', async (_who, api) => {
    const result = await api().raw(PublicBusinessPageDocument, { handle: shop });
    expect(result.errors).toBeUndefined();
    expect(result.data?.businessPage).toEqual({
      handle: shop,
      displayName: `Display ${shop}`,
      info: expect.objectContaining({ companyName: 'Access & Co', email: null }),
      gallery: null,
    });
  });
});
