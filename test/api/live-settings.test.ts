// Live settings: viewer DMs on/off, auto-responses on/off, the reminder and the title. Each
// change is a SETTINGS_CHANGED event on the host stream; the viewers' room hears of what
// concerns them (whether they may DM).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { approved, createRule, setToggles, storedMessages } from '../support/automation.ts';
import {
  endLive,
  expectRefused,
  liveApi,
  liveDm,
  liveSuite,
  sessionRow,
  startLive,
  storedEvents,
  updateLive,
  watchHost,
  watchRoom,
  type LiveTeam,
} from '../support/live.ts';
import { sendDm } from '../support/messaging.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

const defaults = {
  title: 'Spring launch',
  sellsProducts: false,
  allowViewerMessages: true,
  autoResponsesEnabled: true,
  reminderIntervalMinutes: null,
  reminderText: null,
};

describe('liveSessionUpdate', () => {
  it('changes the settings, each change a SETTINGS_CHANGED event with the settings as they now are', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.as('analyst'), id, 1);
    const room = watchRoom(t.as('set.viewer'), id);
    expect((await room.value()).allowViewerMessages).toBe(true);

    const session = await updateLive(team.as('agent'), id, { allowViewerMessages: false, autoResponsesEnabled: false });
    expect(session).toMatchObject({ allowViewerMessages: false, autoResponsesEnabled: false });
    expect(await host.value()).toMatchObject({
      seq: 2,
      type: 'SETTINGS_CHANGED',
      settings: { ...defaults, allowViewerMessages: false, autoResponsesEnabled: false },
      stats: null,
    });
    expect(await room.value()).toMatchObject({ state: 'LIVE', allowViewerMessages: false });

    await updateLive(team.as('admin'), id, { title: '  Summer launch ', reminderIntervalMinutes: 15, reminderText: ' Questions? DM us! ' });
    expect(await host.value()).toMatchObject({
      seq: 3,
      type: 'SETTINGS_CHANGED',
      settings: {
        ...defaults,
        title: 'Summer launch',
        allowViewerMessages: false,
        autoResponsesEnabled: false,
        reminderIntervalMinutes: 15,
        reminderText: 'Questions? DM us!',
      },
    });
    // nothing viewers see changed: the room stays quiet
    expect(await room.quiet(500)).toBe(true);

    // null turns the reminder off; an empty text falls back to the default prompt
    await updateLive(team.owner, id, { reminderIntervalMinutes: null, reminderText: '', allowViewerMessages: true });
    expect((await host.value()).settings).toEqual({ ...defaults, title: 'Summer launch', autoResponsesEnabled: false });
    expect((await room.value()).allowViewerMessages).toBe(true);
    expect((await storedEvents(t, id)).map((e) => e.type)).toEqual(['STATS', 'SETTINGS_CHANGED', 'SETTINGS_CHANGED', 'SETTINGS_CHANGED']);
    await endLive(team.owner, id);
  });

  it('changes the settings of a scheduled session too', async () => {
    const api = liveApi(team.owner);
    const { session } = await api.schedule(team.shop);
    expect(await updateLive(team.owner, session.id, { allowViewerMessages: false, reminderIntervalMinutes: 5 })).toMatchObject({
      state: 'SCHEDULED',
      allowViewerMessages: false,
      reminderIntervalMinutes: 5,
    });
    expect((await storedEvents(t, session.id)).map((e) => e.type)).toEqual(['SETTINGS_CHANGED']);
    await endLive(team.owner, session.id);
  });

  it('refuses out-of-range reminders, long texts and blank titles, naming each, storing nothing', async () => {
    const id = await startLive(team.owner, team.shop);
    const api = liveApi(team.owner);
    await expectRefused(t, team.shop, () => api.update(id, { reminderIntervalMinutes: 0 }), ['INVALID', ['input', 'reminderIntervalMinutes']]);
    await expectRefused(t, team.shop, () => api.update(id, { reminderIntervalMinutes: 121 }), ['INVALID', ['input', 'reminderIntervalMinutes']]);
    await expectRefused(t, team.shop, () => api.update(id, { reminderText: 'x'.repeat(151) }), ['TOO_LONG', ['input', 'reminderText']]);
    await expectRefused(
      t,
      team.shop,
      () => api.update(id, { title: ' ', reminderIntervalMinutes: -5, reminderText: 'x'.repeat(151), allowViewerMessages: false }),
      ['REQUIRED', ['input', 'title']],
      ['INVALID', ['input', 'reminderIntervalMinutes']],
      ['TOO_LONG', ['input', 'reminderText']],
    );
    // the bounds themselves are fine
    await updateLive(team.owner, id, { reminderIntervalMinutes: 1, reminderText: 'x'.repeat(150) });
    await updateLive(team.owner, id, { reminderIntervalMinutes: 120 });
    expect(await sessionRow(t, id)).toMatchObject({ reminderIntervalMinutes: 120, allowViewerMessages: true });
    await endLive(team.owner, id);
  });
});

describe('auto-responses in the live', () => {
  let id: string;
  beforeAll(async () => {
    await approved(t, createRule(team.owner, team.shop, ['price'], 'From 10 € a box.'));
    await setToggles(team.owner, team.shop, { keywordRepliesEnabled: true });
    id = await startLive(team.owner, team.shop);
  });
  afterAll(() => endLive(team.owner, id));

  const replies = async (conversationId: string) => (await storedMessages(t, conversationId)).filter((m) => m.direction === 'OUTBOUND').map((m) => m.text);

  it('answer live DMs while switched on', async () => {
    t.clock.advance(1000);
    const sent = await liveDm(t.as('auto.on'), team.shopHandle, id, 'What is the price?');
    expect(sent.userErrors).toEqual([]);
    expect(await replies(sent.conversation.id)).toEqual(['From 10 € a box.']);
  });

  it('do not answer live DMs while switched off, but still answer DMs sent outside the live', async () => {
    await updateLive(team.owner, id, { autoResponsesEnabled: false });
    t.clock.advance(1000);
    const fromLive = await liveDm(t.as('auto.off'), team.shopHandle, id, 'What is the price?');
    expect(fromLive.userErrors).toEqual([]);
    expect(fromLive.conversation.origin).toBe('LIVE');
    expect(await replies(fromLive.conversation.id)).toEqual([]);
    // the same viewer, writing from their inbox rather than the live room
    t.clock.advance(1000);
    const organic = await sendDm(t.as('auto.off'), team.shopHandle, { kind: 'TEXT', text: 'And the price of the large box?' });
    expect(await replies(organic.conversation.id)).toEqual(['From 10 € a box.']);
    // switched on again
    await updateLive(team.owner, id, { autoResponsesEnabled: true });
    t.clock.advance(1000);
    await liveDm(t.as('auto.off'), team.shopHandle, id, 'price for 3?');
    expect(await replies(fromLive.conversation.id)).toEqual(['From 10 € a box.', 'From 10 € a box.']);
  });
});
