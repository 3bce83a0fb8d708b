// Who may do what in a live: operators (OWNER, ADMIN, AGENT) run it; ANALYSTs read it and
// follow the host stream; viewers and other organizations neither run it nor see the host
// stream. Every refusal is top-level and changes nothing.
import { describe, expect, it } from 'vitest';
import { MEMBERSHIP_RECHECK_MS } from '../../src/platform/subscription-access.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { TestApp } from '../support/app.ts';
import type { Api } from '../support/client.ts';
import { expectTopLevelError, signIn } from '../support/fixtures.ts';
import { expectReadRefused } from '../support/lead-forms.ts';
import {
  addEntry,
  eligible,
  endLive,
  expectLiveUnchanged,
  expectSubscriptionRefused,
  LIVE,
  liveApi,
  liveDm,
  liveSuite,
  scheduleLive,
  setPlatform,
  startLive,
  watchHost,
  type LiveTeam,
} from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
let session: string;
let scheduled: string;
let entry: string;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  session = await startLive(team.owner, team.shop);
  scheduled = await scheduleLive(team.owner, team.shop);
  entry = (await addEntry(team.owner, session, { type: 'BUSINESS', function: 'BUSINESS_PAGE' })).id;
  await setPlatform(app, team.other, eligible);
});

/** Every live mutation, on the running session, its entry or the scheduled session. */
const mutations = (): [string, string, Record<string, unknown>][] => [
  ['liveSessionSchedule', LIVE.schedule, { accountId: team.shop, input: { title: 'Not yours' } }],
  ['liveSessionStart', LIVE.start, { id: scheduled }],
  ['liveSessionUpdate', LIVE.update, { id: session, input: { allowViewerMessages: false } }],
  ['liveEntryAdd', LIVE.entryAdd, { sessionId: session, input: { type: 'BUSINESS', function: 'DIRECT_MESSAGE' } }],
  ['liveEntrySetVisible', LIVE.entrySetVisible, { id: entry, visible: true }],
  ['liveEntryRemove', LIVE.entryRemove, { id: entry }],
  ['liveOrderRecord', LIVE.orderRecord, { sessionId: session, input: { amountMinor: 1999, currency: 'EUR', units: 1 } }],
  ['liveSessionEnd', LIVE.end, { id: session }],
];

describe('running a live', () => {
  it.each([
    ['an analyst', 'FORBIDDEN', () => team.as('analyst')],
    ['another organization’s owner', 'FORBIDDEN', () => team.as('foreign')],
    ['a viewer', 'FORBIDDEN', () => t.as('perm.viewer')],
    ['an anonymous caller', 'UNAUTHENTICATED', () => t.anonymous()],
  ])('is refused to %s, changing nothing', async (_who, code, api: () => Api) => {
    for (const [name, document, variables] of mutations()) {
      const response = await expectLiveUnchanged(t, team.shop, () => api().raw(document, variables));
      expect({ name, codes: response.errors?.map((e) => e.extensions?.code) }).toEqual({ name, codes: [code] });
      expectTopLevelError(response, code);
    }
  });

  it.each(['owner', 'admin', 'agent'])('is open to the %s, from schedule to end', async (who) => {
    const api = liveApi(team.as(who));
    const id = (await api.schedule(team.other)).session.id;
    expect((await api.update(id, { reminderIntervalMinutes: 10 })).userErrors).toEqual([]);
    const { entry: added } = await api.addEntry(id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' });
    expect((await api.setVisible(added.id, true)).userErrors).toEqual([]);
    expect((await api.removeEntry(added.id)).userErrors).toEqual([]);
    expect((await api.start(id)).userErrors).toEqual([]);
    expect((await api.recordOrder(id, { amountMinor: 500, currency: 'EUR', units: 1 })).userErrors).toEqual([]);
    expect((await api.end(id)).userErrors).toEqual([]);
  });
});

describe('reading a live', () => {
  it('is open to the whole team, analysts included', async () => {
    const { node } = await team.as('analyst').request(LIVE.session, { id: scheduled });
    expect(node).toMatchObject({ id: scheduled, state: 'SCHEDULED', entries: [] });
  });

  it.each([
    ['another organization’s owner', 'FORBIDDEN', () => team.as('foreign')],
    ['a viewer', 'FORBIDDEN', () => t.as('perm.viewer')],
  ])('is refused to %s', async (_who, code, api: () => Api) => {
    expectReadRefused(await api().raw(LIVE.session, { id: scheduled }), code as 'FORBIDDEN');
  });
});

describe('the host stream', () => {
  it('is open to every member of the team', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    for (const who of ['owner', 'admin', 'agent', 'analyst']) {
      const host = watchHost(team.as(who), id, 0);
      await liveApi(team.owner).update(id, { title: `Seen by the ${who}` });
      expect((await host.until((e) => e.settings?.title === `Seen by the ${who}`)).length).toBeGreaterThan(0);
      await host.close();
    }
    await endLive(team.owner, id);
  });

  it('is refused to viewers, other organizations and anonymous callers, and for unknown sessions', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    await expectSubscriptionRefused(t.as('perm.viewer'), LIVE.events(), { sessionId: id, afterSeq: 0 }, 'FORBIDDEN');
    await expectSubscriptionRefused(team.as('foreign'), LIVE.events(), { sessionId: id, afterSeq: 0 }, 'FORBIDDEN');
    await expectSubscriptionRefused(t.anonymous(), LIVE.events(), { sessionId: id, afterSeq: 0 }, 'UNAUTHENTICATED');
    await expectSubscriptionRefused(
      team.owner,
      LIVE.events(),
      { sessionId: encodeGlobalID('LiveSession', '019aa000-0000-7000-8000-000000000000') },
      'FORBIDDEN',
    );
    await endLive(team.owner, id);
  });

  it('stops for a member removed from the team', async () => {
    await signIn(t, 'perm.leaver');
    const { memberAdd } = await team.owner.request(
      `mutation ($o: ID!) { memberAdd(organizationId: $o, input: { handle: "perm.leaver", role: AGENT }) { member { id } userErrors { code } } }`,
      {
        o: team.organizationId,
      },
    );
    const id = await startLive(team.owner, team.other);
    const host = watchHost(t.as('perm.leaver'), id, 0);
    expect((await host.value()).type).toBe('STATS');
    const removed = await team.owner.request(`mutation ($id: ID!) { memberRemove(id: $id) { userErrors { code } } }`, { id: memberAdd.member.id });
    expect(removed.memberRemove.userErrors).toEqual([]);
    // membership is re-read at most once a second per subscription
    await new Promise((resolve) => setTimeout(resolve, MEMBERSHIP_RECHECK_MS + 200));
    await liveDm(t.as('perm.viewer'), team.handle('other'), id, 'Hello');
    const next = await host.stream.next();
    expect(next.data ?? null).toBeNull();
    expect(next.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await endLive(team.owner, id);
  });
});
