// What viewers send from the live room: DMs (a conversation with origin LIVE, tagged with the
// session, refused while viewer messages are off or the live is not running) and leads
// (source LIVE). Each lands in the session's event log in the same transaction.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { ALL_QUESTIONS, approvedLeadForm, validAnswers } from '../support/leads.ts';
import {
  endLive,
  expectRefused,
  liveDm,
  liveLead,
  liveSuite,
  scheduleLive,
  startLive,
  storedEvents,
  updateLive,
  watchHost,
  type LiveTeam,
} from '../support/live.ts';
import { conversationRow, messageRows, sendDm } from '../support/messaging.ts';

let t: TestApp;
let team: LiveTeam;
let form: string;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  form = await approvedLeadForm(app, team.handle('owner'), team.shop, { name: 'Book a tasting' });
});

describe('viewer DMs from the live room', () => {
  it('open a conversation with origin LIVE, tagged with the session, and reach the host console', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.as('agent'), id, 1);
    const sent = await liveDm(t.as('dm.viewer'), team.shopHandle, id, 'Is the large box still available?');
    expect(sent.userErrors).toEqual([]);
    expect(sent.conversation).toMatchObject({ origin: 'LIVE', liveSessionId: id, contact: { handle: 'dm.viewer' }, state: 'OPEN' });
    expect(sent.message).toMatchObject({ direction: 'INBOUND', kind: 'TEXT', text: 'Is the large box still available?', liveSessionId: id });

    const event = await host.value();
    expect(event).toMatchObject({
      seq: 2,
      type: 'VIEWER_MESSAGE',
      at: '2026-03-02T10:00:00.000Z',
      sessionId: id,
      viewerMessage: {
        messageId: sent.message.id,
        conversationId: sent.conversation.id,
        viewerHandle: 'dm.viewer',
        kind: 'TEXT',
        text: 'Is the large box still available?',
      },
      lead: null,
      entry: null,
      stats: null,
    });
    // the stored event: what the console shows, written with the message
    const viewer = await t.db.user.findFirstOrThrow({ where: { handle: 'dm.viewer' } });
    expect((await storedEvents(t, id))[1]).toEqual({
      seq: 2,
      type: 'VIEWER_MESSAGE',
      payload: {
        messageId: localId(sent.message.id),
        conversationId: localId(sent.conversation.id),
        viewerId: viewer.id,
        viewerHandle: 'dm.viewer',
        kind: 'TEXT',
        text: 'Is the large box still available?',
      },
    });
    // the counts follow on the next STATS (at most one a second)
    t.clock.advance(1001);
    expect((await host.until((e) => e.type === 'STATS')).at(-1)!.stats).toMatchObject({ messages: 1, leads: 0 });
    await endLive(team.owner, id);
  });

  it('continue an existing conversation, tagging it and the message with the session', async () => {
    const earlier = await sendDm(t.as('dm.regular'), team.shopHandle, { kind: 'TEXT', text: 'Hello from my inbox' });
    expect(earlier.conversation.liveSessionId).toBeNull();
    const id = await startLive(team.owner, team.shop);
    const sent = await liveDm(t.as('dm.regular'), team.shopHandle, id, 'Now from your live!');
    expect(sent.conversation.id).toBe(earlier.conversation.id);
    expect((await conversationRow(t, sent.conversation.id)).liveSessionId).toBe(localId(id));
    expect((await messageRows(t, sent.conversation.id)).map((m) => [m.text, m.liveSessionId])).toEqual([
      ['Hello from my inbox', null],
      ['Now from your live!', localId(id)],
    ]);
    await endLive(team.owner, id);
  });

  it('are refused while viewer messages are off, storing no conversation, message or event', async () => {
    const id = await startLive(team.owner, team.shop);
    await updateLive(team.owner, id, { allowViewerMessages: false });
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.muted'), team.shopHandle, id, 'Hello?'), ['VIEWER_MESSAGES_OFF', ['context', 'liveSessionId']]);
    // a viewer with a conversation already: no message is added to it either
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.regular'), team.shopHandle, id, 'Hello again?'), [
      'VIEWER_MESSAGES_OFF',
      ['context', 'liveSessionId'],
    ]);
    // DMs outside the live are not concerned
    expect((await sendDm(t.as('dm.muted'), team.shopHandle, { kind: 'TEXT', text: 'From my inbox' })).userErrors).toEqual([]);
    await updateLive(team.owner, id, { allowViewerMessages: true });
    expect((await liveDm(t.as('dm.muted'), team.shopHandle, id, 'Hello!')).userErrors).toEqual([]);
    await endLive(team.owner, id);
  });

  it('are refused before and after the live, for another account’s live, and for ids that are not lives', async () => {
    const scheduled = await scheduleLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.early'), team.shopHandle, scheduled, 'Hi'), ['LIVE_NOT_RUNNING', ['context', 'liveSessionId']]);
    const ended = await startLive(team.owner, team.shop);
    await endLive(team.owner, ended);
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.late'), team.shopHandle, ended, 'Hi'), ['LIVE_NOT_RUNNING', ['context', 'liveSessionId']]);
    const foreign = await startLive(team.as('foreign'), team.foreignShop);
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.lost'), team.shopHandle, foreign, 'Hi'), ['NOT_FOUND', ['context', 'liveSessionId']]);
    expect(await storedEvents(t, foreign)).toHaveLength(1); // its first STATS only
    const unknown = encodeGlobalID('LiveSession', '019aa000-0000-7000-8000-000000000000');
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.lost'), team.shopHandle, unknown, 'Hi'), ['NOT_FOUND', ['context', 'liveSessionId']]);
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.lost'), team.shopHandle, 'not-an-id', 'Hi'), ['INVALID', ['context', 'liveSessionId']]);
    await endLive(team.as('foreign'), foreign);
    await endLive(team.owner, scheduled);
  });

  it('are checked as any DM first: a blank text is refused and nothing is stored', async () => {
    const id = await startLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveDm(t.as('dm.blank'), team.shopHandle, id, '   '), ['REQUIRED', ['input', 'text']]);
    await endLive(team.owner, id);
  });
});

describe('leads from the live', () => {
  it('are stored with source LIVE and reach the host console with the answers', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.owner, id, 1);
    const submitted = await liveLead(t.as('lead.viewer'), form, id);
    expect(submitted.userErrors).toEqual([]);
    expect(submitted.lead).toMatchObject({ source: 'LIVE', liveSessionId: id, form: { id: form, name: 'Book a tasting' } });
    const event = await host.value();
    expect(event).toMatchObject({ seq: 2, type: 'LEAD_SUBMITTED', viewerMessage: null, stats: null });
    expect(event.lead).toEqual({
      leadId: submitted.lead.id,
      formName: 'Book a tasting',
      viewerHandle: 'lead.viewer',
      answers: submitted.lead.answers,
    });
    expect(event.lead!.answers.map((a) => [a.question, a.answer])).toEqual(ALL_QUESTIONS.map((q) => [q, validAnswers[q]]));
    expect((await storedEvents(t, id))[1]).toMatchObject({
      seq: 2,
      type: 'LEAD_SUBMITTED',
      payload: { leadId: localId(submitted.lead.id), formId: localId(form), viewerHandle: 'lead.viewer' },
    });
    t.clock.advance(1001);
    expect((await host.until((e) => e.type === 'STATS')).at(-1)!.stats).toMatchObject({ messages: 0, leads: 1 });
    await endLive(team.owner, id);
  });

  it('are refused when the live is not running, belongs to another account or is not named, storing nothing', async () => {
    const scheduled = await scheduleLive(team.owner, team.shop);
    await expectRefused(t, team.shop, () => liveLead(t.as('lead.early'), form, scheduled), ['LIVE_NOT_RUNNING', ['input', 'liveSessionId']]);
    const foreign = await startLive(team.as('foreign'), team.foreignShop);
    await expectRefused(t, team.shop, () => liveLead(t.as('lead.lost'), form, foreign), ['NOT_FOUND', ['input', 'liveSessionId']]);
    await expectRefused(t, team.shop, () => liveLead(t.as('lead.lost'), form, null as never), ['REQUIRED', ['input', 'liveSessionId']]);
    const ended = await startLive(team.owner, team.shop);
    await endLive(team.owner, ended);
    await expectRefused(t, team.shop, () => liveLead(t.as('lead.late'), form, ended), ['LIVE_NOT_RUNNING', ['input', 'liveSessionId']]);
    expect(await storedEvents(t, foreign)).toHaveLength(1);
    await endLive(team.as('foreign'), foreign);
    await endLive(team.owner, scheduled);
  });
});
