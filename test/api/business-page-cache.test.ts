// The public business page is served from each instance's memory: every kind of change a
// visitor can see reaches the next read at once (on the instance that made it, and through
// pub/sub on another one), and anonymous GET reads carry an ETag answered with 304.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, onRedis, startApp, type TestApp } from '../support/app.ts';
import { createAccount, createTeam, localId, pngFile, publicPage, uploadPhotos, type Team } from '../support/fixtures.ts';
import {
  BusinessAccountUpdateDocument,
  BusinessInfoUpdateDocument,
  BusinessPageSetEnabledDocument,
  GalleryPhotoDeleteDocument,
  GalleryPhotoPinDocument,
  GalleryTitleSetDocument,
} from '../generated/graphql.ts';

const owner = 'cache.owner';
let seed = 1000;
const pngs = (count: number) => Array.from({ length: count }, () => ({ bytes: pngFile(++seed), name: `p${seed}.png`, type: 'image/png' }));

/** An account with a visible page (enabled, a company name), read once so that it is cached. */
async function visibleAccount(t: TestApp, team: Team, handle: string) {
  const id = await createAccount(t, owner, team.organizationId, handle);
  await t.as(owner).request(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'First name' } });
  await t.as(owner).request(BusinessPageSetEnabledDocument, { accountId: id, enabled: true });
  expect((await publicPage(t, handle))?.info?.companyName).toBe('First name');
  return id;
}

describe('public business page cache', () => {
  let t: TestApp;
  let team: Team;

  beforeAll(async () => {
    t = await startApp();
    team = await createTeam(t, { owner, accounts: [] });
  });
  afterAll(() => t?.close());

  it('shows every change on the next read: info, toggle, gallery photos, pin, delete and title', async () => {
    const id = await visibleAccount(t, team, 'cache.shop1');
    const api = t.as(owner);

    await api.request(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'Second name', website: 'https://shop.example.com' } });
    expect((await publicPage(t, 'cache.shop1'))?.info).toMatchObject({ companyName: 'Second name', website: 'https://shop.example.com' });

    await api.request(BusinessPageSetEnabledDocument, { accountId: id, enabled: false });
    expect(await publicPage(t, 'cache.shop1')).toBeNull();
    await api.request(BusinessPageSetEnabledDocument, { accountId: id, enabled: true });
    expect((await publicPage(t, 'cache.shop1'))?.info?.companyName).toBe('Second name');

    expect((await publicPage(t, 'cache.shop1'))?.gallery).toBeNull();
    const added = await uploadPhotos(api, id, pngs(5));
    expect(added.errors).toBeUndefined();
    const photoIds = added.data!.galleryPhotosAdd.photos!.map((p) => p.id);
    const gallery = (await publicPage(t, 'cache.shop1'))?.gallery;
    expect(gallery?.photos.map((p) => p.id)).toEqual(photoIds);
    // the cover is the first five, with their media facts (served without reloading the photos)
    expect(gallery?.cover.map((p) => [p.id, p.contentType, p.size])).toEqual(gallery?.photos.map((p) => [p.id, 'image/png', p.size]));
    expect(gallery?.cover.every((p) => p.size > 0)).toBe(true);

    await api.request(GalleryPhotoPinDocument, { id: photoIds[4] });
    expect((await publicPage(t, 'cache.shop1'))?.gallery?.photos.map((p) => p.id)).toEqual([photoIds[4], ...photoIds.slice(0, 4)]);

    await api.request(GalleryTitleSetDocument, { accountId: id, title: 'MENU' });
    expect((await publicPage(t, 'cache.shop1'))?.gallery?.title).toBe('MENU');

    await api.request(GalleryPhotoDeleteDocument, { id: photoIds[0] });
    expect((await publicPage(t, 'cache.shop1'))?.gallery).toBeNull(); // four photos: not displayable
    expect(await t.db.galleryPhoto.count({ where: { accountId: localId(id) } })).toBe(4);
  });

  it('shows account changes: a new display name, a new handle (the old one shows nothing)', async () => {
    const id = await visibleAccount(t, team, 'cache.shop2');
    expect(await publicPage(t, 'cache.shop2b')).toBeNull(); // cached as "no such page"
    const api = t.as(owner);

    await api.request(BusinessAccountUpdateDocument, { id, input: { displayName: 'Renamed' } });
    expect((await publicPage(t, 'cache.shop2'))?.displayName).toBe('Renamed');

    await api.request(BusinessAccountUpdateDocument, { id, input: { handle: 'cache.shop2b' } });
    expect(await publicPage(t, 'cache.shop2')).toBeNull();
    expect(await publicPage(t, 'cache.shop2b')).toMatchObject({ handle: 'cache.shop2b', displayName: 'Renamed' });
    expect(await t.db.businessAccount.findUnique({ where: { id: localId(id) }, select: { handle: true, displayName: true } })).toEqual({
      handle: 'cache.shop2b',
      displayName: 'Renamed',
    });
  });

  it('shows a page created under a handle read before it existed', async () => {
    expect(await publicPage(t, 'cache.shop3')).toBeNull();
    const id = await createAccount(t, owner, team.organizationId, 'cache.shop3');
    await t.as(owner).request(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'Newcomer' } });
    await t.as(owner).request(BusinessPageSetEnabledDocument, { accountId: id, enabled: true });
    expect((await publicPage(t, 'cache.shop3'))?.info?.companyName).toBe('Newcomer');
  });

  it('answers an anonymous GET with an ETag, and 304 without a body while the page is unchanged', async () => {
    const id = await visibleAccount(t, team, 'cache.shop4');
    const query = `query ($h: String!) { businessPage(handle: $h) { handle displayName info { companyName } } }`;
    const url = `${t.url}?${new URLSearchParams({ query, variables: JSON.stringify({ h: 'cache.shop4' }) })}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await first.json()).data.businessPage.info.companyName).toBe('First name');

    const unchanged = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');

    await t.as(owner).request(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'Changed' } });
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await changed.json()).data.businessPage.info.companyName).toBe('Changed');

    // POST and signed-in reads are not tagged (their answers may be the caller's own)
    const post = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { h: 'cache.shop4' } }),
    });
    expect(post.headers.get('etag')).toBeNull();
    const signedIn = await fetch(url, { headers: { authorization: `Bearer ${await t.token(owner)}` } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('etag')).toBeNull();
  });
});

describe.runIf(onPostgres && onRedis)('public business page cache across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let team: Team;

  beforeAll(async () => {
    a = await startApp();
    b = await a.startPeer();
    team = await createTeam(a, { owner, accounts: [] });
  });
  afterAll(() => a?.close());

  /** Reads on B until `check` holds: B hears of A's change through Redis, within milliseconds. */
  async function onB<T>(handle: string, check: (page: Awaited<ReturnType<typeof publicPage>>) => boolean) {
    const deadline = Date.now() + 2000;
    for (;;) {
      const page = await publicPage(b, handle);
      if (check(page) || Date.now() > deadline) return page;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('drops the copy another instance cached when a change is made through this one', async () => {
    const id = await visibleAccount(a, team, 'cache.multi1');
    expect((await publicPage(b, 'cache.multi1'))?.info?.companyName).toBe('First name'); // cached on B

    await a.as(owner).request(BusinessInfoUpdateDocument, { accountId: id, input: { companyName: 'Via A' } });
    expect((await onB('cache.multi1', (p) => p?.info?.companyName === 'Via A'))?.info?.companyName).toBe('Via A');

    await a.as(owner).request(BusinessPageSetEnabledDocument, { accountId: id, enabled: false });
    expect(await onB('cache.multi1', (p) => p === null)).toBeNull();
    await a.as(owner).request(BusinessPageSetEnabledDocument, { accountId: id, enabled: true });

    await a.as(owner).request(BusinessAccountUpdateDocument, { id, input: { displayName: 'Renamed via A' } });
    expect((await onB('cache.multi1', (p) => p?.displayName === 'Renamed via A'))?.displayName).toBe('Renamed via A');

    const added = await uploadPhotos(a.as(owner), id, pngs(5));
    expect(added.errors).toBeUndefined();
    expect((await onB('cache.multi1', (p) => !!p?.gallery))?.gallery?.photos).toHaveLength(5);
  });
});
