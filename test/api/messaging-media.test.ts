// Message kinds and media through the API: what users may send (images, videos, stickers,
// shared posts), what businesses may send (JPEG/PNG ≤ 3 MB checked by content, their own
// posts), and the region rules: media-send strategy and risk control by recipient,
// integration access by the account's region (through the service: no integration tokens yet).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../src/modules/messaging/service.ts';
import { UserInputError } from '../../src/platform/errors.ts';
import { integrationRestrictedRegions, mediaSendRestrictedRegions } from '../../src/platform/regions.ts';
import type { TestApp } from '../support/app.ts';
import {
  expectTopLevelError,
  expectUserErrors,
  gifFile,
  jpegFile,
  localId,
  oversizedPngFile,
  pngFile,
  textFile,
  videoFile,
  webpFile,
} from '../support/fixtures.ts';
import { createPost } from '../support/lead-forms.ts';
import { userGlobalId, userId } from '../support/leads.ts';
import {
  conversationRow,
  dmTeam,
  startWithDmTeam,
  expectNoMessagingChange,
  messageRows,
  reply,
  replyFile,
  sendDm,
  sendDmFile,
  startConversation,
  storedMessaging,
  USER_ERRORS,
  type DmTeam,
} from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam()));
afterAll(() => t?.close());

const MB = 1024 * 1024;

/** Fetches a media URL the API returned. */
async function download(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('inbound messages', () => {
  it('accepts images (JPEG, PNG, WebP, GIF) and videos (MP4, QuickTime), stored by content and served back', async () => {
    const files: [string, 'IMAGE' | 'VIDEO', Buffer, string][] = [
      ['jpeg', 'IMAGE', jpegFile(1), 'image/jpeg'],
      ['png', 'IMAGE', pngFile(1), 'image/png'],
      ['webp', 'IMAGE', webpFile(1), 'image/webp'],
      ['gif', 'IMAGE', gifFile(), 'image/gif'],
      ['mp4', 'VIDEO', videoFile('isom', 1), 'video/mp4'],
      ['mov', 'VIDEO', videoFile('qt  ', 1), 'video/quicktime'],
    ];
    for (const [name, kind, bytes, type] of files) {
      const sent = await sendDmFile(t.as('media.fan'), team.shopHandle, kind, bytes);
      expect(sent.userErrors, name).toEqual([]);
      expect(sent.message).toMatchObject({ direction: 'INBOUND', kind, text: null });
      const served = await download(sent.message.mediaUrl);
      expect([served.status, served.type, served.bytes.equals(bytes)], name).toEqual([200, type, true]);
      const [row] = (await messageRows(t, sent.conversation.id)).slice(-1);
      expect(await t.db.mediaObject.findUniqueOrThrow({ where: { key: row.mediaKey! } })).toMatchObject({ contentType: type, size: bytes.length });
    }
  });

  it('refuses files whose content is not of the kind, images over 20 MB, and a missing file, storing nothing', async () => {
    const cases: [string, 'IMAGE' | 'VIDEO', Buffer, string][] = [
      ['text as image', 'IMAGE', textFile(), 'FILE_TYPE_NOT_ALLOWED'],
      ['video as image', 'IMAGE', videoFile(), 'FILE_TYPE_NOT_ALLOWED'],
      ['image as video', 'VIDEO', pngFile(2), 'FILE_TYPE_NOT_ALLOWED'],
      ['21 MB image', 'IMAGE', oversizedPngFile(20 * MB + 1), 'FILE_TOO_LARGE'],
    ];
    for (const [name, kind, bytes, code] of cases) {
      const refused = await expectNoMessagingChange(t, () => sendDmFile(t.as('media.fan'), team.shopHandle, kind, bytes));
      expect(
        refused.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field]),
        name,
      ).toEqual([[code, ['input', 'file']]]);
    }
    for (const kind of ['IMAGE', 'VIDEO'] as const) {
      const missing = await expectNoMessagingChange(t, () => sendDm(t.as('media.fan'), team.shopHandle, { kind }));
      expectUserErrors(missing, ['REQUIRED', ['input', 'file']]);
    }
  });

  it('accepts a 20 MB image', async () => {
    const sent = await sendDmFile(t.as('media.big'), team.shopHandle, 'IMAGE', oversizedPngFile(20 * MB));
    expect(sent.userErrors).toEqual([]);
  });

  it('keeps text and media apart: a media message carrying text is refused', async () => {
    const refused = await expectNoMessagingChange(t, () => sendDmFile(t.as('media.fan'), team.shopHandle, 'IMAGE', pngFile(3), { text: 'look at this' }));
    expectUserErrors(refused, ['INVALID', ['input', 'text']]);
  });

  it('accepts stickers by id and refuses malformed or missing ids', async () => {
    const sent = await sendDm(t.as('media.sticker'), team.shopHandle, { kind: 'STICKER', stickerId: 'pack.v2:smile_01' });
    expect(sent.userErrors).toEqual([]);
    expect(sent.message).toMatchObject({ kind: 'STICKER', stickerId: 'pack.v2:smile_01', text: null, mediaUrl: null });
    for (const [stickerId, code] of [
      ['not a sticker!', 'INVALID'],
      ['x'.repeat(65), 'INVALID'],
      [null, 'REQUIRED'],
    ] as const) {
      const refused = await expectNoMessagingChange(t, () => sendDm(t.as('media.sticker'), team.shopHandle, { kind: 'STICKER', stickerId }));
      expectUserErrors(refused, [code, ['input', 'stickerId']]);
    }
  });

  it('shares any existing post, and refuses unknown or missing posts', async () => {
    const other = await dmTeam(t, 'media_o');
    const theirPost = await createPost(other.owner, other.shop);
    const sent = await sendDm(t.as('media.sharer'), team.shopHandle, { kind: 'SHARE_POST', postId: theirPost });
    expect(sent.userErrors).toEqual([]);
    expect(sent.message).toMatchObject({ kind: 'SHARE_POST', post: { id: theirPost } });
    const unknown = await expectNoMessagingChange(t, () =>
      sendDm(t.as('media.sharer'), team.shopHandle, { kind: 'SHARE_POST', postId: encodeGlobalID('Post', randomUUID()) }),
    );
    expectUserErrors(unknown, ['NOT_FOUND', ['input', 'postId']]);
    const missing = await expectNoMessagingChange(t, () => sendDm(t.as('media.sharer'), team.shopHandle, { kind: 'SHARE_POST' }));
    expectUserErrors(missing, ['REQUIRED', ['input', 'postId']]);
  });
});

describe('outbound messages', () => {
  let conversation: string;
  beforeAll(async () => {
    conversation = await startConversation(t.as('media.client'), team.shopHandle);
  });

  it('sends JPEG and PNG images up to 3 MB, each taking a reply slot', async () => {
    const exactly3 = oversizedPngFile(3 * MB);
    for (const [bytes, type] of [
      [jpegFile(7), 'image/jpeg'],
      [pngFile(7), 'image/png'],
      [exactly3, 'image/png'],
    ] as const) {
      const sent = await replyFile(t.as(team.handle('agent')), conversation, 'IMAGE', bytes);
      expect(sent.userErrors).toEqual([]);
      expect(sent.message).toMatchObject({ direction: 'OUTBOUND', kind: 'IMAGE', sender: { handle: team.handle('agent') }, automated: false });
      const served = await download(sent.message.mediaUrl);
      expect([served.status, served.type, served.bytes.equals(bytes)]).toEqual([200, type, true]);
    }
    expect((await conversationRow(t, conversation)).windowRepliesUsed).toBe(3);
  });

  it('refuses other image types, files over 3 MB, videos and stickers, storing nothing and keeping the reply slot', async () => {
    const files: [string, 'IMAGE' | 'VIDEO', Buffer, [string, string[]]][] = [
      ['webp', 'IMAGE', webpFile(8), ['FILE_TYPE_NOT_ALLOWED', ['input', 'file']]],
      ['gif', 'IMAGE', gifFile(), ['FILE_TYPE_NOT_ALLOWED', ['input', 'file']]],
      ['text', 'IMAGE', textFile(), ['FILE_TYPE_NOT_ALLOWED', ['input', 'file']]],
      ['3 MB + 1', 'IMAGE', oversizedPngFile(3 * MB + 1), ['FILE_TOO_LARGE', ['input', 'file']]],
      ['video', 'VIDEO', videoFile(), ['INVALID', ['input', 'kind']]],
    ];
    for (const [name, kind, bytes, expected] of files) {
      const refused = await expectNoMessagingChange(t, () => replyFile(team.owner, conversation, kind, bytes));
      expect(
        refused.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field]),
        name,
      ).toEqual([expected]);
      expect(refused.message).toBeNull();
    }
    const sticker = await expectNoMessagingChange(t, () => reply(team.owner, conversation, { kind: 'STICKER' }));
    expectUserErrors(sticker, ['INVALID', ['input', 'kind']]);
    const noFile = await expectNoMessagingChange(t, () => reply(team.owner, conversation, { kind: 'IMAGE' }));
    expectUserErrors(noFile, ['REQUIRED', ['input', 'file']]);
    const withText = await expectNoMessagingChange(t, () => replyFile(team.owner, conversation, 'IMAGE', pngFile(9), { text: 'caption' }));
    expectUserErrors(withText, ['INVALID', ['input', 'text']]);
  });

  it('shares only the account’s own posts', async () => {
    const own = await createPost(team.owner, team.shop);
    const sibling = await createPost(team.owner, team.other);
    const sent = await reply(team.owner, conversation, { kind: 'SHARE_POST', postId: own });
    expect(sent.userErrors).toEqual([]);
    expect(sent.message).toMatchObject({ kind: 'SHARE_POST', post: { id: own }, direction: 'OUTBOUND' });
    const notOwn = await expectNoMessagingChange(t, () => reply(team.owner, conversation, { kind: 'SHARE_POST', postId: sibling }));
    expectUserErrors(notOwn, ['NOT_OWN_POST', ['input', 'postId']]);
    const unknown = await expectNoMessagingChange(t, () =>
      reply(team.owner, conversation, { kind: 'SHARE_POST', postId: encodeGlobalID('Post', randomUUID()) }),
    );
    expectUserErrors(unknown, ['NOT_FOUND', ['input', 'postId']]);
  });

  it('stores an image sent to several conversations at once once', async () => {
    const ids = await Promise.all(['media.p1', 'media.p2', 'media.p3', 'media.p4'].map((viewer) => startConversation(t.as(viewer), team.shopHandle)));
    const bytes = pngFile(0xbeef);
    const sends = await Promise.all(ids.map((id) => replyFile(team.owner, id, 'IMAGE', bytes)));
    expect(sends.map((s) => s.userErrors)).toEqual(ids.map(() => []));
    expect(new Set(sends.map((s) => s.message.mediaUrl)).size).toBe(1);
    const keys = await Promise.all(ids.map(async (id) => (await messageRows(t, id)).at(-1)!.mediaKey));
    expect(await t.db.mediaObject.count({ where: { key: keys[0]! } })).toBe(1);
  });
});

describe('region rules', () => {
  const IMAGE_ERRORS = (code: string) => [[code, ['input', 'file']]];

  it('refuses media to users in media-restricted regions (token claim), while text and posts go through', async () => {
    expect([...mediaSendRestrictedRegions].sort()).toEqual(['BD', 'IN', 'PK', 'VN']);
    for (const region of mediaSendRestrictedRegions) {
      const viewer = t.as(`media.in.${region}`, [], { region });
      const id = await startConversation(viewer, team.shopHandle);
      expect(await t.db.user.findFirstOrThrow({ where: { handle: `media.in.${region}` } })).toMatchObject({ region });
      const refused = await expectNoMessagingChange(t, () => replyFile(team.owner, id, 'IMAGE', pngFile(11)));
      expect(
        refused.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field]),
        region,
      ).toEqual(IMAGE_ERRORS('MEDIA_SEND_STRATEGY'));
      expect(refused.userErrors[0].message).toContain(region);
      expect((await reply(team.owner, id, { kind: 'TEXT', text: 'Text is fine' })).userErrors).toEqual([]);
      expect((await reply(team.owner, id, { kind: 'SHARE_POST', postId: await createPost(team.owner, team.shop) })).userErrors).toEqual([]);
    }
    const elsewhere = await startConversation(t.as('media.in.fr', [], { region: 'FR' }), team.shopHandle);
    expect((await replyFile(team.owner, elsewhere, 'IMAGE', pngFile(12))).userErrors).toEqual([]);
  });

  const PLATFORM_UPDATE = /* GraphQL */ `
    mutation ($id: ID!, $region: String, $riskFlagged: Boolean) {
      userPlatformUpdate(id: $id, region: $region, riskFlagged: $riskFlagged) { user { handle } ${USER_ERRORS} }
    }`;
  const platformAdmin = () => t.as('pat', ['admin']);

  it('refuses media to risk-flagged users (RISK_CONTROL) until a platform admin clears the flag', async () => {
    const id = await startConversation(t.as('media.risky'), team.shopHandle);
    const user = await userGlobalId(t, 'media.risky');
    const flagged = await platformAdmin().request(PLATFORM_UPDATE, { id: user, riskFlagged: true });
    expect(flagged.userPlatformUpdate).toEqual({ user: { handle: 'media.risky' }, userErrors: [] });
    expect(await t.db.user.findFirstOrThrow({ where: { handle: 'media.risky' } })).toMatchObject({ riskFlagged: true });

    const refused = await expectNoMessagingChange(t, () => replyFile(team.owner, id, 'IMAGE', jpegFile(13)));
    expect(refused.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field])).toEqual(IMAGE_ERRORS('RISK_CONTROL'));
    expect((await reply(team.owner, id, { kind: 'TEXT', text: 'Text is fine' })).userErrors).toEqual([]);

    await platformAdmin().request(PLATFORM_UPDATE, { id: user, riskFlagged: false });
    expect((await replyFile(team.owner, id, 'IMAGE', jpegFile(13))).userErrors).toEqual([]);
  });

  it('applies a region set by a platform admin', async () => {
    const id = await startConversation(t.as('media.moved'), team.shopHandle);
    const updated = await platformAdmin().request(PLATFORM_UPDATE, { id: await userGlobalId(t, 'media.moved'), region: 'VN' });
    expect(updated.userPlatformUpdate.userErrors).toEqual([]);
    const refused = await expectNoMessagingChange(t, () => replyFile(team.owner, id, 'IMAGE', pngFile(14)));
    expect(refused.userErrors.map((e: { code: string }) => e.code)).toEqual(['MEDIA_SEND_STRATEGY']);
  });

  it('lets only platform admins change a user’s region or flag, with valid regions', async () => {
    const user = await userGlobalId(t, 'media.target');
    for (const api of [t.as('media.target'), t.as('rev', ['reviewer']), team.owner]) {
      const refused = await expectNoMessagingChange(t, () => api.raw(PLATFORM_UPDATE, { id: user, riskFlagged: true }));
      expectTopLevelError(refused, 'FORBIDDEN');
    }
    for (const region of ['XX', 'UK', 'fr', '']) {
      const invalid = await platformAdmin().request(PLATFORM_UPDATE, { id: user, region });
      expectUserErrors(invalid.userPlatformUpdate, ['REGION_INVALID', ['region']]);
    }
    const unknown = await platformAdmin().request(PLATFORM_UPDATE, { id: encodeGlobalID('User', randomUUID()), riskFlagged: true });
    expectUserErrors(unknown.userPlatformUpdate, ['NOT_FOUND', ['id']]);
    expect(await t.db.user.findFirstOrThrow({ where: { handle: 'media.target' } })).toMatchObject({ region: null, riskFlagged: false });
  });

  describe('integration access (service level)', () => {
    async function accountIn(region: string) {
      await team.owner.request(
        `mutation ($id: ID!, $input: BusinessAccountUpdateInput!) { businessAccountUpdate(id: $id, input: $input) { ${USER_ERRORS} } }`,
        {
          id: team.other,
          input: { region },
        },
      );
      return startConversation(t.as(`media.int.${region}`), team.otherHandle);
    }
    const send = async (conversation: string, channel: 'APP' | 'INTEGRATION') =>
      sendMessage(t.app.services, await userId(t, team.handle('owner')), localId(conversation), { kind: 'TEXT', text: 'From the CRM' }, channel);

    it('refuses EEA, Swiss and UK accounts with REGION_RESTRICTED, storing nothing', async () => {
      expect(integrationRestrictedRegions.size).toBe(32); // 27 EU members, Iceland, Liechtenstein, Norway, Switzerland, the UK
      for (const region of ['FR', 'DE', 'IE', 'NO', 'IS', 'LI', 'CH', 'GB']) {
        const conversation = await accountIn(region);
        const before = await storedMessaging(t);
        const error = await send(conversation, 'INTEGRATION').then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, region).toBeInstanceOf(UserInputError);
        expect((error as UserInputError).errors.map((e) => [e.code, e.field])).toEqual([['REGION_RESTRICTED', null]]);
        expect(await storedMessaging(t)).toEqual(before);
        // the same account still replies in the app
        expect((await send(conversation, 'APP')).direction).toBe('OUTBOUND');
      }
    });

    it('lets accounts elsewhere send through integrations', async () => {
      for (const region of ['US', 'JP', 'BR', 'TR']) {
        const conversation = await accountIn(region);
        const message = await send(conversation, 'INTEGRATION');
        expect(message).toMatchObject({ direction: 'OUTBOUND', kind: 'TEXT', text: 'From the CRM' });
        expect(await messageRows(t, conversation)).toHaveLength(2);
      }
    });
  });
});
