// The platform review queue through the API: reviewers list (oldest first, by kind and
// state), approve and reject with reasons per area; nobody else can; teams read their own
// items; due dates follow the app clock; a decision happens once.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitForReview } from '../../src/modules/reviews/service.ts';
import {
  LeadFormUpdateDocument,
  ReviewApproveDocument,
  ReviewItemNodeDocument,
  ReviewItemReviewerDocument,
  ReviewQueueDefaultDocument,
  ReviewQueueDocument,
  ReviewRejectDocument,
  type ReviewReasonInput,
} from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import {
  approve,
  createForm,
  expectLeadFormsUnchanged,
  expectReadRefused,
  formRow,
  leadTeam,
  OUTSIDER,
  pendingReview,
  reject,
  reviewer,
  REVIEWER,
  startLeadApp,
  submitForm,
  validForm,
  type LeadTeam,
} from '../support/lead-forms.ts';

const HOUR = 3600_000;
let t: TestApp;
let org: LeadTeam;
let foreign: LeadTeam;
beforeAll(async () => {
  ({ t, org, foreign } = await startLeadApp('2026-05-04T08:00:00.000Z'));
});
afterAll(() => t?.close());

/** A form of the shop account, submitted now; returns its id and its review item's id. */
async function submitted(input: Parameters<typeof createForm>[2] = {}) {
  const formId = await createForm(org.owner, org.account('shop'), input);
  await submitForm(org.owner, formId);
  return { formId, itemId: await pendingReview(t, formId) };
}

async function queue(variables: { state?: 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN'; kind?: 'LEAD_FORM' } = {}) {
  const { reviewQueue } = await reviewer(t).request(ReviewQueueDocument, { first: 100, ...variables });
  return reviewQueue.edges.map((e) => e.node);
}

const itemRow = (itemId: string) => t.db.reviewItem.findUniqueOrThrow({ where: { id: localId(itemId) } });
const rejectWith = (itemId: string, reasons: ReviewReasonInput[], api = reviewer(t)) => api.request(ReviewRejectDocument, { id: itemId, reasons });

describe('reviewQueue', () => {
  it('lists pending items oldest submission first, with subject, snapshot and due date', async () => {
    const start = t.clock.now();
    t.clock.set(new Date(start.getTime() + 2 * HOUR));
    const later = await submitted({ name: 'Later' });
    t.clock.set(new Date(start.getTime() + HOUR));
    const earlier = await submitted({ name: 'Earlier', privacyPolicyUrl: null, privacyPolicyText: 'We keep your data for a year.' });
    t.clock.set(new Date(start.getTime() + 3 * HOUR));

    const items = (await queue()).filter((item) => [earlier.itemId, later.itemId].includes(item.id));
    expect(items.map((item) => item.id)).toEqual([earlier.itemId, later.itemId]);
    expect(items[0]).toEqual({
      id: earlier.itemId,
      kind: 'LEAD_FORM',
      state: 'PENDING',
      submittedAt: new Date(start.getTime() + HOUR).toISOString(),
      dueBy: new Date(start.getTime() + 25 * HOUR).toISOString(),
      overdue: false,
      decidedAt: null,
      snapshot: { name: 'Earlier', introduction: validForm.introduction, questions: ['NAME', 'EMAIL'], privacyPolicyText: 'We keep your data for a year.', privacyPolicyUrl: null, callToAction: 'CONTACT_US' },
      reasons: [],
      reviewer: null,
      account: { handle: org.handle('shop') },
      subject: { __typename: 'LeadForm', id: earlier.formId, name: 'Earlier', status: 'PENDING' },
    });
    t.clock.set(start);
  });

  it('lists only pending items by default, and filters by state and kind', async () => {
    const pending = await submitted();
    const approved = await submitted();
    await approve(t, approved.formId);
    const rejected = await submitted();
    await reject(t, rejected.formId);

    const ids = (items: { id: string }[]) => items.map((item) => item.id);
    const { reviewQueue } = await reviewer(t).request(ReviewQueueDefaultDocument);
    expect(reviewQueue.edges.every((e) => e.node.state === 'PENDING')).toBe(true);
    expect(reviewQueue.edges.map((e) => e.node.id)).toContain(pending.itemId);
    expect(ids(await queue({ kind: 'LEAD_FORM' }))).toContain(pending.itemId);

    const approvedItems = await queue({ state: 'APPROVED' });
    expect(approvedItems.every((item) => item.state === 'APPROVED')).toBe(true);
    expect(ids(approvedItems)).toContain(approved.itemId);
    expect(ids(approvedItems)).not.toContain(rejected.itemId);
    expect(ids(await queue({ state: 'REJECTED' }))).toEqual(expect.arrayContaining([rejected.itemId]));
    expect(ids(await queue({ state: 'REJECTED' }))).not.toContain(pending.itemId);
  });

  it('pages through the queue in order', async () => {
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1000);
      await submitted({ name: `Page ${i}` });
    }
    const all = (await queue()).map((item) => item.id);
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const { reviewQueue } = await reviewer(t).request(ReviewQueueDocument, { first: 2, after });
      expect(reviewQueue.edges.length).toBeLessThanOrEqual(2);
      seen.push(...reviewQueue.edges.map((e) => e.node.id));
      after = reviewQueue.pageInfo.hasNextPage ? reviewQueue.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['the owner of the account', () => org.owner, 'FORBIDDEN'],
    ['an admin of the account', () => org.as('admin'), 'FORBIDDEN'],
    ['an analyst', () => org.as('analyst'), 'FORBIDDEN'],
    ['a platform admin', () => t.as('platform_admin', ['admin']), 'FORBIDDEN'],
    ['a signed-in outsider', () => t.as(OUTSIDER), 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ] as const)('is refused to %s', async (_name, api, code) => {
    await submitted();
    expectTopLevelError(await api().raw(ReviewQueueDocument, { first: 10 }), code);
  });
});

describe('due dates', () => {
  it('a lead form is due 24 hours after submission and is overdue only once that passes while pending', async () => {
    const { itemId, formId } = await submitted();
    const submittedAt = t.clock.now();
    const read = async () => (await reviewer(t).request(ReviewItemNodeDocument, { id: itemId })).node as { dueBy: string; overdue: boolean };
    expect(await read()).toMatchObject({ dueBy: new Date(submittedAt.getTime() + 24 * HOUR).toISOString(), overdue: false });
    t.clock.advance(24 * HOUR);
    expect((await read()).overdue).toBe(false);
    t.clock.advance(1);
    expect((await read()).overdue).toBe(true);
    // the team sees the same
    expect((await org.owner.request(ReviewItemNodeDocument, { id: itemId })).node).toMatchObject({ overdue: true });
    await approve(t, formId);
    expect((await read()).overdue).toBe(false);
    expect((await formRow(t, formId)).submittedAt).toEqual(submittedAt);
  });
});

describe('reviewApprove', () => {
  it('approves: the item records who decided and when, and the form is approved with its switch on', async () => {
    const { formId, itemId } = await submitted();
    t.clock.advance(2 * HOUR);
    const { reviewApprove } = await reviewer(t).request(ReviewApproveDocument, { id: itemId });
    expectUserErrors(reviewApprove);
    expect(reviewApprove.reviewItem).toMatchObject({ id: itemId, state: 'APPROVED', decidedAt: t.clock.now().toISOString(), reasons: [], reviewer: { handle: REVIEWER }, subject: { status: 'APPROVED' } });
    expect(await itemRow(itemId)).toMatchObject({ state: 'APPROVED', decidedAt: t.clock.now(), reasons: null });
    expect(await formRow(t, formId)).toMatchObject({ status: 'APPROVED', getLeadsEnabled: true, approvedAt: t.clock.now() });
  });

  it.each([
    ['the owner of the account', () => org.owner, 'FORBIDDEN'],
    ['a platform admin', () => t.as('platform_admin', ['admin']), 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ] as const)('is refused to %s, changing nothing', async (_name, api, code) => {
    const { itemId } = await submitted();
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => api().raw(ReviewApproveDocument, { id: itemId })), code);
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => api().raw(ReviewRejectDocument, { id: itemId, reasons: [{ area: 'QUESTIONS', message: 'No.' }] })), code);
  });

  it('refuses an item that does not exist (NOT_FOUND)', async () => {
    const id = encodeGlobalID('ReviewItem', '019aa000-0000-7000-8000-000000000000');
    const { reviewApprove } = await expectLeadFormsUnchanged(t, () => reviewer(t).request(ReviewApproveDocument, { id }));
    expectUserErrors(reviewApprove, ['NOT_FOUND', ['id']]);
  });
});

describe('reviewReject', () => {
  it('rejects with reasons per area, stored trimmed; the form is rejected and stays off', async () => {
    const { formId, itemId } = await submitted();
    const { reviewReject } = await rejectWith(itemId, [
      { area: 'INTRODUCTION', message: '  Say what the form is for.  ' },
      { area: 'PRIVACY_POLICY', message: 'The link opens the home page.' },
    ]);
    expectUserErrors(reviewReject);
    const reasons = [
      { area: 'INTRODUCTION', message: 'Say what the form is for.' },
      { area: 'PRIVACY_POLICY', message: 'The link opens the home page.' },
    ];
    expect(reviewReject.reviewItem).toMatchObject({ state: 'REJECTED', decidedAt: t.clock.now().toISOString(), reasons, reviewer: { handle: REVIEWER } });
    expect((await itemRow(itemId)).reasons).toEqual(reasons);
    expect(await formRow(t, formId)).toMatchObject({ status: 'REJECTED', getLeadsEnabled: false, approvedAt: null });
  });

  it('accepts a message of exactly 500 characters', async () => {
    const { itemId } = await submitted();
    expectUserErrors((await rejectWith(itemId, [{ area: 'QUESTIONS', message: '问'.repeat(500) }])).reviewReject);
  });

  it.each([
    ['no reason', [], [['REQUIRED', ['reasons']]]],
    ['a blank message', [{ area: 'QUESTIONS', message: ' \n ' }], [['REQUIRED', ['reasons', '0', 'message']]]],
    ['a message over 500 characters', [{ area: 'QUESTIONS', message: 'm'.repeat(501) }], [['TOO_LONG', ['reasons', '0', 'message']]]],
    [
      'several bad reasons, each reported',
      [
        { area: 'INTRODUCTION', message: 'Fine reason' },
        { area: 'QUESTIONS', message: '' },
        { area: 'PRIVACY_POLICY', message: 'x'.repeat(501) },
      ],
      [
        ['REQUIRED', ['reasons', '1', 'message']],
        ['TOO_LONG', ['reasons', '2', 'message']],
      ],
    ],
  ] as [string, ReviewReasonInput[], [string, string[]][]][])('refuses %s, changing nothing', async (_name, reasons, expected) => {
    const { itemId } = await submitted();
    const { reviewReject } = await expectLeadFormsUnchanged(t, () => rejectWith(itemId, reasons));
    expectUserErrors(reviewReject, ...expected);
    expect(reviewReject.reviewItem).toBeNull();
  });

  it('refuses an area that lead-form reviews do not highlight (INVALID on the area)', async () => {
    const { itemId } = await submitted();
    const { reviewReject } = await expectLeadFormsUnchanged(t, () =>
      rejectWith(itemId, [
        { area: 'QUESTIONS', message: 'Fine' },
        { area: 'CONTENT', message: 'Not a lead-form area' },
      ]),
    );
    expectUserErrors(reviewReject, ['INVALID', ['reasons', '1', 'area']]);
  });

  it('refuses an area that is not one of the review areas at the GraphQL layer', async () => {
    const { itemId } = await submitted();
    const response = await expectLeadFormsUnchanged(t, () => reviewer(t).raw(ReviewRejectDocument, { id: itemId, reasons: [{ area: 'PRICE' as never, message: 'x' }] }));
    expect(response.errors?.[0].message).toMatch(/ReviewArea/);
  });
});

describe('a decision happens once', () => {
  it.each([
    ['approved', 'approve'],
    ['approved', 'reject'],
    ['rejected', 'approve'],
    ['rejected', 'reject'],
  ] as const)('an item already %s cannot be decided again (%s): REVIEW_ALREADY_DECIDED', async (first, second) => {
    const { formId, itemId } = await submitted();
    if (first === 'approved') await approve(t, formId);
    else await reject(t, formId);
    const payload = await expectLeadFormsUnchanged(t, async () =>
      second === 'approve' ? (await reviewer(t).request(ReviewApproveDocument, { id: itemId })).reviewApprove : (await rejectWith(itemId, [{ area: 'QUESTIONS', message: 'Again' }])).reviewReject,
    );
    expectUserErrors(payload, ['REVIEW_ALREADY_DECIDED', ['id']]);
    expect(payload.userErrors[0].message).toContain(first);
  });

  it('of two reviewers deciding at once, one wins and the other is told it was already decided', async () => {
    const { formId, itemId } = await submitted();
    const other = t.as('victor', ['reviewer']);
    const [approved, rejected] = await Promise.all([
      reviewer(t).request(ReviewApproveDocument, { id: itemId }),
      rejectWith(itemId, [{ area: 'QUESTIONS', message: 'Too many questions' }], other),
    ]);
    const outcomes = [approved.reviewApprove, rejected.reviewReject];
    const winner = outcomes.find((p) => p.userErrors.length === 0);
    const loser = outcomes.find((p) => p.userErrors.length > 0);
    expect(winner && loser).toBeTruthy();
    expectUserErrors(loser, ['REVIEW_ALREADY_DECIDED', ['id']]);
    const row = await itemRow(itemId);
    expect(loser!.userErrors[0].message).toContain(row.state.toLowerCase());
    expect((await formRow(t, formId)).status).toBe(row.state);
    // the team heard of exactly one decision
    const recipients = await t.db.notification.count({ where: { subjectId: localId(formId) } });
    expect(recipients).toBe(Object.keys(org.memberIds).length);
  });

  it('a newer submission withdraws an older pending one, which can no longer be decided', async () => {
    const { formId, itemId } = await submitted();
    const account = await formRow(t, formId);
    t.clock.advance(HOUR);
    const newer = await t.db.$transaction((tx) => submitForReview(tx, t.clock, { kind: 'LEAD_FORM', subjectId: account.id, accountId: account.accountId, snapshot: { name: 'v2' } }));
    expect(await itemRow(itemId)).toMatchObject({ state: 'WITHDRAWN', decidedAt: t.clock.now() });
    expect(newer).toMatchObject({ state: 'PENDING', submittedAt: t.clock.now() });
    const withdrawnIds = (await queue({ state: 'WITHDRAWN' })).map((item) => item.id);
    expect(withdrawnIds).toContain(itemId);
    expect((await queue()).map((item) => item.id)).not.toContain(itemId);
    const { reviewApprove } = await expectLeadFormsUnchanged(t, () => reviewer(t).request(ReviewApproveDocument, { id: itemId }));
    expectUserErrors(reviewApprove, ['REVIEW_ALREADY_DECIDED', ['id']]);
    expect(reviewApprove.userErrors[0].message).toContain('withdrawn');
  });
});

describe('who reads review items', () => {
  it('the account’s team reads its items, without the reviewer’s identity', async () => {
    const { formId, itemId } = await submitted();
    await reject(t, formId, [{ area: 'QUESTIONS', message: 'Ask for an email.' }]);
    for (const member of [org.owner, org.as('agent'), org.as('analyst')]) {
      const { node } = await member.request(ReviewItemNodeDocument, { id: itemId });
      expect(node).toMatchObject({ id: itemId, state: 'REJECTED', reasons: [{ area: 'QUESTIONS', message: 'Ask for an email.' }], subject: { id: formId } });
    }
    const hidden = await org.owner.raw(ReviewItemReviewerDocument, { id: itemId });
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data?.node).toEqual({ id: itemId, reviewer: null });
    expect((await reviewer(t).request(ReviewItemReviewerDocument, { id: itemId })).node).toEqual({ id: itemId, reviewer: { handle: REVIEWER } });
  });

  it.each([
    ['the owner of another organization', () => foreign.owner, 'FORBIDDEN'],
    ['a signed-in outsider', () => t.as(OUTSIDER), 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ] as const)('%s cannot read them', async (_name, api, code) => {
    const { itemId } = await submitted();
    const response = await api().raw(ReviewItemNodeDocument, { id: itemId });
    expectReadRefused(response, code);
    expect(response.data?.node).toBeNull();
  });

  it('a member restricted to another account cannot read them', async () => {
    const team = await leadTeam(t, { helper: 'ADMIN' }, { helper: ['other'] });
    const formId = await createForm(team.owner, team.account('shop'));
    await submitForm(team.owner, formId);
    expectReadRefused(await team.as('helper').raw(ReviewItemNodeDocument, { id: await pendingReview(t, formId) }), 'FORBIDDEN');
  });

  it('keeps the snapshot of each submission as it was, whatever the form becomes', async () => {
    const { formId, itemId } = await submitted({ name: 'Original' });
    await reject(t, formId);
    await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { name: 'Edited' } });
    const { node } = await org.owner.request(ReviewItemNodeDocument, { id: itemId });
    expect(node).toMatchObject({ snapshot: { name: 'Original' }, subject: { name: 'Edited' } });
  });
});
