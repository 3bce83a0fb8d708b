// Messaging ads, managed by the team: eligibility, creative, reply hours with an away message
// under review, states, roles and cross-organization access, and "show only as an ad".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountAdsDocument,
  AdActivateDocument,
  AdEndDocument,
  AdPauseDocument,
  AdUpdateDocument,
  AutoReplySettingsUpdateDocument,
  BusinessAccountUpdateDocument,
  ProfilePostsDocument,
} from '../generated/graphql.ts';
import { activeAd, adRow, adTeam, AWAY_TEXT, createAd, expectAdsUnchanged, storedAds, type AdTeam } from '../support/ads.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { approveAuto } from '../support/automation.ts';
import { accepted, expectUserErrors, localId, textFile, videoFile } from '../support/fixtures.ts';
import { createPost } from '../support/lead-forms.ts';
import { dmTeam } from '../support/messaging.ts';
import { AdCreateDocument } from '../generated/graphql.ts';

let t: TestApp;
let team: AdTeam;
beforeAll(async () => {
  t = await startApp({ now: '2026-03-02T10:00:00.000Z' });
  team = await adTeam(t);
});
afterAll(() => t?.close());

const weekdays = [
  { day: 'MONDAY' as const, start: '09:00', end: '12:30' },
  { day: 'MONDAY' as const, start: '13:30', end: '17:00' },
];

describe('adCreate', () => {
  it('creates a DRAFT ad with a post creative, reply hours and an away message under review', async () => {
    const payload = await createAd(team.owner, team.shop, { creativePostId: team.postId, replyHours: [weekdays[1]!, weekdays[0]!], awayMessage: AWAY_TEXT, currency: 'EUR', showOnlyAsAd: true });
    expect(payload.userErrors).toEqual([]);
    expect(payload.ad).toMatchObject({
      title: 'Spring sale',
      state: 'DRAFT',
      objective: 'LEAD_COLLECTION',
      destination: 'DIRECT_MESSAGE',
      currency: 'EUR',
      showOnlyAsAd: true,
      creative: { kind: 'POST', videoUrl: null, post: { id: team.postId } },
      // stored in day and time order
      replyHours: weekdays,
      awayMessage: { reviewState: 'REVIEWING', approvedAt: null, content: { __typename: 'AwayMessageContent', text: AWAY_TEXT } },
    });
    const row = await adRow(t, payload.ad!.id);
    expect(row).toMatchObject({ accountId: localId(team.shop), state: 'DRAFT', creativeKind: 'POST', creativePostId: localId(team.postId), currency: 'EUR' });
    // the away message is an auto-message of the ad, in the platform's review queue
    const away = await t.db.autoMessage.findUniqueOrThrow({ where: { adId: row.id } });
    expect(await t.db.reviewItem.count({ where: { kind: 'AUTO_MESSAGE', subjectId: away.id, state: 'PENDING' } })).toBe(1);
  });

  it('takes an uploaded MP4 video, checked by content', async () => {
    const payload = await team.owner.upload(AdCreateDocument, { accountId: team.shop, input: { title: 'Video ad', creativeVideo: null } }, { 'input.creativeVideo': { bytes: videoFile('isom', 7), name: 'clip.mp4' } });
    expect(payload.errors).toBeUndefined();
    const ad = payload.data!.adCreate.ad!;
    expect(ad.creative).toMatchObject({ kind: 'UPLOADED_VIDEO', post: null, videoUrl: expect.stringMatching(/\/media\/[0-9a-f]{64}\.mp4$/) });
    const media = await fetch(ad.creative.videoUrl!);
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer()).equals(videoFile('isom', 7))).toBe(true);
  });

  describe('refuses, storing nothing', () => {
    it('a creative that is no video (by content, whatever its name)', async () => {
      const payload = await expectAdsUnchanged(t, () =>
        team.owner.upload(AdCreateDocument, { accountId: team.shop, input: { title: 'Bad', creativeVideo: null } }, { 'input.creativeVideo': { bytes: textFile(), name: 'clip.mp4', type: 'video/mp4' } }),
      );
      expectUserErrors(payload.data!.adCreate, ['AD_CREATIVE_INVALID', ['input', 'creative', 'video']]);
    });

    it('another account’s post, or no creative at all', async () => {
      const otherPost = await createPost(team.owner, team.other);
      expectUserErrors(await expectAdsUnchanged(t, () => createAd(team.owner, team.shop, { creativePostId: otherPost })), ['AD_CREATIVE_INVALID', ['input', 'creative', 'postId']]);
      expectUserErrors(await expectAdsUnchanged(t, () => createAd(team.owner, team.shop, {})), ['AD_CREATIVE_INVALID', ['input', 'creative']]);
    });

    it('reply hours that overlap, end before they start, are malformed or too many a day; reply hours without an away message', async () => {
      const cases: [object[], [string, string[]][]][] = [
        [[{ day: 'TUESDAY', start: '09:00', end: '12:00' }, { day: 'TUESDAY', start: '11:00', end: '14:00' }], [['REPLY_HOURS_OVERLAP', ['input', 'replyHours', '1']]]],
        [[{ day: 'TUESDAY', start: '12:00', end: '12:00' }], [['REPLY_HOURS_INVALID', ['input', 'replyHours', '0', 'end']]]],
        [[{ day: 'TUESDAY', start: '9:00', end: '12:00' }], [['REPLY_HOURS_INVALID', ['input', 'replyHours', '0', 'start']]]],
        [[{ day: 'TUESDAY', start: '23:00', end: '24:30' }], [['REPLY_HOURS_INVALID', ['input', 'replyHours', '0', 'end']]]],
        [['08', '10', '12', '14', '16'].map((h) => ({ day: 'FRIDAY', start: `${h}:00`, end: `${h}:30` })), [['LIMIT_REACHED', ['input', 'replyHours', '4']]]],
      ];
      for (const [replyHours, expected] of cases) {
        const payload = await expectAdsUnchanged(t, () => createAd(team.owner, team.shop, { creativePostId: team.postId, replyHours: replyHours as never, awayMessage: AWAY_TEXT }));
        expectUserErrors(payload, ...(expected as [string, string[]][]));
      }
      const noAway = await expectAdsUnchanged(t, () => createAd(team.owner, team.shop, { creativePostId: team.postId, replyHours: weekdays }));
      expectUserErrors(noAway, ['AWAY_MESSAGE_REQUIRED', ['input', 'awayMessage']]);
      const longAway = await expectAdsUnchanged(t, () => createAd(team.owner, team.shop, { creativePostId: team.postId, replyHours: weekdays, awayMessage: 'x'.repeat(251) }));
      expectUserErrors(longAway, ['TOO_LONG', ['input', 'awayMessage']]);
    });

    it('an account that is not open to everyone, in a region without messaging ads, or without an approved welcome that is on — every reason at once', async () => {
      const blocked = await dmTeam(t);
      accepted((await blocked.owner.request(BusinessAccountUpdateDocument, { id: blocked.shop, input: { whoCanMessage: 'FOLLOWERS' } })).businessAccountUpdate, 'update');
      const post = await createPost(blocked.owner, blocked.shop);
      const payload = await expectAdsUnchanged(t, () => createAd(blocked.owner, blocked.shop, { creativePostId: post }));
      expectUserErrors(payload, ['AD_MESSAGING_NOT_OPEN', ['accountId']], ['AD_REGION_UNAVAILABLE', ['accountId']], ['AD_WELCOME_MESSAGE_REQUIRED', ['accountId']]);
      expect(payload.userErrors[1]!.message).toContain('FR');
    });
  });
});

describe('states', () => {
  it('DRAFT → ACTIVE ⇄ PAUSED → ENDED; an ended ad is read-only', async () => {
    const { ad } = accepted(await createAd(team.owner, team.shop, { creativePostId: team.postId }), 'adCreate');
    const id = ad!.id;
    expectUserErrors((await team.owner.request(AdPauseDocument, { id })).adPause, ['AD_STATE_INVALID', ['id']]);
    const activated = (await team.owner.request(AdActivateDocument, { id })).adActivate;
    expect(activated).toMatchObject({ userErrors: [], ad: { state: 'ACTIVE', activatedAt: '2026-03-02T10:00:00.000Z' } });
    expectUserErrors((await team.owner.request(AdActivateDocument, { id })).adActivate, ['AD_STATE_INVALID', ['id']]);
    expect((await team.as('admin').request(AdPauseDocument, { id })).adPause.ad).toMatchObject({ state: 'PAUSED' });
    expect((await team.as('admin').request(AdActivateDocument, { id })).adActivate.ad).toMatchObject({ state: 'ACTIVE', activatedAt: '2026-03-02T10:00:00.000Z' });
    expect((await team.owner.request(AdEndDocument, { id })).adEnd.ad).toMatchObject({ state: 'ENDED', endedAt: '2026-03-02T10:00:00.000Z' });
    await expectAdsUnchanged(t, async () => {
      expectUserErrors((await team.owner.request(AdUpdateDocument, { id, input: { title: 'Again' } })).adUpdate, ['AD_ENDED', ['id']]);
      expectUserErrors((await team.owner.request(AdActivateDocument, { id })).adActivate, ['AD_ENDED', ['id']]);
      expectUserErrors((await team.owner.request(AdEndDocument, { id })).adEnd, ['AD_ENDED', ['id']]);
    });
  });

  it('activating re-checks eligibility: a welcome switched off since creation refuses it', async () => {
    const { ad } = accepted(await createAd(team.owner, team.shop, { creativePostId: team.postId }), 'adCreate');
    accepted((await team.owner.request(AutoReplySettingsUpdateDocument, { accountId: team.shop, input: { welcomeEnabled: false } })).autoReplySettingsUpdate, 'off');
    try {
      const payload = await expectAdsUnchanged(t, async () => (await team.owner.request(AdActivateDocument, { id: ad!.id })).adActivate);
      expectUserErrors(payload, ['AD_WELCOME_MESSAGE_REQUIRED', ['accountId']]);
    } finally {
      accepted((await team.owner.request(AutoReplySettingsUpdateDocument, { accountId: team.shop, input: { welcomeEnabled: true } })).autoReplySettingsUpdate, 'on');
    }
  });

  it('an edit of the away message goes back to review while the approved one keeps serving', async () => {
    const { ad } = accepted(await createAd(team.owner, team.shop, { creativePostId: team.postId, replyHours: weekdays, awayMessage: AWAY_TEXT }), 'adCreate');
    await approveAuto(t, ad!.awayMessage!.id);
    const edited = accepted((await team.owner.request(AdUpdateDocument, { id: ad!.id, input: { awayMessage: 'Back on Monday!' } })).adUpdate, 'adUpdate');
    expect(edited.ad!.awayMessage).toMatchObject({ reviewState: 'REVIEWING', approvedAt: '2026-03-02T10:00:00.000Z', content: { text: 'Back on Monday!' } });
    const row = await t.db.autoMessage.findUniqueOrThrow({ where: { adId: localId(ad!.id) } });
    expect(row.approvedContent).toEqual({ text: AWAY_TEXT });
  });
});

describe('who may manage and read ads', () => {
  it('owners and admins manage; agents, analysts, another organization’s owner, a plain viewer and anonymous callers cannot', async () => {
    const stranger = await dmTeam(t);
    const callers = [team.as('agent'), team.as('analyst'), stranger.owner, t.as('someone'), t.anonymous()];
    const id = await activeAd(team);
    for (const api of callers) {
      await expectAdsUnchanged(t, async () => {
        const create = await api.raw(AdCreateDocument, { accountId: team.shop, input: { title: 'x', creativePostId: team.postId } });
        expect(create.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
        const pause = await api.raw(AdPauseDocument, { id });
        expect(pause.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
      });
    }
    expect((await adRow(t, id)).state).toBe('ACTIVE');
  });

  it('the team reads its ads; others get null from node and no ads list', async () => {
    const id = await activeAd(team);
    const { businessAccount } = await team.as('agent').request(AccountAdsDocument, { handle: team.shopHandle });
    expect(businessAccount!.ads.edges.map((e) => e.node.id)).toContain(id);
    const stranger = await dmTeam(t);
    for (const api of [stranger.owner, t.as('someone'), t.anonymous()]) {
      const read = await api.raw(`query ($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`, { id });
      expect(read.data).toEqual({ node: null, nodes: [null] });
      const list = await api.raw(AccountAdsDocument, { handle: team.shopHandle });
      expect(list.data?.businessAccount?.ads ?? null).toBeNull();
    }
  });
});

describe('show only as an ad', () => {
  it('keeps the creative post off the profile while the ad is active or paused, and lists it again once ended', async () => {
    const post = await createPost(team.owner, team.shop);
    const listed = async () => (await t.anonymous().request(ProfilePostsDocument, { handle: team.shopHandle })).businessAccount!.posts.edges.map((e) => e.node.id);
    const { ad } = accepted(await createAd(team.owner, team.shop, { creativePostId: post, showOnlyAsAd: true }), 'adCreate');
    expect(await listed()).toContain(post); // a draft is not running
    await team.owner.request(AdActivateDocument, { id: ad!.id });
    expect(await listed()).not.toContain(post);
    expect(await listed()).toContain(team.postId);
    await team.owner.request(AdPauseDocument, { id: ad!.id });
    expect(await listed()).not.toContain(post);
    await team.owner.request(AdEndDocument, { id: ad!.id });
    expect(await listed()).toContain(post);
    expect((await storedAds(t)).ads.length).toBeGreaterThan(0);
  });
});
