// The photo gallery (PRODUCT §2) through the API: multipart uploads checked by content and
// size, all-or-nothing batches, the 10-photo limit, delete and pin with a stable order, the
// public gallery and its cover, and the media files the server stores and serves.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHOTO_MAX_BYTES } from '../../src/modules/business-page/rules.ts';
import { startApp, type TestApp } from '../support/app.ts';
import {
  createAccount,
  createTeam,
  editorPage,
  expectUserErrors,
  localId,
  jpegFile,
  mediaFiles,
  oversizedPngFile,
  pageState,
  pngFile,
  publicPage,
  textFile,
  uploadPhotos,
  webpFile,
  type Team,
  type UploadFile,
} from '../support/fixtures.ts';
import {
  BusinessInfoUpdateDocument,
  BusinessPageSetEnabledDocument,
  GalleryPhotoDeleteDocument,
  GalleryPhotoPinDocument,
  GalleryTitleSetDocument,
} from '../generated/graphql.ts';

let t: TestApp;
let team: Team;
const owner = 'gallery.owner';
let accountSeq = 0;
let seed = 0;

beforeAll(async () => {
  t = await startApp();
  team = await createTeam(t, { owner, accounts: [] });
});
afterAll(() => t?.close());

async function freshAccount(): Promise<{ id: string; handle: string }> {
  const handle = `gallery.shop${++accountSeq}`;
  return { id: await createAccount(t, owner, team.organizationId, handle), handle };
}

/** `count` distinct PNG uploads. */
const pngs = (count: number): UploadFile[] => Array.from({ length: count }, () => ({ bytes: pngFile(++seed), name: `photo${seed}.png`, type: 'image/png' }));

async function add(accountId: string, files: UploadFile[]) {
  const result = await uploadPhotos(t.as(owner), accountId, files);
  expect(result.errors).toBeUndefined();
  return result.data!.galleryPhotosAdd;
}

/** Adds photos that must be accepted; returns their global ids in gallery order. */
async function addAccepted(accountId: string, files: UploadFile[]): Promise<string[]> {
  const payload = await add(accountId, files);
  expect(payload.userErrors).toEqual([]);
  return payload.photos!.map((p) => p.id);
}

/** Adds photos that must be refused with exactly these errors, and checks nothing changed. */
async function expectRefused(accountId: string, files: UploadFile[], errors: [code: string, field: string[]][]) {
  const before = await pageState(t, accountId);
  const payload = await add(accountId, files);
  expectUserErrors(payload, ...errors);
  expect(payload.photos).toBeNull();
  expect(await pageState(t, accountId)).toEqual(before);
}

const editorPhotoIds = async (handle: string) => (await editorPage(t.as(owner), handle)).galleryPhotos.map((p) => p.id);
const pin = (id: string) => t.as(owner).request(GalleryPhotoPinDocument, { id }).then((r) => r.galleryPhotoPin);
const remove = (id: string) => t.as(owner).request(GalleryPhotoDeleteDocument, { id }).then((r) => r.galleryPhotoDelete);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('test files', () => {
  it('are what file-type detects', async () => {
    expect((await fileTypeFromBuffer(pngFile(1)))?.mime).toBe('image/png');
    expect((await fileTypeFromBuffer(jpegFile(1)))?.mime).toBe('image/jpeg');
    expect((await fileTypeFromBuffer(webpFile(1)))?.mime).toBe('image/webp');
    expect(await fileTypeFromBuffer(textFile())).toBeUndefined();
    expect(jpegFile(1)).not.toEqual(jpegFile(2));
    expect(webpFile(1)).not.toEqual(webpFile(2));
  });
});

describe('galleryPhotosAdd', () => {
  it('stores JPEG, PNG and WebP photos at the end of the gallery, content addressed', async () => {
    const account = await freshAccount();
    const files = [
      { bytes: jpegFile(++seed), name: 'a.jpg', type: 'image/jpeg' },
      { bytes: pngFile(++seed), name: 'b.png', type: 'image/png' },
      { bytes: webpFile(++seed), name: 'c.webp', type: 'image/webp' },
    ];
    const payload = await add(account.id, files);
    expect(payload.userErrors).toEqual([]);
    const expected = [
      ['image/jpeg', 'jpg'],
      ['image/png', 'png'],
      ['image/webp', 'webp'],
    ].map(([contentType, ext], i) => ({
      id: expect.any(String),
      contentType,
      size: files[i].bytes.length,
      url: `${new URL(t.url).origin}/media/${sha256(files[i].bytes)}.${ext}`,
    }));
    expect(payload.photos).toEqual(expected);
    expect(payload.page).toMatchObject({ galleryPhotos: expected, galleryDisplayable: false });

    const state = await pageState(t, account.id);
    expect(state.photos.map((p) => [p.id, p.mediaKey, p.position])).toEqual(payload.photos!.map((p, i) => [localId(p.id), p.url.split('/').pop(), i + 1]));
    const keys = payload.photos!.map((p) => p.url.split('/').pop()!);
    expect(state.media.filter((m) => keys.includes(m.key)).map((m) => [m.key, m.contentType, m.size])).toEqual(
      expect.arrayContaining(keys.map((key, i) => [key, expected[i].contentType, files[i].bytes.length])),
    );
    for (const [i, key] of keys.entries()) {
      expect(state.files).toContain(path.join(key.slice(0, 2), key));
      expect(await readFile(path.join(t.app.services.config.mediaDir, key.slice(0, 2), key))).toEqual(files[i].bytes);
    }

    const more = await addAccepted(account.id, pngs(2));
    expect(await editorPhotoIds(account.handle)).toEqual([...payload.photos!.map((p) => p.id), ...more]);
  });

  it('judges the type by content, not by the file name or the declared type', async () => {
    const account = await freshAccount();
    const renamed = await add(account.id, [{ bytes: pngFile(++seed), name: 'notes.txt', type: 'text/plain' }]);
    expect(renamed.userErrors).toEqual([]);
    expect(renamed.photos?.[0]).toMatchObject({ contentType: 'image/png', url: expect.stringMatching(/\.png$/) });

    await expectRefused(account.id, [{ bytes: textFile(), name: 'photo.jpg', type: 'image/jpeg' }], [['FILE_TYPE_NOT_ALLOWED', ['files', '0']]]);
  });

  it.each([
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
    ['a PDF', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')],
    ['an empty file', Buffer.alloc(0)],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>')],
  ])('refuses %s with FILE_TYPE_NOT_ALLOWED', async (_name, bytes) => {
    const account = await freshAccount();
    await expectRefused(account.id, [{ bytes, name: 'photo.png', type: 'image/png' }], [['FILE_TYPE_NOT_ALLOWED', ['files', '0']]]);
  });

  it('accepts a photo of exactly 10 MB and refuses one byte more with FILE_TOO_LARGE', async () => {
    const account = await freshAccount();
    await expectRefused(account.id, [...pngs(1), { bytes: oversizedPngFile(PHOTO_MAX_BYTES + 1), name: 'big.png' }], [['FILE_TOO_LARGE', ['files', '1']]]);
    const [id] = await addAccepted(account.id, [{ bytes: oversizedPngFile(PHOTO_MAX_BYTES), name: 'max.png' }]);
    expect((await pageState(t, account.id)).photos.map((p) => p.id)).toEqual([localId(id)]);
  });

  it('stores nothing when one file of a batch is refused: no photo, no media object, no file', async () => {
    const account = await freshAccount();
    const filesBefore = await mediaFiles(t);
    await expectRefused(account.id, [...pngs(2), { bytes: textFile(), name: 'c.jpg' }, ...pngs(1)], [['FILE_TYPE_NOT_ALLOWED', ['files', '2']]]);
    expect(await mediaFiles(t)).toEqual(filesBefore);
    expect(await t.db.galleryPhoto.count({ where: { accountId: localId(account.id) } })).toBe(0);
  });

  it('reports every refused file, in file order', async () => {
    const account = await freshAccount();
    await expectRefused(
      account.id,
      [{ bytes: textFile(), name: 'a.png' }, ...pngs(1), { bytes: oversizedPngFile(PHOTO_MAX_BYTES + 10), name: 'b.png' }, { bytes: textFile('x'), name: 'c.png' }],
      [
        ['FILE_TYPE_NOT_ALLOWED', ['files', '0']],
        ['FILE_TOO_LARGE', ['files', '2']],
        ['FILE_TYPE_NOT_ALLOWED', ['files', '3']],
      ],
    );
  });

  it('refuses an empty batch with REQUIRED', async () => {
    await expectRefused((await freshAccount()).id, [], [['REQUIRED', ['files']]]);
  });

  it('holds at most 10 photos: a batch that would overflow is refused whole with GALLERY_FULL', async () => {
    const account = await freshAccount();
    await expectRefused(account.id, pngs(11), [['GALLERY_FULL', ['files']]]);
    await addAccepted(account.id, pngs(8));
    await expectRefused(account.id, pngs(3), [['GALLERY_FULL', ['files']]]);
    await addAccepted(account.id, pngs(2));
    await expectRefused(account.id, pngs(1), [['GALLERY_FULL', ['files']]]);
    expect((await pageState(t, account.id)).photos).toHaveLength(10);
  });

  it('frees a place when a photo is deleted', async () => {
    const account = await freshAccount();
    const ids = await addAccepted(account.id, pngs(10));
    await remove(ids[3]);
    await addAccepted(account.id, pngs(1));
    expect((await pageState(t, account.id)).photos).toHaveLength(10);
  });

  it('keeps a limit of 10 under concurrent batches', async () => {
    const account = await freshAccount();
    await addAccepted(account.id, pngs(6));
    const results = await Promise.all([add(account.id, pngs(3)), add(account.id, pngs(3))]);
    expect(results.map((r) => r.userErrors.map((e) => e.code)).sort()).toEqual([[], ['GALLERY_FULL']]);
    const { photos } = await pageState(t, account.id);
    expect(photos).toHaveLength(9);
    expect(new Set(photos.map((p) => p.position)).size).toBe(9);
  });

  it('shares one stored file between identical uploads, each still its own photo', async () => {
    const a = await freshAccount();
    const b = await freshAccount();
    const same = { bytes: jpegFile(++seed), name: 'same.jpg' };
    const [first, second] = await addAccepted(a.id, [same, same]);
    const [third] = await addAccepted(b.id, [same]);
    expect(new Set([first, second, third]).size).toBe(3);
    const key = `${sha256(same.bytes)}.jpg`;
    expect(await t.db.mediaObject.count({ where: { key } })).toBe(1);
    expect(await t.db.galleryPhoto.count({ where: { mediaKey: key } })).toBe(3);
    expect((await mediaFiles(t)).filter((f) => f.endsWith(key))).toEqual([path.join(key.slice(0, 2), key)]);
  });

  it('stores identical bytes uploaded concurrently to several galleries once, without failing', async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, freshAccount));
    const same = { bytes: webpFile(++seed), name: 'same.webp' };
    const results = await Promise.all(accounts.map((account) => add(account.id, [same])));
    expect(results.map((r) => r.userErrors)).toEqual(accounts.map(() => []));
    const key = `${sha256(same.bytes)}.webp`;
    expect(await t.db.galleryPhoto.count({ where: { mediaKey: key } })).toBe(accounts.length);
    expect((await mediaFiles(t)).filter((f) => f.includes(sha256(same.bytes)))).toEqual([path.join(key.slice(0, 2), key)]);
  });
});

describe('galleryPhotoDelete and galleryPhotoPin', () => {
  it('deletes a photo; the others keep their order', async () => {
    const account = await freshAccount();
    const ids = await addAccepted(account.id, pngs(4));
    const result = await remove(ids[1]);
    expect(result).toMatchObject({ userErrors: [], photo: null, deletedPhotoId: ids[1] });
    expect(result.page?.galleryPhotos.map((p) => p.id)).toEqual([ids[0], ids[2], ids[3]]);
    expect(await t.db.galleryPhoto.findUnique({ where: { id: localId(ids[1]) } })).toBeNull();
    expect(await editorPhotoIds(account.handle)).toEqual([ids[0], ids[2], ids[3]]);
  });

  it('refuses to delete or pin a photo that no longer exists with NOT_FOUND', async () => {
    const account = await freshAccount();
    const [gone, kept] = await addAccepted(account.id, pngs(2));
    await remove(gone);
    const before = await pageState(t, account.id);
    for (const mutation of [remove, pin]) {
      const result = await mutation(gone);
      expectUserErrors(result, ['NOT_FOUND', ['id']]);
      expect(result).toMatchObject({ photo: null, deletedPhotoId: null, page: null });
    }
    expect(await pageState(t, account.id)).toEqual(before);
    expect(before.photos.map((p) => p.id)).toEqual([localId(kept)]);
  });

  it('deletes a photo once when two deletes race: the other is NOT_FOUND', async () => {
    const account = await freshAccount();
    const [id] = await addAccepted(account.id, pngs(1));
    const results = await Promise.all([remove(id), remove(id)]);
    expect(results.map((r) => r.userErrors.map((e) => e.code)).sort()).toEqual([[], ['NOT_FOUND']]);
    expect((await pageState(t, account.id)).photos).toEqual([]);
  });

  it('pins a photo to the first position; the others keep their order, and new photos go last', async () => {
    const account = await freshAccount();
    const [a, b, c, d] = await addAccepted(account.id, pngs(4));
    const pinned = await pin(c);
    expect(pinned).toMatchObject({ userErrors: [], photo: { id: c }, deletedPhotoId: null });
    expect(pinned.page?.galleryPhotos.map((p) => p.id)).toEqual([c, a, b, d]);

    expect((await pin(d)).page?.galleryPhotos.map((p) => p.id)).toEqual([d, c, a, b]);
    expect((await pin(d)).page?.galleryPhotos.map((p) => p.id)).toEqual([d, c, a, b]); // already first
    expect((await pin(b)).page?.galleryPhotos.map((p) => p.id)).toEqual([b, d, c, a]);

    const [e] = await addAccepted(account.id, pngs(1));
    await remove(d);
    expect(await editorPhotoIds(account.handle)).toEqual([b, c, a, e]);
    expect(await editorPhotoIds(account.handle)).toEqual([b, c, a, e]);
    const positions = (await pageState(t, account.id)).photos.map((p) => p.position);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });

  it('keeps positions unique when photos are pinned concurrently', async () => {
    const account = await freshAccount();
    const ids = await addAccepted(account.id, pngs(5));
    const results = await Promise.all(ids.slice(1).map(pin));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const order = await editorPhotoIds(account.handle);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(order.at(-1)).toBe(ids[0]);
  });
});

describe('the public gallery', () => {
  async function enabledWithPhotos(count: number) {
    const account = await freshAccount();
    await t.as(owner).request(BusinessPageSetEnabledDocument, { accountId: account.id, enabled: true });
    const ids = count > 0 ? await addAccepted(account.id, pngs(count)) : [];
    return { ...account, ids };
  }

  it('is hidden under 5 photos: a page with only 4 photos is not public', async () => {
    const account = await enabledWithPhotos(4);
    const page = await editorPage(t.as(owner), account.handle);
    expect(page).toMatchObject({ enabled: true, visible: false, galleryDisplayable: false, infoDisplayable: false });
    expect(page.galleryPhotos).toHaveLength(4);
    expect(await publicPage(t, account.handle)).toBeNull();
  });

  it('shows from 5 photos; the page is public with the gallery alone, info null', async () => {
    const account = await enabledWithPhotos(5);
    const page = await editorPage(t.as(owner), account.handle);
    expect(page).toMatchObject({ visible: true, galleryDisplayable: true, infoDisplayable: false });
    const visible = await publicPage(t, account.handle);
    expect(visible).toMatchObject({ handle: account.handle, info: null, gallery: { title: 'PHOTO_GALLERY' } });
    expect(visible!.gallery!.photos.map((p) => p.id)).toEqual(account.ids);
    expect(visible!.gallery!.cover.map((p) => p.id)).toEqual(account.ids);
  });

  it('covers with the first 5 photos in gallery order, pins included, with its title', async () => {
    const account = await enabledWithPhotos(8);
    await pin(account.ids[6]);
    await t.as(owner).request(GalleryTitleSetDocument, { accountId: account.id, title: 'MENU' });
    const { gallery } = (await publicPage(t, account.handle))!;
    const order = [account.ids[6], ...account.ids.slice(0, 6), account.ids[7]];
    expect(gallery!.title).toBe('MENU');
    expect(gallery!.photos.map((p) => p.id)).toEqual(order);
    expect(gallery!.cover.map((p) => p.id)).toEqual(order.slice(0, 5));
  });

  it('drops the gallery when a delete leaves 4 photos, keeping the page if info remains', async () => {
    const account = await enabledWithPhotos(5);
    await t.as(owner).request(BusinessInfoUpdateDocument, { accountId: account.id, input: { companyName: 'Still here' } });
    expect((await publicPage(t, account.handle))?.gallery?.photos).toHaveLength(5);
    const result = await remove(account.ids[0]);
    expect(result.page).toMatchObject({ galleryDisplayable: false, visible: true });
    expect(await publicPage(t, account.handle)).toMatchObject({ info: { companyName: 'Still here' }, gallery: null });
  });

  it('is not public while the toggle is off, however full the gallery', async () => {
    const account = await freshAccount();
    await addAccepted(account.id, pngs(10));
    expect(await publicPage(t, account.handle)).toBeNull();
  });
});

describe('the media route', () => {
  let url: string;
  let bytes: Buffer;

  beforeAll(async () => {
    const account = await freshAccount();
    bytes = pngFile(++seed);
    const payload = await add(account.id, [{ bytes, name: 'served.png' }]);
    url = payload.photos![0].url;
  });

  it('serves a photo by its stable URL with its type and a year-long immutable cache', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(await response.text()).toBe('');
  });

  it('answers 304 to a matching If-None-Match, including in a list or as a weak tag', async () => {
    const etag = (await fetch(url)).headers.get('etag')!;
    for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const response = await fetch(url, { headers: { 'if-none-match': header } });
      expect(response.status, header).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    expect((await fetch(url, { headers: { 'if-none-match': '"something-else"' } })).status).toBe(200);
  });

  it('answers 404 for unknown or malformed keys and for a known hash with the wrong extension', async () => {
    const origin = new URL(t.url).origin;
    const hash = sha256(bytes);
    for (const key of [`${'0'.repeat(64)}.png`, `${hash}.jpg`, `${hash}.exe`, hash, '../../etc/passwd', `..%2F${hash}.png`, `${hash.toUpperCase()}.png`, '']) {
      const response = await fetch(`${origin}/media/${key}`);
      expect(response.status, key).toBe(404);
      await response.body?.cancel();
    }
  });

  it('answers 405 to other methods, naming the allowed ones', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(url, { method, body: method === 'DELETE' ? undefined : 'x' });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    const before = await readFile(path.join(t.app.services.config.mediaDir, url.split('/').pop()!.slice(0, 2), url.split('/').pop()!));
    expect(before).toEqual(bytes);
  });
});
