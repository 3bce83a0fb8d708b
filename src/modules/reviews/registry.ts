// What the platform reviews. A reviewable kind is one registration: how long a review
// may take, which areas a rejection may highlight, and what a decision does to its subject.
import type { ReviewKind } from '../../generated/prisma/enums.ts';
import type { Tx } from '../../platform/db.ts';

export const reviewAreas = ['INTRODUCTION', 'QUESTIONS', 'PRIVACY_POLICY', 'CONTENT', 'ACCOUNT', 'SESSIONS'] as const;
export type ReviewArea = (typeof reviewAreas)[number];

export interface ReviewReason {
  area: ReviewArea;
  message: string;
}

export interface Reviewable {
  kind: ReviewKind;
  /** GraphQL type of the subject (for links and notifications) */
  subjectType: string;
  /** a person-facing name of the kind, e.g. "lead form" */
  label: string;
  dueWithinHours: number;
  areas: readonly ReviewArea[];
  /** a short name of the subject for the mail, e.g. the form's name */
  describe(tx: Tx, subjectId: string): Promise<string>;
  onApproved(tx: Tx, subjectId: string, at: Date): Promise<void>;
  onRejected(tx: Tx, subjectId: string, at: Date): Promise<void>;
}

const registry = new Map<ReviewKind, Reviewable>();

export function registerReviewable(reviewable: Reviewable): void {
  registry.set(reviewable.kind, reviewable);
}

export function reviewableOf(kind: ReviewKind): Reviewable {
  const reviewable = registry.get(kind);
  if (!reviewable) throw new Error(`no reviewable registered for ${kind}`);
  return reviewable;
}

/** A review decision, inside the transaction that applies it. */
export interface DecisionEvent {
  kind: ReviewKind;
  subjectId: string;
  accountId: string;
  approved: boolean;
  reasons: ReviewReason[];
  at: Date;
}

/** Reactions to any review decision that run in its transaction (the webhook outbox). */
export type DecisionHook = (tx: Tx, event: DecisionEvent) => Promise<void>;
const decisionHooks: DecisionHook[] = [];
export function registerDecisionHook(hook: DecisionHook): void {
  decisionHooks.push(hook);
}
export async function runDecisionHooks(tx: Tx, event: DecisionEvent): Promise<void> {
  for (const hook of decisionHooks) await hook(tx, event);
}
