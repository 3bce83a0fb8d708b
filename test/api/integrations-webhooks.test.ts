// Outbound webhooks against a real local HTTP receiver: each event type written in its
// cause's transaction (a rolled-back message never produces one) and delivered once, signed
// per Standard Webhooks (checked by an independent verifier); retries with backoff and jitter
// (manual clock) through 500s and timeouts until the receiver recovers, with the same
// webhook-id; per-conversation order; 72 hours → FAILED and the endpoint disabled with its
// owners and admins mailed (410 at once); re-enable, re-send, secret rotation; the log's access.
// The worker is driven by hand here (poll()); the instance tests let it run on its own.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookWorker } from '../../src/modules/integrations/worker.ts';
import {
  WebhookDeliveriesDocument,
  WebhookDeliveryResendDocument,
  WebhookEndpointCreateDocument,
  WebhookEndpointEnableDocument,
  WebhookEndpointRotateSecretDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { expectUserErrors, localId } from '../support/fixtures.ts';
import { connect, integrationTeam, parsed, registerEndpoint, startReceiver, verifySignature, type IntegrationTeam, type Receiver } from '../support/integrations.ts';
import { approvedLeadForm, submitLead } from '../support/leads.ts';
import { approveAuto, setWelcome } from '../support/automation.ts';
import { replyText, sendDm, startConversation } from '../support/messaging.ts';

const HOUR = 3600_000;
let t: TestApp;
let team: IntegrationTeam;
let receiver: Receiver;
beforeAll(async () => {
  // a short timeout stands for the 15 s one; the worker runs only when a test polls
  t = await startApp({ now: '2026-06-01T08:00:00.000Z', env: { WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_POLL_MS: '60000' } });
  team = await integrationTeam(t, 'wh');
  receiver = await startReceiver();
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});
afterEach(async () => {
  // each test registers its own endpoints on one receiver: earlier ones must not answer later events
  await t.db.webhookEndpoint.deleteMany({});
  receiver.received.length = 0;
  receiver.mode = 'ok';
  receiver.decide = undefined;
});

const poll = () => webhookWorker(t.app.services).poll();
const deliveriesOf = (endpointId: string) =>
  t.db.webhookDelivery.findMany({ where: { endpointId: localId(endpointId) }, orderBy: { seq: 'asc' }, include: { event: { select: { type: true, body: true } } } });
const allScopes = ['messages:read', 'messages:send', 'leads:read', 'webhooks:manage'] as const;
let users = 0;
const newUser = () => `wh.user${++users}`;

describe('events', () => {
  it('delivers every event type once, signed, with the webhook-id the log shows', async () => {
    const tool = await connect(t, team, [team.us], [...allScopes]);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received', 'message.sent', 'conversation.referral', 'lead.created', 'auto_message.review_updated']);
    const user = newUser();
    const viaLink = await sendDm(t.as(user), team.usHandle, { kind: 'TEXT', text: 'Found you via the link' }, { viaChatLink: true });
    expect(viaLink.userErrors).toEqual([]);
    await replyText(team.owner, viaLink.conversation.id, 'Welcome!');
    await submitLead(t.as(user), await approvedLeadForm(t, team.handle('owner'), team.us));
    await approveAuto(t, await setWelcome(team.owner, team.us, 'Hi there'));
    await poll();

    const types = receiver.received.map((r) => parsed(r).type);
    expect(types.sort()).toEqual(['auto_message.review_updated', 'conversation.referral', 'lead.created', 'message.received', 'message.sent']);
    for (const request of receiver.received) {
      expect(verifySignature(endpoint.secret, request.headers, request.body)).toBe(true);
      expect(verifySignature(endpoint.secret, request.headers, request.body.replace('"', ' "'))).toBe(false);
      expect(Math.abs(Number(request.headers['webhook-timestamp']) - t.clock.now().getTime() / 1000)).toBeLessThan(2);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const byType = Object.fromEntries(receiver.received.map((r) => [parsed(r).type, parsed(r)]));
    expect(byType['message.received'].data.message).toMatchObject({ direction: 'INBOUND', kind: 'TEXT', text: 'Found you via the link' });
    expect(byType['message.received'].data.conversation.id).toBe(viaLink.conversation.id);
    expect(byType['message.sent'].data.message).toMatchObject({ direction: 'OUTBOUND', text: 'Welcome!', automated: false });
    expect(byType['conversation.referral'].data.conversation).toMatchObject({ id: viaLink.conversation.id, origin: 'CHAT_LINK' });
    expect(byType['lead.created'].data.lead).toMatchObject({ source: 'PROFILE', accountId: team.us });
    expect(byType['auto_message.review_updated'].data).toMatchObject({ reviewState: 'APPROVED' });

    const log = (await tool.api.request(WebhookDeliveriesDocument, { id: endpoint.id, first: 10 })).node;
    const deliveries = (log as any).deliveries.edges.map((e: any) => e.node);
    expect(deliveries).toHaveLength(5);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 1, lastStatusCode: 204, nextAttemptAt: null });
      const request = receiver.received.find((r) => r.headers['webhook-id'] === delivery.webhookId)!;
      expect(request.body).toBe(delivery.body);
    }
    // the referral comes before the message that started the conversation
    const conversationEvents = (await deliveriesOf(endpoint.id)).filter((d) => d.event.type.startsWith('message') || d.event.type.startsWith('conversation')).map((d) => d.event.type);
    expect(conversationEvents).toEqual(['conversation.referral', 'message.received', 'message.sent']);
  });

  it('writes nothing for a message whose transaction rolls back', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    await registerEndpoint(tool.api, receiver.url, ['message.received']);
    const before = { events: await t.db.webhookEvent.count(), deliveries: await t.db.webhookDelivery.count(), messages: await t.db.message.count() };
    // refused inside the transaction, after the outbox hook ran: the live session does not exist
    const refused = await sendDm(t.as(newUser()), team.usHandle, { kind: 'TEXT', text: 'From a live' }, { liveSessionId: encodeGlobalID('LiveSession', randomUUID()) });
    expect(refused.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    expect({ events: await t.db.webhookEvent.count(), deliveries: await t.db.webhookDelivery.count(), messages: await t.db.message.count() }).toEqual(before);
    await poll();
    expect(receiver.received).toEqual([]);
  });

  it('never delivers DM events of region-restricted accounts; their leads still go out', async () => {
    const tool = await connect(t, team, [team.shop], ['messages:read', 'leads:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received', 'lead.created']);
    const user = newUser();
    await startConversation(t.as(user), team.shopHandle, 'Bonjour');
    await submitLead(t.as(user), await approvedLeadForm(t, team.handle('owner'), team.shop));
    await poll();
    expect((await deliveriesOf(endpoint.id)).map((d) => d.event.type)).toEqual(['lead.created']);
    expect(receiver.received.map((r) => parsed(r).type)).toEqual(['lead.created']);
  });

  it('refuses endpoints that are not https, event types outside the grant’s scopes, and nothing is stored', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const before = await t.db.webhookEndpoint.count();
    const create = async (url: string, eventTypes: string[]) => (await tool.api.request(WebhookEndpointCreateDocument, { input: { url, eventTypes: eventTypes as never } })).webhookEndpointCreate;
    expectUserErrors(await create('http://hooks.example.com/x', ['MESSAGE_RECEIVED']), ['WEBHOOK_URL_NOT_ALLOWED', ['input', 'url']]);
    expectUserErrors(await create('ftp://hooks.example.com/x', ['MESSAGE_RECEIVED']), ['WEBHOOK_URL_NOT_ALLOWED', ['input', 'url']]);
    expectUserErrors(await create('not a url', ['MESSAGE_RECEIVED']), ['URL_INVALID', ['input', 'url']]);
    expectUserErrors(await create('https://hooks.example.com/x', ['LEAD_CREATED']), ['INTEGRATION_SCOPE_MISSING', ['input', 'eventTypes', '0']]);
    expect(await t.db.webhookEndpoint.count()).toBe(before);
  });
});

describe('delivery', () => {
  it('retries a 500 and a timeout with exponential backoff and jitter, then succeeds with the same webhook-id', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    receiver.mode = 'fail';
    await startConversation(t.as(newUser()), team.usHandle, 'Retry me');
    await poll();
    let [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lastError: null });
    expect(delivery.lastResponseBody).toBe('x'.repeat(1000));
    const firstWait = delivery.nextAttemptAt.getTime() - t.clock.now().getTime();
    expect(firstWait).toBeGreaterThanOrEqual(8_000);
    expect(firstWait).toBeLessThanOrEqual(12_000);
    expect((await t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: localId(endpoint.id) } })).failingSince?.toISOString()).toBe(t.clock.now().toISOString());

    // not due yet: nothing happens
    await poll();
    expect(receiver.received).toHaveLength(1);
    t.clock.advance(firstWait);
    receiver.mode = 'hang';
    await poll();
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: null, lastError: 'No answer within the timeout.' });
    const secondWait = delivery.nextAttemptAt.getTime() - t.clock.now().getTime();
    expect(secondWait).toBeGreaterThanOrEqual(16_000);
    expect(secondWait).toBeLessThanOrEqual(24_000);

    t.clock.advance(secondWait);
    receiver.mode = 'ok';
    await poll();
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 3, lastStatusCode: 204 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery.eventId]));
    for (const request of receiver.received) expect(verifySignature(endpoint.secret, request.headers, request.body)).toBe(true);
    expect((await t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: localId(endpoint.id) } })).failingSince).toBeNull();
  });

  it('keeps each conversation in order: a failing delivery holds back only its own conversation', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    const [stuck, flowing] = [newUser(), newUser()];
    receiver.decide = (body) => (body.includes(`"${stuck} `) ? 'fail' : 'ok');
    for (const n of [1, 2, 3]) {
      await startConversation(t.as(stuck), team.usHandle, `${stuck} ${n}`);
      await startConversation(t.as(flowing), team.usHandle, `${flowing} ${n}`);
    }
    await poll();
    const texts = () => receiver.received.map((r) => parsed(r).data.message.text as string);
    expect(texts().filter((x) => x.startsWith(flowing))).toEqual([`${flowing} 1`, `${flowing} 2`, `${flowing} 3`]);
    // only the first of the stuck conversation was tried; the later two wait untried
    expect(texts().filter((x) => x.startsWith(stuck))).toEqual([`${stuck} 1`]);
    const stuckRows = (await deliveriesOf(endpoint.id)).filter((d) => d.event.body.includes(`"${stuck} `));
    expect(stuckRows.map((d) => [d.status, d.attempts])).toEqual([['PENDING', 1], ['PENDING', 0], ['PENDING', 0]]);

    receiver.decide = undefined;
    t.clock.advance(15_000);
    await poll();
    expect(texts().filter((x) => x.startsWith(stuck))).toEqual([`${stuck} 1`, `${stuck} 1`, `${stuck} 2`, `${stuck} 3`]);
  });

  it('marks a delivery FAILED after 72 hours, disables the endpoint and mails the owners and admins; re-enabling resumes', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage'], 'Flaky tool');
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    receiver.mode = 'fail';
    const start = t.clock.now().getTime();
    await startConversation(t.as(newUser()), team.usHandle, 'Doomed');
    const attemptTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      await poll();
      const [delivery] = await deliveriesOf(endpoint.id);
      if (delivery.lastAttemptAt && attemptTimes.at(-1) !== delivery.lastAttemptAt.getTime()) attemptTimes.push(delivery.lastAttemptAt.getTime());
      if (delivery.status !== 'PENDING') break;
      t.clock.set(delivery.nextAttemptAt);
    }
    const [failed] = await deliveriesOf(endpoint.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.completedAt!.getTime() - start).toBe(72 * HOUR);
    // each wait about doubles (±20 %) up to 6 hours
    const waits = attemptTimes.slice(1).map((time, i) => time - attemptTimes[i]);
    expect(waits[0]).toBeGreaterThanOrEqual(8_000);
    expect(waits[1] / waits[0]).toBeGreaterThan(1.3);
    expect(Math.max(...waits)).toBeLessThanOrEqual(6 * HOUR * 1.2);

    const row = await t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: localId(endpoint.id) } });
    expect(row.disabledReason).toBe('FAILING');
    const mailed = await t.db.notification.findMany({ where: { kind: 'WEBHOOK_ENDPOINT_DISABLED', subjectId: row.id } });
    const handles = (await t.db.user.findMany({ where: { id: { in: mailed.map((n) => n.userId) } } })).map((u) => u.handle).sort();
    expect(handles).toEqual([team.handle('admin'), team.handle('owner')]);
    expect(mailed[0].title).toContain('Flaky tool');

    // disabled: new events are not queued for it
    receiver.mode = 'ok';
    await startConversation(t.as(newUser()), team.usHandle, 'While disabled');
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    // (the tool's access token expired during those 72 hours: the owner re-enables it)
    const enabled = (await team.owner.request(WebhookEndpointEnableDocument, { id: endpoint.id })).webhookEndpointEnable;
    expect(enabled.endpoint).toMatchObject({ disabledAt: null, disabledReason: null });
    await startConversation(t.as(newUser()), team.usHandle, 'After re-enabling');
    await poll();
    expect(receiver.received.map((r) => parsed(r).data.message.text)).toContain('After re-enabling');
    expectUserErrors((await team.owner.request(WebhookEndpointEnableDocument, { id: endpoint.id })).webhookEndpointEnable, ['INVALID', ['id']]);
  });

  it('disables an endpoint that answers 410 at once; its delivery waits for re-enabling', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    receiver.mode = 'gone';
    await startConversation(t.as(newUser()), team.usHandle, 'Gone?');
    await poll();
    const row = await t.db.webhookEndpoint.findUniqueOrThrow({ where: { id: localId(endpoint.id) } });
    expect(row.disabledReason).toBe('GONE');
    expect(await t.db.notification.count({ where: { kind: 'WEBHOOK_ENDPOINT_DISABLED', subjectId: row.id } })).toBe(2);
    receiver.mode = 'ok';
    t.clock.advance(HOUR);
    await poll();
    expect(receiver.received).toHaveLength(1);
    await team.owner.request(WebhookEndpointEnableDocument, { id: endpoint.id });
    await poll();
    expect(receiver.received).toHaveLength(2);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });

  it('rotates the secret (both sign for 24 hours) and re-sends a delivery with the same webhook-id and the current secret', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    await startConversation(t.as(newUser()), team.usHandle, 'Sign me');
    await poll();
    const [delivered] = await deliveriesOf(endpoint.id);
    const rotated = (await tool.api.request(WebhookEndpointRotateSecretDocument, { id: endpoint.id })).webhookEndpointRotateSecret;
    expect(rotated.secret).not.toBe(endpoint.secret);
    const resent = (await tool.api.request(WebhookDeliveryResendDocument, { id: encodeGlobalID('WebhookDelivery', delivered.id) })).webhookDeliveryResend;
    expect(resent.delivery).toMatchObject({ status: 'PENDING' });
    await poll();
    const again = receiver.received[1];
    expect(again.headers['webhook-id']).toBe(delivered.eventId);
    expect(again.body).toBe(receiver.received[0].body);
    expect(String(again.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifySignature(rotated.secret!, again.headers, again.body)).toBe(true);
    expect(verifySignature(endpoint.secret, again.headers, again.body)).toBe(true);

    t.clock.advance(24 * HOUR + 1000);
    // (the first token expired: a fresh grant of the same organization cannot touch this endpoint, the owner can)
    await team.owner.request(WebhookDeliveryResendDocument, { id: encodeGlobalID('WebhookDelivery', delivered.id) });
    await poll();
    const late = receiver.received[2];
    expect(verifySignature(rotated.secret!, late.headers, late.body)).toBe(true);
    expect(verifySignature(endpoint.secret, late.headers, late.body)).toBe(false);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
  });

  it('shows the delivery log to the integration that owns it and the organization’s managers only', async () => {
    const tool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    const endpoint = await registerEndpoint(tool.api, receiver.url, ['message.received']);
    await startConversation(t.as(newUser()), team.usHandle, 'Log me');
    await poll();
    const read = async (api: any) => (await api.raw(WebhookDeliveriesDocument, { id: endpoint.id, first: 5 })).data?.node ?? null;
    expect((await read(tool.api)).deliveries.edges).toHaveLength(1);
    expect((await read(team.owner)).deliveries.edges).toHaveLength(1);
    const otherTool = await connect(t, team, [team.us], ['messages:read', 'webhooks:manage']);
    for (const api of [otherTool.api, team.as('agent'), team.as('analyst'), t.as('wh.stranger'), t.anonymous()]) expect(await read(api)).toBeNull();
    const noScope = await connect(t, team, [team.us], ['messages:read']);
    expect((await noScope.api.raw(WebhookDeliveriesDocument, { id: endpoint.id, first: 5 })).data?.node ?? null).toBeNull();
  });
});
