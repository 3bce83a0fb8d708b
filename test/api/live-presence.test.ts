// Viewer presence survives instance crashes: each instance stores how many viewers it serves
// per session, with a heartbeat; the viewers of an instance that died without a goodbye stop
// counting once its heartbeat is older than PRESENCE_TTL_MS, and the host hears a STATS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_TTL_MS } from '../../src/modules/live/viewer-count.ts';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { closeStreams, endLive, LIVE, liveTeam, startLive, ticks, watchHost, watchRoom, type LiveTeam } from '../support/live.ts';
import type { Api } from '../support/client.ts';
import { localId } from '../support/fixtures.ts';

const viewersNow = async (api: Api, id: string) => (await api.request(LIVE.session, { id })).node.stats.viewers as number;

describe('viewer presence', () => {
  let a: TestApp;
  let team: LiveTeam;

  beforeAll(async () => {
    a = await startApp({ now: '2026-03-02T10:00:00.000Z' });
    team = await liveTeam(a);
  });
  afterAll(async () => {
    await closeStreams();
    await a?.close();
  });

  it('an instance that stays up keeps counting its viewers long past the expiry', async () => {
    const id = await startLive(team.owner, team.shop);
    const room = watchRoom(a.as('presence.stay'), id);
    await room.value();
    expect(await viewersNow(team.owner, id)).toBe(1);
    for (let minute = 0; minute < 3; minute++) {
      a.clock.advance(PRESENCE_TTL_MS + 1000);
      await ticks(a, 2);
      expect(await viewersNow(team.owner, id)).toBe(1);
    }
    await room.close();
    await expect.poll(() => viewersNow(team.owner, id), { timeout: 10_000 }).toBe(0);
    await endLive(team.owner, id);
  });

  it.runIf(onPostgres)('the viewers of an instance that crashed stop counting after the expiry, and the host hears it', { timeout: 60_000 }, async () => {
    const b = await a.startPeer();
    const id = await startLive(team.owner, team.shop);
    const rooms = [watchRoom(a.as('presence.on.a'), id), watchRoom(b.as('presence.on.b'), id)];
    for (const room of rooms) await room.value();
    await expect.poll(() => viewersNow(team.owner, id), { timeout: 10_000 }).toBe(2);
    const host = watchHost(team.owner, id);

    // B dies: its database connections and sockets vanish, nothing is written on its way out
    await b.app.database.close();
    await b.app.close();
    await ticks(a, 2);
    // within the expiry a silent instance may only be slow: its viewers still count
    expect(await viewersNow(team.owner, id)).toBe(2);

    a.clock.advance(PRESENCE_TTL_MS + 1000);
    await expect.poll(() => viewersNow(team.owner, id), { timeout: 10_000 }).toBe(1);
    expect((await host.until((e) => e.type === 'STATS' && e.stats!.viewers === 1)).at(-1)!.stats).toMatchObject({ viewers: 1, peakViewers: 2 });
    // the dead instance's row is gone; the live one's stays
    expect(await a.db.liveViewerPresence.count({ where: { sessionId: localId(id) } })).toBe(1);
    await endLive(team.owner, id);
  });
});
