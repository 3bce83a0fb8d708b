// Shared setup for API tests: signed-in users, an organization with business accounts and
// its team, and small valid (or deliberately invalid) image files for uploads.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { solidPng } from '../../src/demo.ts';
import type { MemberRole } from '../../src/generated/prisma/enums.ts';
import {
  BusinessAccountCreateDocument,
  BusinessPageEditorDocument,
  GalleryPhotosAddDocument,
  MemberAddDocument,
  OrganizationCreateDocument,
  PublicBusinessPageDocument,
  type GalleryPhotosAddMutation,
} from '../generated/graphql.ts';
import type { TestApp } from './app.ts';
import type { Api } from './client.ts';

// ───────────── people and teams ─────────────

/** Makes each user's first request, which creates the user (memberAdd needs that). */
export async function signIn(t: TestApp, ...handles: string[]): Promise<void> {
  for (const handle of handles) await t.as(handle).request(`{ viewer { handle } }`);
}

export interface TeamSpec {
  owner: string;
  /** handles of the business accounts to create, in order */
  accounts: string[];
  /** the other members and their roles, by handle */
  members?: Record<string, MemberRole>;
  /** members limited to some of the accounts: member handle → account handles */
  restrictedTo?: Record<string, string[]>;
  name?: string;
}

export interface Team {
  organizationId: string;
  /** global ids of the accounts, by handle */
  accountIds: Record<string, string>;
  /** global ids of the memberships, by handle (the owner included) */
  memberIds: Record<string, string>;
}

export function accepted<T>(payload: { userErrors: { code: string; field?: string[] | null }[] } & T, what: string): T {
  if (payload.userErrors.length > 0) throw new Error(`${what} refused: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** An organization created by `owner`, with its business accounts and members. */
export async function createTeam(t: TestApp, spec: TeamSpec): Promise<Team> {
  await signIn(t, spec.owner, ...Object.keys(spec.members ?? {}));
  const { organization } = accepted(
    (await t.as(spec.owner).request(OrganizationCreateDocument, { input: { name: spec.name ?? `${spec.owner}'s company` } })).organizationCreate,
    'organizationCreate',
  );
  const team: Team = { organizationId: organization!.id, accountIds: {}, memberIds: { [spec.owner]: organization!.viewerMembership!.id } };
  for (const handle of spec.accounts) team.accountIds[handle] = await createAccount(t, spec.owner, team.organizationId, handle);
  for (const [handle, role] of Object.entries(spec.members ?? {})) {
    const accountIds = spec.restrictedTo?.[handle]?.map((account) => team.accountIds[account]);
    const { member } = accepted((await t.as(spec.owner).request(MemberAddDocument, { organizationId: team.organizationId, input: { handle, role, accountIds } })).memberAdd, 'memberAdd');
    team.memberIds[handle] = member!.id;
  }
  return team;
}

/** A business account (displayed as "Display <handle>") created by a manager; returns its global id. */
export async function createAccount(t: TestApp, manager: string, organizationId: string, handle: string): Promise<string> {
  const input = { handle, displayName: `Display ${handle}`, region: 'FR', category: 'Bakery' };
  const result = await t.as(manager).request(BusinessAccountCreateDocument, { organizationId, input });
  return accepted(result.businessAccountCreate, 'businessAccountCreate').account!.id;
}

// ───────────── files ─────────────

/** A valid PNG; a different seed gives different bytes (and so a different media key). */
export function pngFile(seed = 0): Buffer {
  return solidPng(2, 2, [seed & 0xff, (seed >> 8) & 0xff, 0x40]);
}

/** A minimal JFIF JPEG (SOI, APP0 "JFIF", a comment carrying the seed, EOI). */
export function jpegFile(seed = 0): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const comment = [0xff, 0xfe, 0x00, 0x06, ...Buffer.alloc(4).fill(0).map((_, i) => (seed >> (8 * i)) & 0xff)];
  return Buffer.from([0xff, 0xd8, ...app0, ...comment, 0xff, 0xd9]);
}

/** A minimal lossy WebP: RIFF header, "WEBP", a "VP8 " chunk whose payload carries the seed. */
export function webpFile(seed = 0): Buffer {
  const payload = Buffer.alloc(10);
  payload.writeUInt32LE(seed >>> 0, 0);
  const chunk = Buffer.concat([Buffer.from('VP8 '), Buffer.from([payload.length, 0, 0, 0]), payload]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + chunk.length, 0);
  return Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), chunk]);
}

/** A 1×1 GIF89a. */
export function gifFile(): Buffer {
  return Buffer.from([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b]);
}

/** An ISO base media file (an `ftyp` box and a `free` box): MP4 with brand "isom", QuickTime with "qt  ". */
export function videoFile(brand: 'isom' | 'qt  ' = 'isom', seed = 0): Buffer {
  const box = (type: string, payload: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + payload.length, 0);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, payload]);
  };
  const free = Buffer.alloc(8);
  free.writeUInt32BE(seed >>> 0, 0);
  return Buffer.concat([box('ftyp', Buffer.from(`${brand}\0\0\x02\0${brand}mp41`, 'latin1')), box('free', free)]);
}

/** `bytes` long and starting with a PNG signature, so only its size is wrong. */
export function oversizedPngFile(bytes: number): Buffer {
  const file = Buffer.alloc(bytes);
  pngFile().copy(file);
  return file;
}

export function textFile(text = 'just some text, not an image'): Buffer {
  return Buffer.from(text, 'utf8');
}

// ───────────── business page ─────────────

export interface UploadFile {
  bytes: Uint8Array;
  name?: string;
  type?: string;
}

/** galleryPhotosAdd as a GraphQL multipart request, one part per file. */
export function uploadPhotos(api: Api, accountId: string, files: UploadFile[]) {
  return api.upload<GalleryPhotosAddMutation>(
    GalleryPhotosAddDocument,
    { accountId, files: files.map(() => null) },
    Object.fromEntries(files.map((file, index) => [`files.${index}`, file])),
  );
}

/** The team's view of an account's page, as `api` reads it. */
export async function editorPage(api: Api, handle: string) {
  return (await api.request(BusinessPageEditorDocument, { handle })).businessAccount!.page!;
}

/** The page as an anonymous visitor sees it (null when not public). */
export async function publicPage(t: TestApp, handle: string) {
  return (await t.anonymous().request(PublicBusinessPageDocument, { handle })).businessPage;
}

/** Every file under the media directory, relative to it, sorted. */
export async function mediaFiles(t: TestApp): Promise<string[]> {
  const dir = t.app.services.config.mediaDir;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** What the business page module stored for an account, plus every media object and file. */
export async function pageState(t: TestApp, accountGlobalId: string) {
  const accountId = localId(accountGlobalId);
  return {
    page: await t.db.businessPage.findUnique({ where: { accountId } }),
    photos: await t.db.galleryPhoto.findMany({ where: { accountId }, orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
    media: await t.db.mediaObject.findMany({ orderBy: { key: 'asc' } }),
    files: await mediaFiles(t),
  };
}

// ───────────── ids, refusals and stored state ─────────────

/** The database id inside a global id. */
export const localId = (globalId: string): string => decodeGlobalID(globalId).id;

/** Everything the accounts module stores (users aside), in a stable order. */
export async function storedAccounts(t: TestApp) {
  const [organizations, memberships, memberAccess, accounts, pages] = await Promise.all([
    t.db.organization.findMany({ orderBy: { id: 'asc' } }),
    t.db.membership.findMany({ orderBy: { id: 'asc' } }),
    t.db.membershipAccount.findMany({ orderBy: [{ membershipId: 'asc' }, { accountId: 'asc' }] }),
    t.db.businessAccount.findMany({ orderBy: { id: 'asc' } }),
    t.db.businessPage.count(),
  ]);
  return { organizations, memberships, memberAccess, accounts, pages };
}

/** Runs a refused operation and asserts that nothing the accounts module stores changed. */
export async function expectNothingChanged<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedAccounts(t);
  const result = await operation();
  expect(await storedAccounts(t)).toEqual(before);
  return result;
}

type Response = { errors?: { extensions?: { code?: string } }[]; data?: unknown };

/** A top-level refusal (UNAUTHENTICATED, FORBIDDEN…) of a mutation: no data at all. */
export function expectTopLevelError(response: Response, code: string): void {
  expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  expect(response.data ?? null).toBeNull();
}

/** A mutation payload refused with exactly these user errors (code and field path). */
export function expectUserErrors(payload: { userErrors: { code: string; field?: string[] | null }[] } | undefined, ...expected: [code: string, field: string[] | null][]): void {
  expect(payload?.userErrors.map(({ code, field }) => [code, field ?? null])).toEqual(expected);
}
