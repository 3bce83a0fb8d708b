// GraphQL surface of the business page: the team's editor view, its mutations and the
// public view a visitor sees.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GalleryPhoto } from '../../generated/prisma/client.ts';
import { GalleryTitle } from '../../generated/prisma/enums.ts';
import { allRoles, managerRoles } from '../../platform/access.ts';
import { builder } from '../../platform/builder.ts';
import type { Context } from '../../platform/context.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { accountScope, byAccountIdArg } from '../../platform/scopes.ts';
import { BusinessAccountRef } from '../accounts/schema.ts';
import { galleryDisplayable, GALLERY_MIN_DISPLAYED, infoDisplayable, infoKeys, pageVisible, type BusinessInfo } from './rules.ts';
import { announcePublicPageChange, publicPageCache } from './public-cache.ts';
import type { PublicPage } from './public-page.ts';
import './events.ts';
import * as pages from './service.ts';

export const GalleryTitleEnum = builder.enumType(GalleryTitle, {
  name: 'GalleryTitle',
  description: 'Preset titles of the photo gallery module.',
  values: {
    PHOTO_GALLERY: { description: '"Photo gallery" (the default).' },
    MENU: { description: '"Menu".' },
    ENVIRONMENT: { description: '"Environment".' },
    PRODUCTS_AND_SERVICES: { description: '"Products and services".' },
  },
});

const photoOrder = [{ position: 'asc' as const }, { id: 'asc' as const }];

/** Who may read the team's view of an account's page. */
const pageReaders = (accountId: string) => ({ $any: { account: { id: accountId, roles: allRoles }, platformAdmin: true, reviewer: true } });

/** Whether the account's photos are on its public page, once per account per operation. */
const galleryPublic = (ctx: Context, accountId: string) =>
  ctx.loader<string, boolean>('publicGalleries', async (ids) => {
    const visible = await pages.publicGalleries(ctx.db, ids);
    return ids.map((id) => visible.has(id));
  }).load(accountId);
type PhotoMedia = { contentType: string; size: number };

/** The photo's media facts: carried by the photo when it was loaded with them, else one batched read per operation. */
function mediaOf<K extends keyof PhotoMedia>(photo: GalleryPhoto & { media?: PhotoMedia }, ctx: Context, key: K): PhotoMedia[K] | Promise<PhotoMedia[K]> {
  if (photo.media) return photo.media[key];
  const media = ctx.loader<string, PhotoMedia>('galleryPhotoMedia', async (keys) => {
    const rows = await ctx.db.mediaObject.findMany({ where: { key: { in: [...keys] } }, select: { key: true, contentType: true, size: true } });
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.map((k) => byKey.get(k) ?? new Error(`media ${k} is missing`));
  });
  return media.load(photo.mediaKey).then((m) => m[key]);
}

export const GalleryPhotoRef = builder.prismaNode('GalleryPhoto', {
  description: 'A photo of a business page’s gallery (JPEG, PNG or WebP, at most 10 MB), as visitors and the account’s team see it.',
  id: { field: 'id' },
  // by id: anyone while the public page shows it; otherwise those who may read the team's page
  loadableBy: async (photo, ctx) => (await galleryPublic(ctx, photo.accountId)) || pageReaders(photo.accountId),
  fields: (t) => ({
    // no `select`: a photo of the cached public page carries its media already, and a field
    // selection would make Pothos reload every such photo
    url: t.string({ description: 'Stable public URL of the image (content-addressed, cacheable forever).', resolve: (photo, _args, ctx) => ctx.media.url(photo.mediaKey) }),
    contentType: t.string({ description: 'MIME type detected from the content: image/jpeg, image/png or image/webp.', resolve: (photo, _args, ctx) => mediaOf(photo, ctx, 'contentType') }),
    size: t.int({ description: 'Size in bytes (at most 10 MB).', resolve: (photo, _args, ctx) => mediaOf(photo, ctx, 'size') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the photo was uploaded.' }),
  }),
});

const BusinessInfoRef = builder.objectRef<BusinessInfo>('BusinessInfo').implement({
  description: 'The business info module. Every attribute is optional.',
  fields: (t) => ({
    companyName: t.exposeString('companyName', { nullable: true, description: 'Registered company name, at most 100 characters.' }),
    establishedOn: t.expose('establishedOn', { type: 'Date', nullable: true, description: 'Date the company was established (never in the future).' }),
    region: t.exposeString('region', { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' }),
    website: t.exposeString('website', { nullable: true, description: 'Absolute http(s) URL.' }),
    email: t.exposeString('email', { nullable: true, description: 'Contact email address.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Contact phone number in E.164 form, e.g. +33123456789.' }),
    address: t.exposeString('address', { nullable: true, description: 'Postal address, at most 200 characters.' }),
    iosAppUrl: t.exposeString('iosAppUrl', { nullable: true, description: 'App Store link (apps.apple.com or itunes.apple.com).' }),
    androidAppUrl: t.exposeString('androidAppUrl', { nullable: true, description: 'Google Play link (play.google.com).' }),
    category: t.exposeString('category', { nullable: true, description: 'Business category, at most 64 characters.' }),
  }),
});

builder.prismaObject('BusinessPage', {
  description: 'The team’s view of the business page, displayable or not.',
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled', { description: 'The on/off toggle.' }),
    visible: t.boolean({
      description: 'Whether visitors see the page: enabled and at least one module displayable.',
      select: { ...Object.fromEntries(infoKeys.map((k) => [k, true])), enabled: true, account: { select: { _count: { select: { photos: true } } } } },
      resolve: (page) => pageVisible(page, page.account._count.photos),
    }),
    info: t.field({
      type: BusinessInfoRef,
      description: 'The business info module, filled or not.',
      select: Object.fromEntries(infoKeys.map((k) => [k, true])) as Record<(typeof infoKeys)[number], true>,
      resolve: (page) => page,
    }),
    infoDisplayable: t.boolean({
      description: 'The info module shows on the public page: at least one attribute is set.',
      select: Object.fromEntries(infoKeys.map((k) => [k, true])) as Record<(typeof infoKeys)[number], true>,
      resolve: (page) => infoDisplayable(page),
    }),
    galleryTitle: t.expose('galleryTitle', { type: GalleryTitleEnum, description: 'The gallery module’s title.' }),
    galleryPhotos: t.field({
      type: [GalleryPhotoRef],
      description: 'Every photo (at most 10), in display order.',
      select: (_args, _ctx, nested) => ({ account: { select: { photos: nested({ orderBy: photoOrder }) } } }),
      resolve: (page) => page.account.photos,
    }),
    galleryDisplayable: t.boolean({
      description: `The gallery shows from ${GALLERY_MIN_DISPLAYED} photos.`,
      select: { account: { select: { _count: { select: { photos: true } } } } },
      resolve: (page) => galleryDisplayable(page.account._count.photos),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the toggle, info or gallery title last changed.' }),
  }),
});

builder.prismaObjectField('BusinessAccount', 'page', (t) =>
  t.relation('page', {
    nullable: true,
    description: 'The business page as the team edits it. The account’s team and platform staff only; visitors read `businessPage(handle:)`.',
    authScopes: (account) => pageReaders(account.id),
  }),
);

const PublicGalleryRef = builder.objectRef<Pick<PublicPage, 'title' | 'photos'>>('PublicGallery').implement({
  description: `The photo gallery module as visitors see it (shown only from ${GALLERY_MIN_DISPLAYED} photos).`,
  fields: (t) => ({
    title: t.field({ type: GalleryTitleEnum, description: 'The module’s title.', resolve: (g) => g.title }),
    photos: t.field({ type: [GalleryPhotoRef], description: 'Every photo, in display order (pinned photo first).', resolve: (g) => g.photos }),
    cover: t.field({ type: [GalleryPhotoRef], description: `The first ${GALLERY_MIN_DISPLAYED} photos.`, resolve: (g) => g.photos.slice(0, GALLERY_MIN_DISPLAYED) }),
  }),
});

const PublicBusinessPageRef = builder.objectRef<PublicPage>('PublicBusinessPage').implement({
  description: 'Exactly what a visitor sees: only displayable modules.',
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'The account’s handle.' }),
    displayName: t.exposeString('displayName', { description: 'The account’s display name.' }),
    info: t.field({ type: BusinessInfoRef, nullable: true, description: 'The business info; null when no attribute is set. Unset attributes are null.', resolve: (p) => p.info }),
    gallery: t.field({
      type: PublicGalleryRef,
      nullable: true,
      description: `The photo gallery; null below ${GALLERY_MIN_DISPLAYED} photos.`,
      resolve: (p) => (galleryDisplayable(p.photos.length) ? { title: p.title, photos: p.photos } : null),
    }),
  }),
});

builder.queryField('businessPage', (t) =>
  t.field({
    type: PublicBusinessPageRef,
    nullable: true,
    description: 'The public business page of a handle, exactly as a visitor sees it; null when it is not visible (switched off or nothing displayable). No token needed.',
    args: { handle: t.arg.string({ required: true, description: 'The account’s handle, without the @.' }) },
    resolve: (_root, args, ctx) => publicPageCache(ctx).page(args.handle),
  }),
);

// ───────────── mutations ─────────────

const BusinessInfoInput = builder.inputType('BusinessInfoInput', {
  description: 'Omitted fields stay as they are; null clears a field.',
  fields: (t) => ({
    companyName: t.string({ description: 'At most 100 characters.' }),
    establishedOn: t.field({ type: 'Date', description: 'Not in the future.' }),
    region: t.string({ description: 'ISO 3166-1 alpha-2 country code.' }),
    website: t.string({ description: 'Absolute http(s) URL.' }),
    email: t.string({ description: 'A well-formed email address.' }),
    phone: t.string({ description: 'International form (+ and the country code), e.g. +33 1 23 45 67 89; an existing number, stored in E.164 (+33123456789).' }),
    address: t.string({ description: 'At most 200 characters.' }),
    iosAppUrl: t.string({ description: 'App Store link (apps.apple.com).' }),
    androidAppUrl: t.string({ description: 'Google Play link (play.google.com).' }),
    category: t.string({ description: 'At most 64 characters.' }),
  }),
});

const BusinessPagePayload = payloadType<{ accountId: string }>('BusinessPagePayload', (t) => ({
  page: t.prismaField({
    type: 'BusinessPage',
    nullable: true,
    description: 'The page after the change.',
    resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessPage.findUnique({ ...q, where: { accountId: p.accountId } }) : null),
  }),
}));

const GalleryPhotosAddPayload = payloadType<{ accountId: string; photoIds: string[] }>('GalleryPhotosAddPayload', (t) => ({
  photos: t.prismaField({
    type: ['GalleryPhoto'],
    nullable: true,
    description: 'The photos added, in gallery order.',
    resolve: (q, p, _a, ctx) => (p.photoIds ? ctx.db.galleryPhoto.findMany({ ...q, where: { id: { in: p.photoIds } }, orderBy: photoOrder }) : null),
  }),
  page: t.prismaField({
    type: 'BusinessPage',
    nullable: true,
    description: 'The page after the upload.',
    resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessPage.findUnique({ ...q, where: { accountId: p.accountId } }) : null),
  }),
}));

const GalleryPhotoPayload = payloadType<{ accountId: string; photoId: string; deleted: boolean }>('GalleryPhotoPayload', (t) => ({
  photo: t.prismaField({
    type: 'GalleryPhoto',
    nullable: true,
    description: 'The photo pinned; null after a delete.',
    resolve: (q, p, _a, ctx) => (p.photoId && !p.deleted ? ctx.db.galleryPhoto.findUnique({ ...q, where: { id: p.photoId } }) : null),
  }),
  deletedPhotoId: t.id({ nullable: true, description: 'Global id of the deleted photo.', resolve: (p) => (p.deleted && p.photoId ? encodeGlobalID('GalleryPhoto', p.photoId) : null) }),
  page: t.prismaField({
    type: 'BusinessPage',
    nullable: true,
    description: 'The page after the change.',
    resolve: (q, p, _a, ctx) => (p.accountId ? ctx.db.businessPage.findUnique({ ...q, where: { accountId: p.accountId } }) : null),
  }),
}));

/** Runs a page change and, when it was accepted, tells the account's subscribers. */
async function pageChange<T extends { accountId?: string }>(ctx: Context, work: () => Promise<T>) {
  const result = await attempt(work);
  if (result.accountId) {
    announcePublicPageChange(ctx, { accountIds: [result.accountId] });
    ctx.pubsub.publish('businessPage', result.accountId, { accountId: result.accountId, at: ctx.clock.now().toISOString() });
  }
  return result;
}

const manageAccount = accountScope(managerRoles, byAccountIdArg);
const managePhotoAccount = accountScope(managerRoles, async (args: { id: { id: string } }, ctx) =>
  (await ctx.db.galleryPhoto.findUnique({ where: { id: args.id.id }, select: { accountId: true } }))?.accountId,
);
/** A manager of the photo's account. A photo that does not exist (any more) is the service's
 * NOT_FOUND for any signed-in user, so a repeated delete is not mistaken for FORBIDDEN. */
const manageAccountOfPhoto = async (root: unknown, args: { id: { id: string } }, ctx: Context) =>
  (await managePhotoAccount(root, args, ctx)) || { authenticated: true };

builder.mutationFields((t) => ({
  businessPageSetEnabled: t.field({
    type: BusinessPagePayload,
    description: 'Turns the business page on or off. Owners and admins who work on the account.',
    authScopes: manageAccount,
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose page it is.' }), enabled: t.arg.boolean({ required: true, description: 'true shows the page (once a module is displayable); false hides it.' }) },
    resolve: (_root, args, ctx) =>
      pageChange(ctx, async () => ({ accountId: (await pages.setPageEnabled(ctx.db, args.accountId.id, args.enabled)).accountId })),
  }),
  businessInfoUpdate: t.field({
    type: BusinessPagePayload,
    description: 'Sets or clears business info attributes, each validated; every problem is listed and nothing changes if any. Owners and admins who work on the account.',
    authScopes: manageAccount,
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose page it is.' }), input: t.arg({ type: BusinessInfoInput, required: true, description: 'The attributes to change.' }) },
    resolve: (_root, args, ctx) =>
      pageChange(ctx, async () => ({ accountId: (await pages.updateBusinessInfo(ctx.db, ctx.clock, args.accountId.id, args.input)).accountId })),
  }),
  galleryTitleSet: t.field({
    type: BusinessPagePayload,
    description: 'Sets the gallery module’s title. Owners and admins who work on the account.',
    authScopes: manageAccount,
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose page it is.' }), title: t.arg({ type: GalleryTitleEnum, required: true, description: 'The new title.' }) },
    resolve: (_root, args, ctx) => pageChange(ctx, async () => ({ accountId: (await pages.setGalleryTitle(ctx.db, args.accountId.id, args.title)).accountId })),
  }),
  galleryPhotosAdd: t.field({
    type: GalleryPhotosAddPayload,
    description: 'Uploads photos (JPEG, PNG or WebP by content, at most 10 MB each) to the end of the gallery, which holds at most 10; all or none. Owners and admins who work on the account.',
    authScopes: manageAccount,
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose page it is.' }), files: t.arg({ type: ['File'], required: true, description: 'At least one image, sent as multipart uploads.' }) },
    resolve: (_root, args, ctx) =>
      pageChange(ctx, async () => {
        const uploads = await Promise.all(args.files.map(async (file) => ({ bytes: new Uint8Array(await file.arrayBuffer()) })));
        const photos = await pages.addPhotos(ctx.db, ctx.media, args.accountId.id, uploads);
        return { accountId: args.accountId.id, photoIds: photos.map((p) => p.id) };
      }),
  }),
  galleryPhotoDelete: t.field({
    type: GalleryPhotoPayload,
    description: 'Deletes a photo; the others keep their order. Owners and admins who work on the account.',
    authScopes: manageAccountOfPhoto,
    args: { id: t.arg.globalID({ required: true, for: GalleryPhotoRef, description: 'The photo.' }) },
    resolve: (_root, args, ctx) =>
      pageChange(ctx, async () => {
        const photo = await pages.deletePhoto(ctx.db, args.id.id);
        return { accountId: photo.accountId, photoId: photo.id, deleted: true };
      }),
  }),
  galleryPhotoPin: t.field({
    type: GalleryPhotoPayload,
    description: 'Moves the photo to the first position (first on the cover); the others keep their order. Owners and admins who work on the account.',
    authScopes: manageAccountOfPhoto,
    args: { id: t.arg.globalID({ required: true, for: GalleryPhotoRef, description: 'The photo.' }) },
    resolve: (_root, args, ctx) =>
      pageChange(ctx, async () => {
        const photo = await pages.pinPhoto(ctx.db, args.id.id);
        return { accountId: photo.accountId, photoId: photo.id, deleted: false };
      }),
  }),
}));

builder.subscriptionField('businessPageUpdated', (t) =>
  t.prismaField({
    type: 'BusinessPage',
    description: 'The team’s page each time it changes (toggle, info, gallery). Any member who works on the account; ends when they lose access.',
    authScopes: (_root, args) => ({ account: { id: args.accountId.id, roles: allRoles } }),
    args: { accountId: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account whose page to follow.' }) },
    subscribe: (_root, args, ctx) => ctx.pubsub.subscribe('businessPage', args.accountId.id),
    resolve: (query, event, _args, ctx) => ctx.db.businessPage.findUniqueOrThrow({ ...query, where: { accountId: event.accountId } }),
  }),
);
