// The platform review queue: submissions in, decisions out, each decision applied to its
// subject and mailed to the account's team in the same transaction.
import type { Prisma } from '../../generated/prisma/client.ts';
import type { ReviewKind } from '../../generated/prisma/enums.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { PendingEvents } from '../../platform/events.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import type { PubSub } from '../../platform/pubsub.ts';
import { notifyAccountTeam } from '../notifications/service.ts';
import { reviewableOf, runDecisionHooks, type ReviewReason } from './registry.ts';

const HOUR = 3600_000;
export const MAX_REASON_LENGTH = 500;

export interface Submission {
  kind: ReviewKind;
  subjectId: string;
  accountId: string;
  snapshot: Prisma.InputJsonValue;
  submittedById?: string;
}

/** Queues a subject for review (inside the caller's transaction); an older pending review of it is withdrawn. */
export async function submitForReview(tx: Tx, clock: Clock, submission: Submission) {
  const reviewable = reviewableOf(submission.kind);
  const now = clock.now();
  await tx.reviewItem.updateMany({ where: { kind: submission.kind, subjectId: submission.subjectId, state: 'PENDING' }, data: { state: 'WITHDRAWN', decidedAt: now } });
  return tx.reviewItem.create({
    data: { ...submission, submittedAt: now, dueBy: new Date(now.getTime() + reviewable.dueWithinHours * HOUR) },
  });
}

/** Withdraws a subject's pending review (e.g. the submitter cancelled it). */
export async function withdrawReview(tx: Tx, clock: Clock, kind: ReviewKind, subjectId: string) {
  await tx.reviewItem.updateMany({ where: { kind, subjectId, state: 'PENDING' }, data: { state: 'WITHDRAWN', decidedAt: clock.now() } });
}

export interface Decision {
  approve: boolean;
  reasons?: ReviewReason[];
}

function checkReasons(kind: ReviewKind, decision: Decision): UserError[] {
  const errors: UserError[] = [];
  const reasons = decision.reasons ?? [];
  if (decision.approve) return errors;
  if (reasons.length === 0) errors.push(userError('REQUIRED', ['reasons'], 'A rejection needs at least one reason.'));
  const areas = reviewableOf(kind).areas;
  reasons.forEach((reason, index) => {
    if (!areas.includes(reason.area)) {
      errors.push(userError('INVALID', ['reasons', String(index), 'area'], `A ${reviewableOf(kind).label} review highlights only ${areas.join(', ')}.`));
    }
    if (reason.message.trim() === '') errors.push(userError('REQUIRED', ['reasons', String(index), 'message'], 'Say what must change.'));
    else if ([...reason.message].length > MAX_REASON_LENGTH) errors.push(userError('TOO_LONG', ['reasons', String(index), 'message'], `At most ${MAX_REASON_LENGTH} characters.`));
  });
  return errors;
}

export async function decide(deps: { db: Db; clock: Clock; pubsub: PubSub }, reviewerId: string, itemId: string, decision: Decision) {
  const events = new PendingEvents();
  const item = await deps.db.$transaction(async (tx) => {
    const current = await tx.reviewItem.findUnique({ where: { id: itemId } });
    if (!current) refuse('NOT_FOUND', ['id'], 'No review item has this id.');
    refuseIfAny(checkReasons(current.kind, decision));
    const now = deps.clock.now();
    // compare-and-set: of two reviewers deciding at once, one wins, the other is told
    const decided = await tx.reviewItem.updateMany({
      where: { id: itemId, state: 'PENDING' },
      data: {
        state: decision.approve ? 'APPROVED' : 'REJECTED',
        reviewerId,
        decidedAt: now,
        reasons: decision.approve ? undefined : (decision.reasons!.map((r) => ({ area: r.area, message: r.message.trim() })) as Prisma.InputJsonValue),
      },
    });
    if (decided.count === 0) {
      // `current` may predate the winning decision: say what it became
      const { state } = await tx.reviewItem.findUniqueOrThrow({ where: { id: itemId }, select: { state: true } });
      refuse('REVIEW_ALREADY_DECIDED', ['id'], `This review is already ${state.toLowerCase()}.`);
    }
    const reviewable = reviewableOf(current.kind);
    if (decision.approve) await reviewable.onApproved(tx, current.subjectId, now);
    else await reviewable.onRejected(tx, current.subjectId, now);
    await runDecisionHooks(tx, { kind: current.kind, subjectId: current.subjectId, accountId: current.accountId, approved: decision.approve, reasons: decision.reasons ?? [], at: now });
    const name = await reviewable.describe(tx, current.subjectId);
    await notifyAccountTeam(tx, events, {
      accountId: current.accountId,
      kind: decision.approve ? 'REVIEW_APPROVED' : 'REVIEW_REJECTED',
      title: decision.approve ? `Your ${reviewable.label} “${name}” was approved` : `Your ${reviewable.label} “${name}” was not approved`,
      body: decision.approve
        ? `The ${reviewable.label} passed review.`
        : `Please edit and resubmit. ${decision.reasons!.map((r) => `${r.area}: ${r.message.trim()}`).join(' · ')}`,
      subjectType: reviewable.subjectType,
      subjectId: current.subjectId,
      createdAt: now,
    });
    return tx.reviewItem.findUniqueOrThrow({ where: { id: itemId } });
  });
  events.publishTo(deps.pubsub);
  return item;
}
