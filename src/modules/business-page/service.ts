// The business page: toggle, business info, photo gallery (PRODUCT §2).
import type { GalleryTitle } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import type { MediaStore } from '../../platform/media.ts';
import { checkBusinessInfo, galleryDisplayable, GALLERY_MAX_PHOTOS, infoKeys, PHOTO_MAX_BYTES, PHOTO_TYPES, toE164, type BusinessInfoInput } from './rules.ts';

export async function setPageEnabled(db: Db, accountId: string, enabled: boolean) {
  return db.businessPage.upsert({ where: { accountId }, create: { accountId, enabled }, update: { enabled } });
}

export async function updateBusinessInfo(db: Db, clock: Clock, accountId: string, input: BusinessInfoInput) {
  refuseIfAny(checkBusinessInfo(input, clock.now()));
  const data: Record<string, unknown> = {};
  for (const key of infoKeys) {
    const value = input[key];
    if (value === undefined) continue;
    if (value === null) data[key] = null;
    else if (key === 'establishedOn') data[key] = new Date(`${value}T00:00:00Z`);
    else if (key === 'phone') data[key] = toE164(value.trim()); // checked above: never null here
    else data[key] = value.trim();
  }
  return db.businessPage.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });
}

export async function setGalleryTitle(db: Db, accountId: string, galleryTitle: GalleryTitle) {
  return db.businessPage.upsert({ where: { accountId }, create: { accountId, galleryTitle }, update: { galleryTitle } });
}

/** Serialises gallery changes of one account (count and positions are read-then-write). */
async function lockAccount(tx: Tx, accountId: string) {
  await tx.$queryRaw`SELECT id FROM "BusinessAccount" WHERE id = ${accountId}::uuid FOR UPDATE`;
}

export interface Upload {
  bytes: Uint8Array;
}

/** Adds photos at the end of the gallery: all of them or, on any refusal, none. */
export async function addPhotos(db: Db, media: MediaStore, accountId: string, uploads: Upload[]) {
  if (uploads.length === 0) refuse('REQUIRED', ['files'], 'Send at least one photo.');
  const checked = await Promise.all(
    uploads.map(async (upload, index): Promise<{ type: string } | UserError> => {
      if (upload.bytes.byteLength > PHOTO_MAX_BYTES) {
        return userError('FILE_TOO_LARGE', ['files', String(index)], `Photos are at most ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`);
      }
      const type = await media.sniff(upload.bytes);
      if (!type || !PHOTO_TYPES.includes(type)) return userError('FILE_TYPE_NOT_ALLOWED', ['files', String(index)], 'Photos must be JPEG, PNG or WebP images.');
      return { type };
    }),
  );
  // in file order (the checks above finish in any order)
  refuseIfAny(checked.filter((result): result is UserError => 'code' in result));
  const types = checked.map((result) => (result as { type: string }).type);
  return db.$transaction(async (tx) => {
    await lockAccount(tx, accountId);
    const existing = await tx.galleryPhoto.aggregate({ where: { accountId }, _count: true, _max: { position: true } });
    if (existing._count + uploads.length > GALLERY_MAX_PHOTOS) {
      refuse('GALLERY_FULL', ['files'], `The gallery holds at most ${GALLERY_MAX_PHOTOS} photos; it has ${existing._count}.`);
    }
    let position = existing._max.position ?? 0;
    const photos = [];
    for (const [index, upload] of uploads.entries()) {
      const stored = await media.put(upload.bytes, types[index]!);
      // identical bytes share one object; ON CONFLICT DO NOTHING also holds when another
      // gallery stores the same bytes concurrently (a read-then-write upsert would not)
      await tx.mediaObject.createMany({ data: [stored], skipDuplicates: true });
      position += 1;
      photos.push(await tx.galleryPhoto.create({ data: { accountId, mediaKey: stored.key, position } }));
    }
    return photos;
  });
}

function photoNotFound(): never {
  refuse('NOT_FOUND', ['id'], 'The photo does not exist (it may have been deleted).');
}

export async function deletePhoto(db: Db, photoId: string) {
  const photo = await db.galleryPhoto.findUnique({ where: { id: photoId } });
  // deleteMany: a concurrent delete of the same photo wins once, the other is NOT_FOUND
  if (!photo || (await db.galleryPhoto.deleteMany({ where: { id: photoId } })).count === 0) photoNotFound();
  return photo;
}

/** Moves a photo to the first position; the others keep their order. */
export async function pinPhoto(db: Db, photoId: string) {
  return db.$transaction(async (tx) => {
    const owner = await tx.galleryPhoto.findUnique({ where: { id: photoId }, select: { accountId: true } });
    if (!owner) photoNotFound();
    await lockAccount(tx, owner.accountId);
    // read under the lock: a concurrent pin or delete may have changed it
    const photo = await tx.galleryPhoto.findUnique({ where: { id: photoId } });
    if (!photo) photoNotFound();
    const first = await tx.galleryPhoto.aggregate({ where: { accountId: photo.accountId }, _min: { position: true } });
    if (first._min.position === photo.position) return photo;
    return tx.galleryPhoto.update({ where: { id: photoId }, data: { position: (first._min.position ?? 0) - 1 } });
  });
}

/**
 * Which of these accounts show their photos to the public: the page is switched on and the
 * gallery is displayable (then the page is visible whatever the info module holds).
 */
export async function publicGalleries(db: Db, accountIds: readonly string[]): Promise<Set<string>> {
  const pages = await db.businessPage.findMany({
    where: { accountId: { in: [...accountIds] }, enabled: true },
    select: { accountId: true, account: { select: { _count: { select: { photos: true } } } } },
  });
  return new Set(pages.filter((page) => galleryDisplayable(page.account._count.photos)).map((page) => page.accountId));
}
