// Notifications (the team's internal mail) through the API: every review decision reaches
// each member who works on the account and nobody else; listing unread first then newest;
// marking read; and the notificationAdded subscription over graphql-ws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LeadFormNodeDocument,
  MemberAddDocument,
  NotificationAddedDocument,
  NotificationMarkReadDocument,
  NotificationNodeDocument,
  NotificationsDocument,
  NotificationsMarkAllReadDocument,
  ReviewApproveDocument,
  type NotificationFieldsFragment,
} from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import { subscribe, type Api } from '../support/client.ts';
import { createAccount, expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import {
  approve,
  createForm,
  expectLeadFormsUnchanged,
  expectReadRefused,
  leadTeam,
  OUTSIDER,
  reject,
  reviewer,
  REVIEWER,
  startLeadApp,
  submitForm,
  validForm,
  type LeadTeam,
} from '../support/lead-forms.ts';

const MINUTE = 60_000;
let t: TestApp;
let org: LeadTeam;
let foreign: LeadTeam;
beforeAll(async () => {
  // shop_helper works only on the shop account, other_helper only on the other one
  const members = { admin: 'ADMIN', agent: 'AGENT', analyst: 'ANALYST', shop_helper: 'AGENT', other_helper: 'ADMIN' } as const;
  ({ t, org, foreign } = await startLeadApp('2026-06-01T10:00:00.000Z', members, { shop_helper: ['shop'], other_helper: ['other'] }));
});
afterAll(() => t?.close());

async function mail(api: Api, variables: { organizationId?: string; unreadOnly?: boolean; first?: number; after?: string | null } = {}) {
  const result = await api.request(NotificationsDocument, { first: 100, ...variables });
  return { items: result.notifications.edges.map((e) => e.node), unread: result.notificationsUnreadCount, pageInfo: result.notifications.pageInfo };
}

/** A form of `team`'s account submitted and decided now; returns the form's id. */
async function decided(team: LeadTeam, outcome: 'approve' | 'reject', name = validForm.name, account = 'shop') {
  const formId = await createForm(team.owner, team.account(account), { name });
  await submitForm(team.owner, formId);
  if (outcome === 'approve') await approve(t, formId);
  else await reject(t, formId, [{ area: 'PRIVACY_POLICY', message: 'The link opens the home page.' }, { area: 'QUESTIONS', message: 'Ask for a phone number.' }]);
  return formId;
}

const about = (formId: string) => (items: NotificationFieldsFragment[]) => items.filter((n) => n.subjectId === formId);

describe('who is told of a review decision', () => {
  it('every member who works on the account gets the approval, unread, with a link to the form', async () => {
    const formId = await decided(org, 'approve', 'Tasting booking');
    const expected = {
      kind: 'REVIEW_APPROVED',
      title: 'Your lead form “Tasting booking” was approved',
      body: 'The lead form passed review.',
      subjectType: 'LeadForm',
      subjectId: formId,
      organizationId: org.organizationId,
      createdAt: t.clock.now().toISOString(),
      readAt: null,
      read: false,
    };
    for (const who of ['owner', 'admin', 'agent', 'analyst', 'shop_helper']) {
      const { items } = await mail(t.as(org.handle(who)));
      expect(about(formId)(items), who).toEqual([{ id: expect.any(String), ...expected }]);
    }
    const rows = await t.db.notification.findMany({ where: { subjectId: localId(formId) } });
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((row) => row.accountId))).toEqual(new Set([localId(org.account('shop'))]));
  });

  it('nobody else: not a member limited to another account, another organization, the reviewer or an outsider', async () => {
    const formId = await decided(org, 'approve');
    for (const api of [org.as('other_helper'), foreign.owner, t.as(REVIEWER, ['reviewer']), t.as(OUTSIDER)]) {
      expect(about(formId)((await mail(api)).items)).toEqual([]);
    }
    const recipients = await t.db.notification.findMany({ where: { subjectId: localId(formId) }, select: { userId: true } });
    const users = await t.db.user.findMany({ where: { id: { in: recipients.map((r) => r.userId) } }, select: { handle: true } });
    expect(users.map((u) => u.handle).sort()).toEqual(['admin', 'agent', 'analyst', 'owner', 'shop_helper'].map(org.handle).sort());
  });

  it('a member limited to the other account hears of that account’s decisions', async () => {
    const formId = await decided(org, 'reject', 'Other form', 'other');
    expect(about(formId)((await mail(org.as('other_helper'))).items)).toHaveLength(1);
    expect(about(formId)((await mail(org.as('shop_helper'))).items)).toEqual([]);
  });

  it('a rejection says what to change, per area', async () => {
    const formId = await decided(org, 'reject', 'Quote');
    const [notification] = about(formId)((await mail(org.owner)).items);
    expect(notification).toMatchObject({
      kind: 'REVIEW_REJECTED',
      title: 'Your lead form “Quote” was not approved',
      body: 'Please edit and resubmit. PRIVACY_POLICY: The link opens the home page. · QUESTIONS: Ask for a phone number.',
      subjectType: 'LeadForm',
    });
  });

  it('the link opens the form itself', async () => {
    const formId = await decided(org, 'reject');
    const [notification] = about(formId)((await mail(org.as('analyst'))).items);
    const { node } = await org.as('analyst').request(LeadFormNodeDocument, { id: notification.subjectId });
    expect(node).toMatchObject({ id: formId, status: 'REJECTED' });
  });

  it('a refused decision mails nobody', async () => {
    const formId = await decided(org, 'approve');
    const before = await t.db.notification.count();
    const item = (await org.owner.request(LeadFormNodeDocument, { id: formId })).node;
    const { reviewApprove } = await reviewer(t).request(ReviewApproveDocument, { id: item && 'reviews' in item ? item.reviews[0].id : '' });
    expectUserErrors(reviewApprove, ['REVIEW_ALREADY_DECIDED', ['id']]);
    expect(await t.db.notification.count()).toBe(before);
  });
});

describe('notifications', () => {
  it('lists unread first, then newest first, whatever the order they were read in', async () => {
    const team = await leadTeam(t, {});
    const first = await decided(team, 'approve', 'First');
    t.clock.advance(MINUTE);
    const second = await decided(team, 'reject', 'Second');
    t.clock.advance(MINUTE);
    const third = await decided(team, 'approve', 'Third');
    t.clock.advance(MINUTE);
    const ids = Object.fromEntries((await mail(team.owner)).items.map((n) => [n.subjectId, n.id]));
    expect((await mail(team.owner)).items.map((n) => n.subjectId)).toEqual([third, second, first]);

    // read the third, then (later) the first: the second is the only unread one
    await team.owner.request(NotificationMarkReadDocument, { id: ids[third] });
    t.clock.advance(MINUTE);
    await team.owner.request(NotificationMarkReadDocument, { id: ids[first] });
    const { items, unread } = await mail(team.owner);
    expect(items.map((n) => [n.subjectId, n.read])).toEqual([
      [second, false],
      [third, true],
      [first, true],
    ]);
    expect(unread).toBe(1);
    expect((await mail(team.owner, { unreadOnly: true })).items.map((n) => n.subjectId)).toEqual([second]);
  });

  it('pages through the mail in the same order, across unread and read', async () => {
    const team = await leadTeam(t, {});
    const forms: string[] = [];
    for (let i = 0; i < 5; i++) {
      forms.push(await decided(team, i % 2 ? 'reject' : 'approve', `Form ${i}`));
      t.clock.advance(MINUTE);
    }
    const all = (await mail(team.owner)).items;
    await team.owner.request(NotificationMarkReadDocument, { id: all[1].id });
    await team.owner.request(NotificationMarkReadDocument, { id: all[3].id });
    const expected = (await mail(team.owner)).items.map((n) => n.subjectId);
    expect(expected).toEqual([forms[4], forms[2], forms[0], forms[3], forms[1]]);
    for (const size of [1, 2, 3]) {
      const seen: string[] = [];
      let after: string | null | undefined;
      do {
        const page = await mail(team.owner, { first: size, after });
        seen.push(...page.items.map((n) => n.subjectId));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && seen.length < 10);
      expect(seen, `pages of ${size}`).toEqual(expected);
    }
  });

  it('filters by organization, for a member of several', async () => {
    // boss administers two organizations
    const third = await leadTeam(t, { boss: 'ADMIN' });
    const thirdForm = await decided(third, 'approve');
    const mine = await decided(third, 'reject');
    const both = t.as(third.handle('boss'));
    const elsewhere = await leadTeam(t, {});
    await elsewhere.owner.request(MemberAddDocument, { organizationId: elsewhere.organizationId, input: { handle: third.handle('boss'), role: 'ADMIN' } });
    const elsewhereForm = await decided(elsewhere, 'approve');
    expect((await mail(both)).items.map((n) => n.subjectId)).toEqual([elsewhereForm, mine, thirdForm]);
    expect(await mail(both, { organizationId: third.organizationId })).toMatchObject({ unread: 2 });
    expect((await mail(both, { organizationId: third.organizationId })).items.map((n) => n.subjectId)).toEqual([mine, thirdForm]);
    expect((await mail(both, { organizationId: elsewhere.organizationId })).items.map((n) => [n.subjectId, n.organizationId])).toEqual([[elsewhereForm, elsewhere.organizationId]]);
    expect((await mail(both)).unread).toBe(3);
  });

  it('is personal: another person’s notification cannot be read by id', async () => {
    const formId = await decided(org, 'approve');
    const [notification] = about(formId)((await mail(org.owner)).items);
    expect((await org.owner.request(NotificationNodeDocument, { id: notification.id })).node).toMatchObject({ id: notification.id });
    expectReadRefused(await org.as('admin').raw(NotificationNodeDocument, { id: notification.id }), 'FORBIDDEN');
    expectReadRefused(await t.anonymous().raw(NotificationNodeDocument, { id: notification.id }), 'UNAUTHENTICATED');
  });

  it('needs a signed-in user', async () => {
    expectTopLevelError(await t.anonymous().raw(NotificationsDocument, {}), 'UNAUTHENTICATED');
  });
});

describe('notificationMarkRead', () => {
  it('marks one notification read at the app’s time; marking again keeps that time', async () => {
    const team = await leadTeam(t, { admin: 'ADMIN' });
    const formId = await decided(team, 'approve');
    const [notification] = about(formId)((await mail(team.owner)).items);
    t.clock.advance(5 * MINUTE);
    const readAt = t.clock.now().toISOString();
    const { notificationMarkRead } = await team.owner.request(NotificationMarkReadDocument, { id: notification.id });
    expectUserErrors(notificationMarkRead);
    expect(notificationMarkRead.notification).toMatchObject({ id: notification.id, read: true, readAt });
    expect((await mail(team.owner)).unread).toBe(0);
    // the admin's copy of the same mail is still unread
    expect((await mail(team.as('admin'))).unread).toBe(1);
    t.clock.advance(MINUTE);
    const again = await team.owner.request(NotificationMarkReadDocument, { id: notification.id });
    expect(again.notificationMarkRead.notification?.readAt).toBe(readAt);
  });

  it('refuses someone else’s notification with NOT_FOUND and changes nothing', async () => {
    const formId = await decided(org, 'approve');
    const [notification] = about(formId)((await mail(org.owner)).items);
    for (const api of [org.as('admin'), foreign.owner]) {
      const { notificationMarkRead } = await expectLeadFormsUnchanged(t, () => api.request(NotificationMarkReadDocument, { id: notification.id }));
      expectUserErrors(notificationMarkRead, ['NOT_FOUND', ['id']]);
      expect(notificationMarkRead.notification).toBeNull();
    }
  });

  it('needs a signed-in user', async () => {
    const formId = await decided(org, 'approve');
    const [notification] = about(formId)((await mail(org.owner)).items);
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => t.anonymous().raw(NotificationMarkReadDocument, { id: notification.id })), 'UNAUTHENTICATED');
  });
});

describe('notificationsMarkAllRead', () => {
  it('marks all of an organization’s unread mail read, and only the caller’s', async () => {
    const team = await leadTeam(t, { admin: 'ADMIN' });
    await decided(team, 'approve');
    await decided(team, 'reject');
    const other = await leadTeam(t, {});
    await other.owner.request(MemberAddDocument, { organizationId: other.organizationId, input: { handle: team.handle('owner'), role: 'ANALYST' } });
    await decided(other, 'approve');
    t.clock.advance(MINUTE);

    const { notificationsMarkAllRead } = await team.owner.request(NotificationsMarkAllReadDocument, { organizationId: team.organizationId });
    expect(notificationsMarkAllRead).toEqual({ count: 2, userErrors: [] });
    expect((await mail(team.owner, { organizationId: team.organizationId })).items.map((n) => n.readAt)).toEqual([t.clock.now().toISOString(), t.clock.now().toISOString()]);
    expect((await mail(team.owner)).unread).toBe(1);
    expect((await mail(team.as('admin'))).unread).toBe(2);

    const rest = await team.owner.request(NotificationsMarkAllReadDocument, {});
    expect(rest.notificationsMarkAllRead.count).toBe(1);
    expect((await team.owner.request(NotificationsMarkAllReadDocument, {})).notificationsMarkAllRead.count).toBe(0);
    expect((await mail(team.owner)).unread).toBe(0);
  });

  it('needs a signed-in user', async () => {
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => t.anonymous().raw(NotificationsMarkAllReadDocument, {})), 'UNAUTHENTICATED');
  });
});

describe('notificationAdded', () => {
  it('delivers a decision to a subscribed member, and nothing to a member of another organization', async () => {
    const team = await leadTeam(t, { agent: 'AGENT' });
    const memberClient = team.as('agent').ws();
    const strangerClient = foreign.owner.ws();
    const otherOrgClient = team.owner.ws();
    try {
      const member = subscribe(memberClient, NotificationAddedDocument, {});
      const stranger = subscribe(strangerClient, NotificationAddedDocument, {});
      const filteredOut = subscribe(otherOrgClient, NotificationAddedDocument, { organizationId: foreign.organizationId });
      const filteredIn = subscribe(otherOrgClient, NotificationAddedDocument, { organizationId: team.organizationId });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the subscriptions start
      const formId = await decided(team, 'reject', 'Live form');

      const event = await member.next();
      expect(event.errors).toBeUndefined();
      expect(event.data?.notificationAdded).toMatchObject({
        kind: 'REVIEW_REJECTED',
        title: 'Your lead form “Live form” was not approved',
        subjectType: 'LeadForm',
        subjectId: formId,
        organizationId: team.organizationId,
        read: false,
      });
      expect((await filteredIn.next()).data?.notificationAdded.subjectId).toBe(formId);
      expect(await stranger.quiet(500)).toBe(true);
      expect(await filteredOut.quiet(100)).toBe(true);
      // exactly one event per decision
      expect(await member.quiet(100)).toBe(true);
    } finally {
      await Promise.all([memberClient.dispose(), strangerClient.dispose(), otherOrgClient.dispose()]);
    }
  });

  it('refuses an anonymous subscriber', async () => {
    const client = t.anonymous().ws();
    try {
      const event = await subscribe(client, NotificationAddedDocument, {}).next();
      expect(event.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await client.dispose();
    }
  });
});

// an account created later by a manager is covered too: its team is whoever works on it then
describe('accounts created later', () => {
  it('mail goes to the members working on the account at decision time', async () => {
    const team = await leadTeam(t, { admin: 'ADMIN' });
    const accountId = await createAccount(t, team.handle('owner'), team.organizationId, `${team.prefix}_late`);
    const formId = await createForm(team.owner, accountId);
    await submitForm(team.owner, formId);
    await approve(t, formId);
    expect(about(formId)((await mail(team.as('admin'))).items)).toHaveLength(1);
  });
});
