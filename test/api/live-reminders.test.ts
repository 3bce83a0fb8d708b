// REMINDER events: every N minutes of the live (app clock), with the host's text or a default
// prompt; none before the start, after the end or once switched off.
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { endLive, liveApi, liveSuite, scheduleLive, startLive, storedEvents, ticks, updateLive, watchHost, type LiveTeam } from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
liveSuite((app, liveTeam) => {
  [t, team] = [app, liveTeam];
});

const MINUTE = 60_000;
const reminders = async (id: string) => (await storedEvents(t, id)).filter((e) => e.type === 'REMINDER').map((e) => (e.payload as { text: string }).text);

describe('reminders', () => {
  it('come every N minutes with the host’s text, until switched off', async () => {
    const id = await startLive(team.owner, team.shop);
    await updateLive(team.owner, id, { reminderIntervalMinutes: 5, reminderText: 'Questions? Tap the DM button!' });
    const host = watchHost(team.owner, id, 2);
    t.clock.advance(4 * MINUTE);
    await ticks(t, 2);
    expect(await reminders(id)).toEqual([]);
    t.clock.advance(MINUTE);
    expect(await host.value()).toMatchObject({ seq: 3, type: 'REMINDER', reminder: 'Questions? Tap the DM button!', at: t.clock.now().toISOString() });
    t.clock.advance(5 * MINUTE);
    expect(await host.value()).toMatchObject({ seq: 4, type: 'REMINDER', reminder: 'Questions? Tap the DM button!' });
    expect(await reminders(id)).toHaveLength(2);

    await updateLive(team.owner, id, { reminderIntervalMinutes: null });
    t.clock.advance(30 * MINUTE);
    await ticks(t, 2);
    expect(await reminders(id)).toHaveLength(2);
    await endLive(team.owner, id);
  });

  it('use a default prompt without a text', async () => {
    const id = await startLive(team.owner, team.shop);
    await updateLive(team.owner, id, { reminderIntervalMinutes: 1 });
    const host = watchHost(team.owner, id, 2);
    t.clock.advance(MINUTE);
    expect(await host.value()).toMatchObject({ seq: 3, type: 'REMINDER', reminder: 'Have a question? Send us a direct message!' });
    await endLive(team.owner, id);
  });

  it('count from the start when set up before it, and stop at the end', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    await updateLive(team.owner, id, { reminderIntervalMinutes: 10, reminderText: 'DM us' });
    // not before the start, however long the wait
    t.clock.advance(45 * MINUTE);
    await ticks(t, 2);
    expect(await reminders(id)).toEqual([]);
    expect((await liveApi(team.owner).start(id)).userErrors).toEqual([]);
    await ticks(t, 2);
    expect(await reminders(id)).toEqual([]);
    t.clock.advance(10 * MINUTE);
    await ticks(t, 2);
    expect(await reminders(id)).toEqual(['DM us']);
    await endLive(team.owner, id);
    t.clock.advance(60 * MINUTE);
    await ticks(t, 2);
    expect(await reminders(id)).toEqual(['DM us']);
  });
});
