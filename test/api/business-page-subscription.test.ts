// businessPageUpdated over graphql-ws: the account's team hears every accepted change of the
// page (toggle, info, title, photos) with the page as it now is, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';
import { subscribe, type Api } from '../support/client.ts';
import { createTeam, expectUserErrors, localId, pngFile, uploadPhotos, type Team } from '../support/fixtures.ts';
import {
  BusinessInfoUpdateDocument,
  BusinessPageSetEnabledDocument,
  BusinessPageUpdatedDocument,
  GalleryPhotoDeleteDocument,
  GalleryPhotoPinDocument,
  GalleryTitleSetDocument,
  type BusinessPageFieldsFragment,
} from '../generated/graphql.ts';

let t: TestApp;
let team: Team;
const shop = 'sub.shop';
let accountId: string;
let owner: Api;
let seed = 0;

beforeAll(async () => {
  t = await startApp();
  team = await createTeam(t, { owner: 'sub.owner', accounts: [shop, 'sub.other'], members: { 'sub.analyst': 'ANALYST', 'sub.agent': 'AGENT' } });
  await createTeam(t, { owner: 'sub.stranger', accounts: ['sub.elsewhere'] });
  accountId = team.accountIds[shop];
  owner = t.as('sub.owner');
});
afterAll(() => t?.close());

type Subscription = ReturnType<typeof subscribe<{ businessPageUpdated: BusinessPageFieldsFragment }>>;

/**
 * Subscribes as `handle` and waits until the server really listens: the protocol has no
 * acknowledgement, so it repeats a no-op title change until one is heard, then drains.
 */
async function listen(handle: string, id = accountId) {
  const client = t.as(handle).ws();
  const sub: Subscription = subscribe(client, BusinessPageUpdatedDocument, { accountId: id });
  const title = (await t.db.businessPage.findUniqueOrThrow({ where: { accountId: localId(id) } })).galleryTitle;
  for (let attempt = 0; ; attempt++) {
    await owner.request(GalleryTitleSetDocument, { accountId: id, title });
    try {
      await sub.next(200);
      break;
    } catch (error) {
      if (attempt === 25) throw error;
    }
  }
  while (!(await sub.quiet(200))) await sub.next();
  return { sub, close: () => client.dispose() };
}

async function nextPage(sub: Subscription) {
  const event = await sub.next();
  expect(event.errors).toBeUndefined();
  return event.data!.businessPageUpdated;
}

describe('businessPageUpdated', () => {
  it("streams the page after each accepted change to the account's team", async () => {
    const { sub, close } = await listen('sub.analyst');
    try {
      await owner.request(BusinessPageSetEnabledDocument, { accountId, enabled: true });
      expect(await nextPage(sub)).toMatchObject({ enabled: true, visible: false });

      await owner.request(BusinessInfoUpdateDocument, { accountId, input: { companyName: 'Live Bakery', phone: '+33 1 23 45 67 89' } });
      expect(await nextPage(sub)).toMatchObject({ visible: true, infoDisplayable: true, info: { companyName: 'Live Bakery', phone: '+33123456789' } });

      await owner.request(GalleryTitleSetDocument, { accountId, title: 'ENVIRONMENT' });
      expect((await nextPage(sub)).galleryTitle).toBe('ENVIRONMENT');

      const added = await uploadPhotos(owner, accountId, Array.from({ length: 5 }, () => ({ bytes: pngFile(++seed) })));
      const ids = added.data!.galleryPhotosAdd.photos!.map((p) => p.id);
      expect(await nextPage(sub)).toMatchObject({ galleryDisplayable: true, galleryPhotos: ids.map((id) => ({ id })) });

      await owner.request(GalleryPhotoPinDocument, { id: ids[3] });
      expect((await nextPage(sub)).galleryPhotos.map((p) => p.id)).toEqual([ids[3], ids[0], ids[1], ids[2], ids[4]]);

      await owner.request(GalleryPhotoDeleteDocument, { id: ids[0] });
      expect(await nextPage(sub)).toMatchObject({ galleryDisplayable: false, galleryPhotos: [{ id: ids[3] }, { id: ids[1] }, { id: ids[2] }, { id: ids[4] }] });

      expect(await sub.quiet()).toBe(true);
    } finally {
      await close();
    }
  });

  it('stays quiet on refused changes: invalid info, a refused upload, a forbidden caller', async () => {
    const { sub, close } = await listen('sub.owner');
    try {
      expectUserErrors((await owner.request(BusinessInfoUpdateDocument, { accountId, input: { email: 'not-an-email' } })).businessInfoUpdate, ['EMAIL_INVALID', ['input', 'email']]);
      const refusedUpload = await uploadPhotos(owner, accountId, [{ bytes: Buffer.from('not an image') }]);
      expectUserErrors(refusedUpload.data?.galleryPhotosAdd, ['FILE_TYPE_NOT_ALLOWED', ['files', '0']]);
      const forbidden = await t.as('sub.agent').raw(BusinessPageSetEnabledDocument, { accountId, enabled: false });
      expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(await sub.quiet(500)).toBe(true);
    } finally {
      await close();
    }
  });

  it("does not hear another account's changes", async () => {
    const { sub, close } = await listen('sub.owner');
    try {
      await owner.request(BusinessInfoUpdateDocument, { accountId: team.accountIds['sub.other'], input: { companyName: 'Other' } });
      expect(await sub.quiet(500)).toBe(true);
    } finally {
      await close();
    }
  });

  it('reaches every subscriber of the account', async () => {
    const first = await listen('sub.owner');
    const second = await listen('sub.agent');
    try {
      while (!(await first.sub.quiet(200))) await first.sub.next(); // the second listen's warm-up
      await owner.request(BusinessInfoUpdateDocument, { accountId, input: { category: 'Patisserie' } });
      for (const { sub } of [first, second]) expect((await nextPage(sub)).info.category).toBe('Patisserie');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it.each([
    ["another organization's member", 'FORBIDDEN', () => t.as('sub.stranger')],
    ['an anonymous caller', 'UNAUTHENTICATED', () => t.anonymous()],
  ])('is refused to %s with %s', async (_who, code, api) => {
    const client = api().ws();
    try {
      const sub = subscribe(client, BusinessPageUpdatedDocument, { accountId });
      const event = await sub.next();
      expect(event.errors?.map((e) => e.extensions?.code)).toEqual([code]);
      await owner.request(GalleryTitleSetDocument, { accountId, title: 'MENU' });
      expect(await sub.quiet(300)).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});
