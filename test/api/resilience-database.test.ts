// PostgreSQL dropping the app's connections under load (what a restart does), and refusing
// them for a while (an instance reaching it through a proxy the test takes away): the process
// survives, every request is either answered normally or refused with the one retryable
// SERVICE_UNAVAILABLE error (HTTP 503, never an authorization error or an internal one), a
// client retrying with the same idempotency key ends with exactly one lead and one message
// per key, and requests succeed again afterwards without a restart.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import type { Api, GraphQLResponse } from '../support/client.ts';
import { cuttableProxy, terminateBackends } from '../support/faults.ts';
import { answers, approvedLeadForm, LEAD_SUBMIT, LEADS_EXPORT } from '../support/leads.ts';
import { dmTeam, MESSAGE_SEND, REPLY, startConversation, type DmTeam } from '../support/messaging.ts';

const INBOX_READ = /* GraphQL */ `query ($accountId: ID!) { inbox(accountId: $accountId, first: 5) { edges { node { id lastMessage { id text } } } } }`;
const MY_CONVERSATIONS = /* GraphQL */ `{ myConversations(first: 5) { edges { node { id messages(first: 3) { edges { node { id text } } } } } } }`;

type Outcome = { op: string; response: GraphQLResponse<any> };

/** Every error of a response is the documented retryable one, with its advice and HTTP 503. */
function expectRetryable(outcome: Outcome) {
  const { response } = outcome;
  expect(response.errors?.map((e) => e.extensions?.code), `${outcome.op}: ${JSON.stringify(response.errors)}`).toEqual(response.errors!.map(() => 'SERVICE_UNAVAILABLE'));
  for (const error of response.errors!) expect(error.extensions).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
  expect(response.status).toBe(503);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!onPostgres)('when PostgreSQL drops the connections', () => {
  let t: TestApp;
  let team: DmTeam;
  let formId: string;
  let conversationId: string;
  beforeAll(async () => {
    t = await startApp();
    team = await dmTeam(t, 'dbf');
    formId = await approvedLeadForm(t, team.handle('owner'), team.shop);
    conversationId = await startConversation(t.as('dbf.viewer'), team.shopHandle, 'Hello');
  });
  afterAll(() => t?.close());

  /** Runs `attempt` until it is not refused as retryable; returns every outcome. */
  async function withRetries(op: string, attempt: () => Promise<GraphQLResponse<any>>, outcomes: Outcome[]) {
    for (let tries = 0; tries < 100; tries++) {
      const response = await attempt();
      outcomes.push({ op, response });
      if (!response.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return response;
      await sleep(Number(response.errors[0].extensions?.retryAfterMs ?? 100) / 5);
    }
    throw new Error(`${op}: still refused after 100 tries`);
  }

  it('keeps answering through repeated terminations, with one retryable code, and each retried write is stored once', async () => {
    const outcomes: Outcome[] = [];
    const viewer = (i: number): Api => t.as(`dbf.load${i}`);
    const owner = team.owner;
    // about three seconds of PostgreSQL dropping every connection of the app, every 150 ms
    let terminated = 0;
    let killing = true;
    const killer = (async () => {
      try {
        for (let i = 0; i < 20; i++) {
          terminated += await terminateBackends(t);
          await sleep(150);
        }
      } finally {
        killing = false;
      }
    })();
    const leadKeys: string[] = [];
    const dmKeys: string[] = [];
    const replyKeys: string[] = [];
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let round = 0; killing || round < 2; round++) {
        const leadKey = `lead-${w}-${round}`;
        leadKeys.push(leadKey);
        await withRetries('leadSubmit', () => viewer(w).raw(LEAD_SUBMIT, { formId, input: { answers: answers(), source: 'PROFILE', idempotencyKey: leadKey } }), outcomes);
        const dmKey = `dm-${w}-${round}`;
        dmKeys.push(dmKey);
        await withRetries('businessMessageSend', () => viewer(w).raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: `Message ${dmKey}`, idempotencyKey: dmKey } }), outcomes);
        if (w === 0) {
          const replyKey = `reply-${round}`;
          replyKeys.push(replyKey);
          await withRetries('conversationMessageSend', () => owner.raw(REPLY, { id: conversationId, input: { kind: 'TEXT', text: `Reply ${replyKey}`, idempotencyKey: replyKey } }), outcomes);
        }
        outcomes.push({ op: 'myConversations', response: await viewer(w).raw(MY_CONVERSATIONS) });
        outcomes.push({ op: 'inbox', response: await owner.raw(INBOX_READ, { accountId: team.shop }) });
      }
    });
    await Promise.all([...workers, killer]);
    expect(terminated).toBeGreaterThan(0);

    // nothing but success or the retryable refusal
    for (const outcome of outcomes) {
      if (outcome.response.errors) expectRetryable(outcome);
      else expect(outcome.response.status, outcome.op).toBe(200);
    }
    // the blip was felt (otherwise this test proves nothing), and every write landed once
    expect(outcomes.some((o) => o.response.errors)).toBe(true);
    for (const key of leadKeys) expect(await t.db.lead.count({ where: { idempotencyKey: key } }), key).toBe(1);
    for (const key of [...dmKeys, ...replyKeys]) expect(await t.db.message.count({ where: { idempotencyKey: key } }), key).toBe(1);

    // the same app answers normally afterwards
    const after = await viewer(0).raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'After the restart' } });
    expect(after.errors).toBeUndefined();
    expect(after.data.businessMessageSend.userErrors).toEqual([]);
  }, 90_000);

  it('recovers by itself from an idle pool whose every connection was dropped', async () => {
    // fill the pool, let it go idle, drop every connection: idle clients error out of band
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.as(`dbf.idle${i}`).raw(`{ viewer { handle } }`)));
    expect(await terminateBackends(t)).toBeGreaterThan(0);
    await sleep(100);
    const response = await t.as('dbf.idle0').raw(MY_CONVERSATIONS);
    expect(response.errors).toBeUndefined();
    const sent = await t.as('dbf.idle1').raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'After an idle drop' } });
    expect(sent.data.businessMessageSend.userErrors).toEqual([]);
  });

  it('answers SERVICE_UNAVAILABLE for as long as PostgreSQL refuses connections, then recovers by itself', async () => {
    const proxy = await cuttableProxy(t.app.services.config.databaseUrl!);
    const logs: { level: number; msg: string }[] = [];
    const peer = await t.startPeer({ env: { DATABASE_URL: proxy.url }, logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) }) });
    try {
      const send = () => peer.as('dbf.away').raw(MESSAGE_SEND, { handle: team.shopHandle, input: { kind: 'TEXT', text: 'Sent during the outage', idempotencyKey: 'away-1' } });
      expect((await peer.as(team.handle('owner')).raw(INBOX_READ, { accountId: team.shop })).errors).toBeUndefined();
      const { url: exportUrl } = (await peer.as(team.handle('owner')).request(LEADS_EXPORT, { accountId: team.shop })).leadsExport;
      await proxy.cut();
      const during: Outcome[] = [];
      for (const deadline = Date.now() + 3000; Date.now() < deadline; await sleep(250)) {
        // a first-time user (created by the request's authentication), a team read (its
        // access check), and a write
        during.push({ op: 'newcomer', response: await peer.as(`dbf.new${during.length}`).raw(MY_CONVERSATIONS) });
        during.push({ op: 'inbox', response: await peer.as(team.handle('owner')).raw(INBOX_READ, { accountId: team.shop }) });
        during.push({ op: 'send', response: await send() });
      }
      for (const outcome of during) expectRetryable(outcome);
      // HTTP clients and proxies read the advice from the header too
      const response = await fetch(peer.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await peer.token('dbf.away')}` }, body: JSON.stringify({ query: MY_CONVERSATIONS }) });
      expect([response.status, response.headers.get('retry-after')]).toEqual([503, '1']);
      // and so do the plain HTTP routes (the CSV download)
      const download = await fetch(exportUrl);
      expect([download.status, download.headers.get('retry-after')]).toEqual([503, '1']);
      await proxy.restore();
      const sent = await withRetries('businessMessageSend', send, []);
      expect(sent.data.businessMessageSend.userErrors).toEqual([]);
      expect(await t.db.message.count({ where: { idempotencyKey: 'away-1' } })).toBe(1);
      expect((await peer.as(team.handle('owner')).raw(INBOX_READ, { accountId: team.shop })).errors).toBeUndefined();
      expect(logs.filter((l) => /PostgreSQL/.test(l.msg)).map((l) => [l.level, l.msg])).toEqual([
        [40, 'PostgreSQL connection lost; retrying until it is back'],
        [30, 'PostgreSQL connection restored'],
      ]);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
