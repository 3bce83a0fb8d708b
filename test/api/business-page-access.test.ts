// Who may edit and who may read the business page: OWNER and ADMIN edit; AGENT and ANALYST
// read the team's view; other organizations, restricted members of other accounts and
// anonymous callers neither edit nor read it; everyone reads the public page.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import { createTeam, expectTopLevelError, expectUserErrors, localId, pageState, pngFile, uploadPhotos, type Team } from '../support/fixtures.ts';
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

/** Every page mutation, as `api`, on an account (photo mutations on one of its photos). */
function mutations(api: Api, target = { accountId, photoId: photoIds[1] }) {
  const { accountId: id, photoId } = target;
  return {
    businessPageSetEnabled: () => api.raw(BusinessPageSetEnabledDocument, { accountId: id, enabled: false }),
    businessInfoUpdate: () => api.raw(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'Taken over' } }),
    galleryTitleSet: () => api.raw(GalleryTitleSetDocument, { accountId: id, title: 'MENU' }),
    galleryPhotosAdd: () => uploadPhotos(api, id, [{ bytes: pngFile(++seed) }]),
    galleryPhotoPin: () => api.raw(GalleryPhotoPinDocument, { id: photoId }),
    galleryPhotoDelete: () => api.raw(GalleryPhotoDeleteDocument, { id: photoId }),
  };
}

const readPage = (api: Api) => api.raw(BusinessPageEditorDocument, { handle: shop });

describe('editing', () => {
  it.each(['access.owner', 'access.admin'])('is allowed to %s: every mutation is accepted', async (handle) => {
    const api = t.as(handle);
    const other = team.accountIds['access.other'];
    const added = await mutations(api, { accountId: other, photoId: '' }).galleryPhotosAdd();
    expectUserErrors(added.data?.galleryPhotosAdd);
    const photoId = added.data!.galleryPhotosAdd.photos![0].id;
    for (const [name, run] of Object.entries(mutations(api, { accountId: other, photoId }))) {
      if (name === 'galleryPhotosAdd') continue;
      const result = await run();
      expect(result.errors, name).toBeUndefined();
      expectUserErrors((result.data as unknown as Record<string, { userErrors: [] }>)[name]);
    }
    const state = await pageState(t, other);
    expect(state.page).toMatchObject({ enabled: false, companyName: 'Taken over', galleryTitle: 'MENU' });
    expect(state.photos.map((p) => p.id)).not.toContain(localId(photoId));
  });

  it.each([
    ['an agent', 'access.agent'],
    ['an analyst', 'access.analyst'],
    ['an admin limited to another account', 'access.limited'],
    ["another organization's owner", 'access.stranger'],
    ['a platform reviewer', 'access.reviewer'],
  ])('is refused to %s (%s) with FORBIDDEN, changing nothing', async (_who, handle) => {
    const api = t.as(handle, handle === 'access.reviewer' ? ['reviewer'] : []);
    for (const [name, run] of Object.entries(mutations(api))) {
      const before = await pageState(t, accountId);
      const result = await run();
      expectTopLevelError(result, 'FORBIDDEN');
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

  it('refuses an id that is not a UUID as an invalid ID, not an internal error', async () => {
    const owner = t.as('access.owner');
    const badAccount = encodeGlobalID('BusinessAccount', 'not-a-uuid');
    const badPhoto = encodeGlobalID('GalleryPhoto', "1' OR '1'='1");
    const results = [
      await owner.raw(BusinessPageSetEnabledDocument, { accountId: badAccount, enabled: true }),
      await owner.raw(GalleryPhotoPinDocument, { id: badPhoto }),
      await owner.raw(GalleryPhotoDeleteDocument, { id: badPhoto }),
      await owner.raw(`query ($id: ID!) { node(id: $id) { id } }`, { id: badPhoto }),
    ];
    for (const result of results) {
      expect(result.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/^Invalid global ID/)]);
      expect(result.errors?.[0].extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
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
    ['an admin limited to another account', 'FORBIDDEN', () => t.as('access.limited')],
    ["another organization's owner", 'FORBIDDEN', () => t.as('access.stranger')],
    ['an anonymous caller', 'UNAUTHENTICATED', () => t.anonymous()],
  ])('is refused to %s with %s, the rest of the account still readable', async (_who, code, api) => {
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
