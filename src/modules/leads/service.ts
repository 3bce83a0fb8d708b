// Lead capture (viewers submit a live form) and lead management (the account's team).
import type { Lead, Prisma } from '../../generated/prisma/client.ts';
import type { LeadSource, LeadStatus } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { PendingEvents } from '../../platform/events.ts';
import { isUniqueViolation, refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { checkIdempotencyKey } from '../../platform/idempotency.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { isConversationBetween } from '../messaging/service.ts';
import './events.ts';
import { adOfConversation, clickedAd } from '../ads/attribution.ts';
import { checkAnswers, type Answer } from './rules.ts';

export const NOTE_MAX = 2000;

export interface LeadSubmission {
  formId: string;
  answers: Answer[];
  source: LeadSource;
  postId?: string | null;
  liveSessionId?: string | null;
  adId?: string | null;
  conversationId?: string | null;
  idempotencyKey?: string | null;
}

export interface LeadCreatedEvent {
  lead: Lead;
  formName: string;
  events: PendingEvents;
  runtime?: Runtime;
}

/** Reactions to a new lead inside its transaction (e.g. the live room's event log); may refuse. */
export type LeadHook = (tx: Tx, event: LeadCreatedEvent) => Promise<void>;
const leadHooks: LeadHook[] = [];
export function registerLeadHook(hook: LeadHook): void {
  leadHooks.push(hook);
}

/** Which reference each source must name. */
const sourceReference: Partial<Record<LeadSource, 'postId' | 'liveSessionId' | 'adId' | 'conversationId'>> = {
  SHORT_VIDEO: 'postId',
  LIVE: 'liveSessionId',
  AD: 'adId',
  DIRECT_MESSAGE: 'conversationId',
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => uuidPattern.test(value);

/**
 * Records a viewer's lead. A retry with the same idempotency key returns the first lead
 * (the unique constraint decides, not a read-then-write check).
 */
export async function submitLead(deps: { db: Db; clock: Clock; pubsub: PubSub; runtime?: Runtime }, userId: string, input: LeadSubmission) {
  const { db } = deps;
  const errors: UserError[] = [];
  checkIdempotencyKey(input.idempotencyKey, ['input', 'idempotencyKey'], errors);
  if (input.idempotencyKey) {
    const previous = await db.lead.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey: input.idempotencyKey } } });
    if (previous) {
      if (previous.formId !== input.formId) refuse('IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']);
      return previous;
    }
  }
  const form = await db.leadForm.findUnique({ where: { id: input.formId }, include: { account: { select: { region: true } } } });
  if (!form) refuse('NOT_FOUND', ['formId'], 'No lead form has this id.');
  if (form.status !== 'APPROVED' || !form.getLeadsEnabled) refuse('LEAD_FORM_NOT_LIVE', ['formId']);
  const answers = checkAnswers(form.questions, input.answers, errors, form.account.region);
  for (const [source, key] of Object.entries(sourceReference)) {
    const reference = input[key];
    if (input.source === source && !reference) errors.push(userError('REQUIRED', ['input', key], `A ${source} lead names its ${key}.`));
    else if (input.source !== source && reference) errors.push(userError('INVALID', ['input', key], `${key} goes only with source ${source}.`));
    // references are stored as uuids: anything else would fail in the database
    else if (reference && !isUuid(reference)) errors.push(userError('INVALID', ['input', key], `${key} is not an id.`));
  }
  if (input.source === 'SHORT_VIDEO' && input.postId && isUuid(input.postId)) {
    const post = await db.post.findUnique({ where: { id: input.postId }, select: { leadFormId: true } });
    if (!post || post.leadFormId !== form.id) errors.push(userError('INVALID', ['input', 'postId'], 'This video does not carry this lead form.'));
  }
  if (input.source === 'AD' && input.adId && isUuid(input.adId) && !(await clickedAd(db, userId, form.accountId, input.adId))) {
    errors.push(userError('INVALID', ['input', 'adId'], 'You did not reach this account through this ad.'));
  }
  // a DM lead names the submitter's own conversation with the form's account, nobody else's
  if (input.source === 'DIRECT_MESSAGE' && input.conversationId && isUuid(input.conversationId)) {
    if (!(await isConversationBetween(db, input.conversationId, userId, form.accountId))) {
      errors.push(userError('NOT_FOUND', ['input', 'conversationId'], 'You have no conversation with this account under this id.'));
    }
  }
  refuseIfAny(errors);
  // a lead from a conversation an ad opened comes from that ad
  const viaAd = input.source === 'DIRECT_MESSAGE' && input.conversationId && isUuid(input.conversationId) ? await adOfConversation(db, userId, form.accountId, input.conversationId) : null;
  const source = viaAd ? 'AD' : input.source;
  const adId = viaAd ?? input.adId ?? null;
  let lead;
  const events = new PendingEvents();
  try {
    lead = await db.$transaction(async (tx) => {
      const created = await tx.lead.create({
        data: {
          formId: form.id,
          accountId: form.accountId,
          userId,
          source,
          postId: input.postId ?? null,
          liveSessionId: input.liveSessionId ?? null,
          adId,
          conversationId: input.conversationId ?? null,
          answers: answers as unknown as Prisma.InputJsonValue,
          idempotencyKey: input.idempotencyKey ?? null,
          createdAt: deps.clock.now(),
        },
      });
      for (const hook of leadHooks) await hook(tx, { lead: created, formName: form.name, events, runtime: deps.runtime });
      return created;
    });
  } catch (error) {
    // a concurrent submission with this key won the race: a retry answers with its lead,
    // the same key on another form is refused as it would be sequentially
    if (input.idempotencyKey && isUniqueViolation(error)) {
      const winner = await db.lead.findUniqueOrThrow({ where: { userId_idempotencyKey: { userId, idempotencyKey: input.idempotencyKey } } });
      if (winner.formId !== form.id) refuse('IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']);
      return winner;
    }
    throw error;
  }
  events.publishTo(deps.pubsub);
  deps.pubsub.publish('lead.created', lead.accountId, {
    leadId: lead.id,
    formId: lead.formId,
    accountId: lead.accountId,
    source: lead.source,
    liveSessionId: lead.liveSessionId,
    at: lead.createdAt.toISOString(),
  });
  return lead;
}

export interface LeadFilter {
  sources?: LeadSource[] | null;
  statuses?: LeadStatus[] | null;
  /** true: any status but NEW; false: NEW only */
  completed?: boolean | null;
  formId?: string | null;
  submittedAfter?: Date | null;
  submittedBefore?: Date | null;
  assigneeId?: string | null;
}

export function leadWhere(accountId: string, filter: LeadFilter = {}): Prisma.LeadWhereInput {
  const status: Prisma.EnumLeadStatusFilter = {};
  if (filter.statuses?.length) status.in = filter.statuses;
  if (filter.completed === true) status.not = 'NEW';
  if (filter.completed === false) status.equals = 'NEW';
  return {
    accountId,
    source: filter.sources?.length ? { in: filter.sources } : undefined,
    status: Object.keys(status).length ? status : undefined,
    formId: filter.formId ?? undefined,
    assigneeId: filter.assigneeId ?? undefined,
    createdAt:
      filter.submittedAfter || filter.submittedBefore ? { gte: filter.submittedAfter ?? undefined, lt: filter.submittedBefore ?? undefined } : undefined,
  };
}

export async function updateLead(db: Db, leadId: string, input: { status?: LeadStatus | null; assigneeId?: string | null }) {
  return db.$transaction(async (tx) => {
    const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId }, select: { accountId: true, account: { select: { organizationId: true } } } });
    if (input.status === null) refuse('REQUIRED', ['input', 'status'], 'status cannot be null.');
    if (input.assigneeId) {
      const member = await tx.membership.findFirst({
        where: {
          userId: input.assigneeId,
          organizationId: lead.account.organizationId,
          role: { in: ['OWNER', 'ADMIN', 'AGENT'] },
          OR: [{ restricted: false }, { accounts: { some: { accountId: lead.accountId } } }],
        },
        select: { id: true },
      });
      if (!member) refuse('ASSIGNEE_NOT_MEMBER', ['input', 'assigneeId']);
    }
    return tx.lead.update({
      where: { id: leadId },
      data: { status: input.status ?? undefined, assigneeId: input.assigneeId === undefined ? undefined : input.assigneeId },
    });
  });
}

export async function addLeadNote(db: Db, clock: Clock, leadId: string, authorId: string, body: string) {
  // judged as stored: trimmed
  const note = body.trim();
  if (note === '') refuse('REQUIRED', ['body'], 'A note cannot be blank.');
  if ([...note].length > NOTE_MAX) refuse('TOO_LONG', ['body'], `Notes are at most ${NOTE_MAX} characters.`);
  return db.leadNote.create({ data: { leadId, authorId, body: note, createdAt: clock.now() } });
}
