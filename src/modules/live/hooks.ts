// The live room's part in other modules' transactions: a viewer DM or a lead sent from a
// live is refused when the live does not allow it, and otherwise lands in the session's
// event log in the same transaction as the message or lead itself; a lead form switched off
// leaves the live rooms that show it. The checks here answer early with the right code; the
// one that decides is taken when the event is numbered (event-log.ts), under the session's
// row lock, so a live that ends meanwhile refuses it.
import type { Tx } from '../../platform/db.ts';
import { refuse } from '../../platform/errors.ts';
import { questionLabels, type Answer } from '../leads/rules.ts';
import { registerGetLeadsOffHook } from '../leads/forms.ts';
import { registerLeadHook } from '../leads/service.ts';
import { registerAutoReplyGuard, registerInboundHook } from '../messaging/service.ts';
import { Prisma, type Message } from '../../generated/prisma/client.ts';
import { assertion, type InboundPlan, type StatementPart } from '../messaging/inbound-statement.ts';
import { announceEvent, appendEvent, numberedEventCtes } from './event-log.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { existingLiveRuntime } from './runtime.ts';
import { hideEntriesOfSwitchedOffForm } from './service.ts';

const sessionColumns = { accountId: true, state: true, allowViewerMessages: true, autoResponsesEnabled: true } as const;

function checkRunning<S extends { accountId: string; state: string }>(session: S | null, accountId: string, field: string[]): S {
  if (!session || session.accountId !== accountId) refuse('NOT_FOUND', field, 'No live session of this account has this id.');
  if (session.state !== 'LIVE') refuse('LIVE_NOT_RUNNING', field);
  return session;
}

function readSession(tx: Tx, sessionId: string) {
  return tx.liveSession.findUnique({ where: { id: sessionId }, select: sessionColumns });
}

async function runningSession(tx: Tx, sessionId: string, accountId: string, field: string[]) {
  return checkRunning(await readSession(tx, sessionId), accountId, field);
}

// the auto-reply guard and the inbound hook of one message read its session once
const sessionOfMessage = new WeakMap<object, ReturnType<typeof readSession>>();
function sessionOf(tx: Tx, message: { liveSessionId: string | null }) {
  let reading = sessionOfMessage.get(message);
  if (!reading) sessionOfMessage.set(message, (reading = readSession(tx, message.liveSessionId!)));
  return reading;
}

/** After commit, let the app's live runtime emit (throttled) STATS. */
function statsChanged(runtime: Runtime | undefined, sessionId: string) {
  return runtime ? existingLiveRuntime(runtime)?.statsChanged(sessionId) : undefined;
}

/** What the host console shows of a viewer's DM. */
function viewerMessagePayload(message: Message, conversation: { id: string; userId: string }, viewerHandle: string) {
  return { messageId: message.id, conversationId: conversation.id, viewerId: conversation.userId, viewerHandle, kind: message.kind, text: message.text };
}

/**
 * A viewer DM on the one-statement path: numbered under the session's row lock like
 * appendEvent, and only while the live runs and takes viewer messages (otherwise the
 * statement aborts and the transaction path refuses with the exact code).
 */
function viewerMessageInStatement(plan: InboundPlan): StatementPart | null {
  const sessionId = plan.message.liveSessionId;
  if (!sessionId) return null;
  const payload = viewerMessagePayload(plan.message, plan.conversation, plan.senderHandle);
  return {
    ctes: numberedEventCtes('live_dm', sessionId, 'VIEWER_MESSAGE', payload, plan.now, Prisma.sql`AND "accountId" = ${plan.conversation.accountId}::uuid AND "allowViewerMessages"`),
    // read after the conversation and the message (the same lock order as the transaction path)
    result: Prisma.sql`(SELECT ${assertion(Prisma.sql`count(*) = 1`)} * max("seq") FROM "live_dm")`,
    after: (seq) => {
      announceEvent(plan.events, sessionId, Number(seq), 'VIEWER_MESSAGE', payload, plan.now);
      plan.events.afterCommit(() => statsChanged(plan.runtime, sessionId));
    },
  };
}

registerInboundHook(
  async (tx, event) => {
    const sessionId = event.message.liveSessionId;
    if (!sessionId) return;
    const session = checkRunning(await sessionOf(tx, event.message), event.conversation.accountId, ['context', 'liveSessionId']);
    if (!session.allowViewerMessages) refuse('VIEWER_MESSAGES_OFF', ['context', 'liveSessionId']);
    const handle = event.senderHandle ?? (await tx.user.findUniqueOrThrow({ where: { id: event.conversation.userId }, select: { handle: true } })).handle;
    await appendEvent(tx, event.events, sessionId, 'VIEWER_MESSAGE', viewerMessagePayload(event.message, event.conversation, handle), event.now, ['context', 'liveSessionId']);
    event.events.afterCommit(() => statsChanged(event.runtime, sessionId));
  },
  { inStatement: viewerMessageInStatement },
);

registerAutoReplyGuard(
  async (tx, event) => {
    if (!event.message.liveSessionId) return true;
    return (await sessionOf(tx, event.message))?.autoResponsesEnabled ?? true;
  },
  {
    // the same read inside the DM's statement: a host who switched auto-responses off before it ran is obeyed
    inStatement: ({ message }) =>
      message.liveSessionId ? Prisma.sql`COALESCE((SELECT "autoResponsesEnabled" FROM "LiveSession" WHERE "id" = ${message.liveSessionId}::uuid), true)` : null,
  },
);

registerLeadHook(async (tx, { lead, formName, events, runtime }) => {
  if (!lead.liveSessionId) return;
  await runningSession(tx, lead.liveSessionId, lead.accountId, ['input', 'liveSessionId']);
  const viewer = await tx.user.findUniqueOrThrow({ where: { id: lead.userId }, select: { handle: true } });
  const answers = (lead.answers as unknown as Answer[]).map((a) => ({ ...a, label: questionLabels[a.question] }));
  await appendEvent(
    tx,
    events,
    lead.liveSessionId,
    'LEAD_SUBMITTED',
    { leadId: lead.id, formId: lead.formId, formName, viewerHandle: viewer.handle, answers },
    lead.createdAt,
    ['input', 'liveSessionId'],
  );
  events.afterCommit(() => statsChanged(runtime, lead.liveSessionId!));
});

registerGetLeadsOffHook((tx, { form, events, now }) => hideEntriesOfSwitchedOffForm(tx, events, form.id, form.name, now));
