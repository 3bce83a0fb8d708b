// Lead capture through the API: a viewer submits an approved form's answers with the
// source the lead came from; validation, idempotent retries, privacy and the event.
import { randomUUID } from 'node:crypto';
import { adClickedBy } from '../support/ads.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onRedis, startApp, type TestApp } from '../support/app.ts';
import { expectTopLevelError, expectUserErrors, localId, signIn } from '../support/fixtures.ts';
import { eligible, setPlatform, startLive } from '../support/live.ts';
import { startConversation } from '../support/messaging.ts';
import {
  answers,
  approvedLeadForm,
  expectNoLeadChange,
  LEAD_SUBMIT,
  leadTeam,
  postWithForm,
  storedLeads,
  submitLead,
  userId,
  type LeadSubmitInput,
  type LeadTeam,
} from '../support/leads.ts';

let t: TestApp;
let team: LeadTeam;
/** shop.a's form asking all five questions */
let formId: string;
/** shop.a's form asking only EMAIL */
let emailFormId: string;
/** a short video of shop.a carrying `formId` */
let postId: string;
/** a running live session of shop.a (LIVE leads must name one) */
let liveSession: string;

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

beforeAll(async () => {
  t = await startApp();
  team = await leadTeam(t);
  formId = await approvedLeadForm(t, 'owner', team.shopA);
  emailFormId = await approvedLeadForm(t, 'owner', team.shopA, { name: 'Newsletter', questions: ['EMAIL'] });
  postId = await postWithForm(t, 'owner', team.shopA, formId);
  await setPlatform(t, team.shopA, eligible);
  liveSession = await startLive(t.as('owner'), team.shopA);
  await signIn(t, 'viewer', 'viewer2');
});
afterAll(() => t?.close());

const submit = (handle: string, form: string, input: Partial<LeadSubmitInput>) =>
  t.as(handle).request(LEAD_SUBMIT, { formId: form, input: { answers: answers(), source: 'PROFILE', ...input } });

/** Submits as `viewer` and expects exactly these user errors and no stored change. */
async function expectRefused(input: Partial<LeadSubmitInput>, expected: [string, string[]][], form = formId) {
  const { leadSubmit } = await expectNoLeadChange(t, () => submit('viewer', form, input));
  expect(leadSubmit.lead).toBeNull();
  expectUserErrors(leadSubmit, ...expected);
}

describe('leadSubmit', () => {
  it('records the answers in the form’s order with the source, the submitter and the time', async () => {
    const at = new Date('2026-03-02T10:00:00.000Z');
    t.clock.set(at);
    const lead = await submitLead(t.as('viewer'), formId, { answers: [...answers()].reverse().map((a) => ({ ...a, answer: ` ${a.answer} ` })) });
    expect(lead).toMatchObject({ source: 'PROFILE', submittedAt: at.toISOString(), form: { id: formId, name: 'Quote request' }, post: null, liveSessionId: null, adId: null, conversationId: null });
    expect(lead.answers).toEqual(answers().map((a) => ({ ...a, label: expect.any(String) })));
    expect(lead.answers.map((a) => a.label)).toEqual(['How can we help you?', 'Name', 'Phone number', 'Email', 'Country / city']);
    const stored = await t.db.lead.findUniqueOrThrow({ where: { id: localId(lead.id) } });
    expect(stored).toMatchObject({
      formId: localId(formId),
      accountId: localId(team.shopA),
      userId: await userId(t, 'viewer'),
      source: 'PROFILE',
      status: 'NEW',
      assigneeId: null,
      idempotencyKey: null,
      createdAt: at,
      answers: answers(),
    });
  });

  it('records the video, live session, ad or conversation a lead came from', async () => {
    const live = localId(liveSession);
    const conversation = await startConversation(t.as('viewer'), 'shop.a');
    // an ad of shop.a the viewer clicked (the ads module's own tests cover how clicks come to be)
    const ad = localId(await adClickedBy(t, team.shopA, 'viewer'));
    const cases: [Partial<LeadSubmitInput>, Record<string, string | null>][] = [
      [{ source: 'SHORT_VIDEO', postId }, { postId: localId(postId) }],
      [{ source: 'LIVE', liveSessionId: liveSession }, { liveSessionId: live }],
      [{ source: 'AD', adId: globalId('MessagingAd', ad) }, { adId: ad }],
      [{ source: 'DIRECT_MESSAGE', conversationId: conversation }, { conversationId: localId(conversation) }],
    ];
    for (const [input, reference] of cases) {
      const lead = await submitLead(t.as('viewer'), formId, input);
      const stored = await t.db.lead.findUniqueOrThrow({ where: { id: localId(lead.id) } });
      expect(stored).toMatchObject({ source: input.source, postId: null, liveSessionId: null, adId: null, conversationId: null, ...reference });
    }
    const { leads } = await storedLeads(t);
    const [video, fromLive, fromAd, fromConversation] = leads.slice(-4).map((l) => globalId('Lead', l.id));
    const read = await t.as('viewer').request(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Lead { source post { id } liveSessionId adId conversationId } } }`, {
      ids: [video, fromLive, fromAd, fromConversation],
    });
    expect(read.nodes).toEqual([
      { source: 'SHORT_VIDEO', post: { id: postId }, liveSessionId: null, adId: null, conversationId: null },
      { source: 'LIVE', post: null, liveSessionId: liveSession, adId: null, conversationId: null },
      { source: 'AD', post: null, liveSessionId: null, adId: globalId('MessagingAd', ad), conversationId: null },
      { source: 'DIRECT_MESSAGE', post: null, liveSessionId: null, adId: null, conversationId: conversation },
    ]);
  });

  describe('refuses, storing nothing', () => {
    const long = 'x'.repeat(501);
    it.each<[string, LeadSubmitInput['answers'], [string, string[]][]]>([
      ['a missing answer', answers(['ENQUIRY', 'NAME', 'PHONE', 'COUNTRY_CITY']), [['REQUIRED', ['input', 'answers', 'EMAIL']]]],
      ['a blank answer', answers(undefined, { NAME: '   ' }), [['REQUIRED', ['input', 'answers', 'NAME']]]],
      ['no answers at all', [], ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'].map((q) => ['REQUIRED', ['input', 'answers', q]] as [string, string[]])],
      ['a malformed email', answers(undefined, { EMAIL: 'jeanne@example' }), [['EMAIL_INVALID', ['input', 'answers', 'EMAIL']]]],
      ['an email with spaces', answers(undefined, { EMAIL: 'jeanne dupont@example.com' }), [['EMAIL_INVALID', ['input', 'answers', 'EMAIL']]]],
      ['a phone with letters', answers(undefined, { PHONE: '+33 1 CALL ME' }), [['PHONE_INVALID', ['input', 'answers', 'PHONE']]]],
      ['a phone too short', answers(undefined, { PHONE: '12345' }), [['PHONE_INVALID', ['input', 'answers', 'PHONE']]]],
      ['an answer over 500 characters', answers(undefined, { ENQUIRY: long }), [['TOO_LONG', ['input', 'answers', 'ENQUIRY']]]],
      ['an answer twice', [...answers(), { question: 'NAME', answer: 'Other' }], [['INVALID', ['input', 'answers', '5']]]],
      [
        'several problems at once, each reported',
        answers(['NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'], { EMAIL: 'nope', PHONE: 'nope' }),
        [
          ['REQUIRED', ['input', 'answers', 'ENQUIRY']],
          ['PHONE_INVALID', ['input', 'answers', 'PHONE']],
          ['EMAIL_INVALID', ['input', 'answers', 'EMAIL']],
        ],
      ],
    ])('%s', async (_name, given, expected) => {
      await expectRefused({ answers: given }, expected);
    });

    it('an answer to a question the form does not ask', async () => {
      await expectRefused({ answers: [{ question: 'EMAIL', answer: 'a@b.co' }, { question: 'NAME', answer: 'Jeanne' }] }, [['INVALID', ['input', 'answers', '1']]], emailFormId);
    });

    it('accepts exactly 500 characters, counting characters rather than UTF-16 units', async () => {
      const lead = await submitLead(t.as('viewer'), emailFormId, { answers: [{ question: 'EMAIL', answer: 'a@b.co' }] });
      expect(lead.answers).toEqual([{ question: 'EMAIL', label: 'Email', answer: 'a@b.co' }]);
      const enquiry = '𠀀'.repeat(500); // 500 characters, 1000 UTF-16 units
      const accepted = await submitLead(t.as('viewer'), formId, { answers: answers(undefined, { ENQUIRY: enquiry }) });
      expect(accepted.answers[0].answer).toBe(enquiry);
      await expectRefused({ answers: answers(undefined, { ENQUIRY: `${enquiry}好` }) }, [['TOO_LONG', ['input', 'answers', 'ENQUIRY']]]);
    });

    it.each<[string, Partial<LeadSubmitInput>, [string, string[]][]]>([
      ['SHORT_VIDEO without its video', { source: 'SHORT_VIDEO' }, [['REQUIRED', ['input', 'postId']]]],
      ['LIVE without its live session', { source: 'LIVE' }, [['REQUIRED', ['input', 'liveSessionId']]]],
      ['AD without its ad', { source: 'AD' }, [['REQUIRED', ['input', 'adId']]]],
      ['DIRECT_MESSAGE without its conversation', { source: 'DIRECT_MESSAGE' }, [['REQUIRED', ['input', 'conversationId']]]],
      ['PROFILE naming a live session', { source: 'PROFILE', liveSessionId: randomUUID() }, [['INVALID', ['input', 'liveSessionId']]]],
      [
        'AD naming a conversation instead of an ad',
        { source: 'AD', conversationId: randomUUID() },
        [
          ['REQUIRED', ['input', 'adId']],
          ['INVALID', ['input', 'conversationId']],
        ],
      ],
      ['a live session id that is no id', { source: 'LIVE', liveSessionId: 'live-42' }, [['INVALID', ['input', 'liveSessionId']]]],
      ['a live session that does not exist', { source: 'LIVE', liveSessionId: globalId('LiveSession', randomUUID()) }, [['NOT_FOUND', ['input', 'liveSessionId']]]],
      ['an ad id that is no id', { source: 'AD', adId: globalId('MessagingAd', 'nope') }, [['INVALID', ['input', 'adId']]]],
      ['a conversation that does not exist', { source: 'DIRECT_MESSAGE', conversationId: globalId('Conversation', randomUUID()) }, [['NOT_FOUND', ['input', 'conversationId']]]],
    ])('%s', async (_name, input, expected) => {
      await expectRefused(input, expected);
    });

    it.each([
      ['another user’s conversation with the account', 'viewer2', 'shop.a'],
      ['the submitter’s conversation with another account of the organization', 'viewer', 'shop.b'],
      ['the submitter’s conversation with another organization', 'viewer', 'other.shop'],
    ])('DIRECT_MESSAGE naming %s', async (_name, user, account) => {
      const conversation = await startConversation(t.as(user), account);
      await expectRefused({ source: 'DIRECT_MESSAGE', conversationId: conversation }, [['NOT_FOUND', ['input', 'conversationId']]]);
    });

    it('PROFILE naming a video', async () => {
      await expectRefused({ source: 'PROFILE', postId }, [['INVALID', ['input', 'postId']]]);
    });

    it('a video that does not carry this form', async () => {
      const other = await t.as('owner').request(`mutation ($a: ID!) { postCreate(accountId: $a, input: { caption: "No link" }) { post { id } } }`, { a: team.shopA });
      await expectRefused({ source: 'SHORT_VIDEO', postId: other.postCreate.post.id }, [['INVALID', ['input', 'postId']]]);
      // the video carries the form, but the lead names the other form
      await expectRefused({ source: 'SHORT_VIDEO', postId, answers: [{ question: 'EMAIL', answer: 'a@b.co' }] }, [['INVALID', ['input', 'postId']]], emailFormId);
    });

    it('a video id that names no video', async () => {
      await expectRefused({ source: 'SHORT_VIDEO', postId: globalId('Post', randomUUID()) }, [['INVALID', ['input', 'postId']]]);
    });

    it('a form that is not accepting leads: draft, pending, rejected or switched off', async () => {
      const owner = t.as('owner');
      const created = await owner.request(
        `mutation ($a: ID!) { leadFormCreate(accountId: $a, input: { name: "Draft", questions: [EMAIL], privacyPolicyText: "We keep your email." }) { leadForm { id } } }`,
        { a: team.shopA },
      );
      const draft = created.leadFormCreate.leadForm.id;
      const emailOnly = { answers: [{ question: 'EMAIL' as const, answer: 'a@b.co' }] };
      await expectRefused(emailOnly, [['LEAD_FORM_NOT_LIVE', ['formId']]], draft);
      await owner.request(`mutation ($id: ID!) { leadFormSubmit(id: $id) { userErrors { code } } }`, { id: draft });
      await expectRefused(emailOnly, [['LEAD_FORM_NOT_LIVE', ['formId']]], draft);
      const reviewer = t.as('lead.reviewer', ['reviewer']);
      const queue = await reviewer.request(`{ reviewQueue(kind: LEAD_FORM) { edges { node { id subject { ... on LeadForm { id } } } } } }`);
      const item = queue.reviewQueue.edges.find((e: { node: { subject: { id: string } } }) => e.node.subject.id === draft).node.id;
      await reviewer.request(`mutation ($id: ID!) { reviewReject(id: $id, reasons: [{ area: QUESTIONS, message: "Ask for a name" }]) { userErrors { code } } }`, { id: item });
      await expectRefused(emailOnly, [['LEAD_FORM_NOT_LIVE', ['formId']]], draft);

      const off = await owner.request(`mutation ($id: ID!) { leadFormSetGetLeads(id: $id, enabled: false) { leadForm { getLeadsEnabled } userErrors { code } } }`, { id: emailFormId });
      expect(off.leadFormSetGetLeads).toEqual({ leadForm: { getLeadsEnabled: false }, userErrors: [] });
      await expectRefused(emailOnly, [['LEAD_FORM_NOT_LIVE', ['formId']]], emailFormId);
      await owner.request(`mutation ($id: ID!) { leadFormSetGetLeads(id: $id, enabled: true) { userErrors { code } } }`, { id: emailFormId });
      await submitLead(t.as('viewer'), emailFormId, emailOnly);
    });

    it('a form that does not exist', async () => {
      await expectRefused({}, [['NOT_FOUND', ['formId']]], globalId('LeadForm', randomUUID()));
    });

    it('an idempotency key longer than 128 characters', async () => {
      await expectRefused({ idempotencyKey: 'k'.repeat(129) }, [['INVALID', ['input', 'idempotencyKey']]]);
    });
  });

  it('is refused without a token', async () => {
    const before = await storedLeads(t);
    const response = await t.anonymous().raw(LEAD_SUBMIT, { formId, input: { answers: answers(), source: 'PROFILE' } });
    expectTopLevelError(response, 'UNAUTHENTICATED');
    expect(await storedLeads(t)).toEqual(before);
  });
});

describe('idempotent retries', () => {
  it('a retry with the same key returns the first lead and stores one row', async () => {
    const first = await submitLead(t.as('viewer'), formId, { idempotencyKey: 'retry-1' });
    t.clock.advance(60_000);
    const again = await submitLead(t.as('viewer'), formId, { idempotencyKey: 'retry-1' });
    expect(again).toEqual(first);
    expect(await t.db.lead.count({ where: { idempotencyKey: 'retry-1' } })).toBe(1);
  });

  it('identical submissions sent at once store one lead and all answer with it', async () => {
    const before = await t.db.lead.count();
    const results = await Promise.all(Array.from({ length: 6 }, () => submitLead(t.as('viewer'), formId, { idempotencyKey: 'burst-1' })));
    expect(new Set(results.map((lead) => lead.id)).size).toBe(1);
    expect(await t.db.lead.count()).toBe(before + 1);
  });

  it('refuses the same key on another form, also when both arrive at once', async () => {
    await submitLead(t.as('viewer'), formId, { idempotencyKey: 'reused-1' });
    await expectRefused({ idempotencyKey: 'reused-1', answers: [{ question: 'EMAIL', answer: 'a@b.co' }] }, [['IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']]], emailFormId);

    for (let round = 0; round < 3; round++) {
      const key = `race-${round}`;
      const results = await Promise.all([
        submit('viewer', formId, { idempotencyKey: key }),
        submit('viewer', emailFormId, { idempotencyKey: key, answers: [{ question: 'EMAIL', answer: 'a@b.co' }] }),
      ]);
      const stored = await t.db.lead.findMany({ where: { idempotencyKey: key } });
      expect(stored).toHaveLength(1);
      const winner = results.find((r) => r.leadSubmit.userErrors.length === 0)!;
      const loser = results.find((r) => r.leadSubmit.userErrors.length > 0)!;
      expect(winner.leadSubmit.lead.id).toBe(globalId('Lead', stored[0].id));
      expect(winner.leadSubmit.lead.form.id).toBe(globalId('LeadForm', stored[0].formId));
      expectUserErrors(loser?.leadSubmit, ['IDEMPOTENCY_KEY_REUSED', ['input', 'idempotencyKey']]);
      expect(loser.leadSubmit.lead).toBeNull();
    }
  });

  it('keys belong to their viewer: another viewer’s same key is a new lead', async () => {
    const mine = await submitLead(t.as('viewer'), formId, { idempotencyKey: 'shared-key' });
    const theirs = await submitLead(t.as('viewer2'), formId, { idempotencyKey: 'shared-key' });
    expect(theirs.id).not.toBe(mine.id);
    expect(await t.db.lead.count({ where: { idempotencyKey: 'shared-key' } })).toBe(2);
  });
});

describe('what a submitter sees', () => {
  const NODE = `query ($id: ID!) { node(id: $id) { ... on Lead { id answers { answer } } } }`;

  it('myLeadSubmissions lists only the viewer’s own leads, newest first', async () => {
    await signIn(t, 'fresh');
    const older = await submitLead(t.as('fresh'), formId);
    t.clock.advance(1000);
    const newer = await submitLead(t.as('fresh'), emailFormId, { answers: [{ question: 'EMAIL', answer: 'fresh@example.com' }] });
    await submitLead(t.as('viewer2'), formId);
    const mine = await t.as('fresh').request(`{ myLeadSubmissions(first: 10) { edges { node { id source form { name } } } } }`);
    expect(mine.myLeadSubmissions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([newer.id, older.id]);
    const expected = await t.db.lead.count({ where: { userId: await userId(t, 'viewer2') } });
    const theirs = await t.as('viewer2').request(`{ myLeadSubmissions(first: 100) { edges { node { id } } } }`);
    expect(theirs.myLeadSubmissions.edges).toHaveLength(expected);
    expect(theirs.myLeadSubmissions.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(older.id);
    expectTopLevelError(await t.anonymous().raw(`{ myLeadSubmissions { edges { node { id } } } }`), 'UNAUTHENTICATED');
  });

  it('the submitter reads their answers; other viewers and platform reviewers are refused', async () => {
    const lead = await submitLead(t.as('viewer'), formId);
    const own = await t.as('viewer').request(NODE, { id: lead.id });
    expect(own.node).toEqual({ id: lead.id, answers: answers().map(({ answer }) => ({ answer })) });
    for (const api of [t.as('viewer2'), t.as('outsider'), t.as('lead.reviewer', ['reviewer'])]) {
      const response = await api.raw(NODE, { id: lead.id });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(response.data?.node ?? null).toBeNull();
    }
  });

  it.each(['status', 'assignee { handle }', 'notes { body }', 'submitter { handle }'])('the submitter cannot read %s', async (field) => {
    const lead = await submitLead(t.as('viewer'), formId);
    const response = await t.as('viewer').raw(`query ($id: ID!) { node(id: $id) { ... on Lead { id ${field} } } }`, { id: lead.id });
    expect(response.errors?.map((e) => [e.extensions?.code, e.path?.at(-1)])).toEqual([['FORBIDDEN', field.split(' ')[0]]]);
  });
});

describe('lead.created', () => {
  it('is published on the account’s topic after the lead is stored, once per lead', async () => {
    const accountId = localId(team.shopA);
    const events = t.app.services.pubsub.subscribe('lead.created', accountId);
    const first = events.next();
    if (onRedis) await new Promise((resolve) => setTimeout(resolve, 200)); // let SUBSCRIBE reach Redis
    const live = localId(liveSession);
    const lead = await submitLead(t.as('viewer'), formId, { source: 'LIVE', liveSessionId: liveSession, idempotencyKey: 'event-1' });
    const { value } = await first;
    expect(value).toEqual({
      leadId: localId(lead.id),
      formId: localId(formId),
      accountId,
      source: 'LIVE',
      liveSessionId: live,
      at: lead.submittedAt,
    });
    expect(await t.db.lead.findUnique({ where: { id: value!.leadId } })).not.toBeNull();

    // a retry publishes nothing; the next new lead is the next event
    const next = events.next();
    await submitLead(t.as('viewer'), formId, { source: 'LIVE', liveSessionId: liveSession, idempotencyKey: 'event-1' });
    const other = await submitLead(t.as('viewer'), formId, { idempotencyKey: 'event-2' });
    expect((await next).value).toMatchObject({ leadId: localId(other.id), source: 'PROFILE', liveSessionId: null });
    await events.return?.();
  });

  it('is not published for a refused submission or on another account’s topic', async () => {
    const shopBForm = await approvedLeadForm(t, 'owner', team.shopB, { name: 'B form', questions: ['NAME'] });
    const events = t.app.services.pubsub.subscribe('lead.created', localId(team.shopA));
    const next = events.next();
    if (onRedis) await new Promise((resolve) => setTimeout(resolve, 200));
    await expectRefused({ answers: [] }, ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'].map((q) => ['REQUIRED', ['input', 'answers', q]] as [string, string[]]));
    await submitLead(t.as('viewer'), shopBForm, { answers: [{ question: 'NAME', answer: 'Jeanne' }] });
    const quiet = await Promise.race([next.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 300))]);
    expect(quiet).toBe(true);
    await events.return?.();
  });
});
