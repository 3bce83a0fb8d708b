// Lead forms through the API: create, edit, submit for review, the Get Leads switch, the
// profile entry and public previews, with what reached the database after every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountGetLeadsEntryDocument,
  AccountLeadFormsDocument,
  LeadFormCreateDocument,
  LeadFormNodeDocument,
  LeadFormSetGetLeadsDocument,
  LeadFormSubmitDocument,
  LeadFormUpdateDocument,
  PublicLeadFormDocument,
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
  liveForm,
  OUTSIDER,
  reject,
  startLeadApp,
  submitForm,
  validForm,
  type LeadTeam,
} from '../support/lead-forms.ts';

let t: TestApp;
let org: LeadTeam;
let foreign: LeadTeam;
beforeAll(async () => {
  ({ t, org, foreign } = await startLeadApp('2026-03-02T09:00:00.000Z'));
});
afterAll(() => t?.close());

type Snapshot = { privacyPolicyUrl: string | null; questions: string[] };
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
const readForm = async (formId: string, api = org.owner) => {
  const { node } = await api.request(LeadFormNodeDocument, { id: formId });
  return node && 'reviews' in node ? node : undefined;
};

describe('leadFormCreate', () => {
  it('stores a draft with trimmed text, questions in the canonical order and the default call to action', async () => {
    const { leadFormCreate } = await org.owner.request(LeadFormCreateDocument, {
      accountId: org.account('shop'),
      input: { name: '  Quote  ', introduction: '  价格咨询 — ask us anything  ', questions: ['EMAIL', 'COUNTRY_CITY', 'ENQUIRY'], privacyPolicyText: '  We never sell your data.  ' },
    });
    expectUserErrors(leadFormCreate);
    expect(leadFormCreate.leadForm).toMatchObject({
      name: 'Quote',
      introduction: '价格咨询 — ask us anything',
      introductionWordCount: 7,
      questions: ['ENQUIRY', 'EMAIL', 'COUNTRY_CITY'],
      privacyPolicyText: 'We never sell your data.',
      privacyPolicyUrl: null,
      callToAction: 'CONTACT_US',
      status: 'DRAFT',
      getLeadsEnabled: false,
      acceptingLeads: false,
      submittedAt: null,
      approvedAt: null,
    });
    const row = await formRow(t, leadFormCreate.leadForm!.id);
    expect(row).toMatchObject({ accountId: localId(org.account('shop')), name: 'Quote', questions: ['ENQUIRY', 'EMAIL', 'COUNTRY_CITY'], status: 'DRAFT', getLeadsEnabled: false });
  });

  it('asks "How can we help you?" when no question is given, and keeps the chosen call to action', async () => {
    const { leadFormCreate } = await org.owner.request(LeadFormCreateDocument, { accountId: org.account('shop'), input: { name: 'Minimal', callToAction: 'GET_QUOTE' } });
    expectUserErrors(leadFormCreate);
    expect(leadFormCreate.leadForm).toMatchObject({ questions: ['ENQUIRY'], callToAction: 'GET_QUOTE', introduction: '', privacyPolicyText: null, privacyPolicyUrl: null });
    const form = await readForm(leadFormCreate.leadForm!.id);
    expect(form?.preview.questions).toEqual([{ question: 'ENQUIRY', label: 'How can we help you?' }]);
  });

  it('accepts an introduction of exactly 200 words', async () => {
    const formId = await createForm(org.owner, org.account('shop'), { introduction: words(200) });
    expect((await readForm(formId))?.introductionWordCount).toBe(200);
  });

  it.each([
    ['words joined by dashes and an ellipsis', 'fast—friendly—delivery…', 3],
    ['words joined by commas', 'apple,banana,cherry', 3],
    ['words joined by dots', 'fast.friendly.delivery', 3],
    ['a contraction and numbers', "We're open 24/7, from 1,000 units", 7],
    ['each Chinese character (a dictionary would say 价格 / 咨询)', '价格咨询', 4],
    ['Japanese kana and kanji, one word per character', 'こんにちは世界', 7],
  ])('counts %s: %j is %i words', async (_name, introduction, count) => {
    const formId = await createForm(org.owner, org.account('shop'), { introduction });
    expect((await readForm(formId))?.introductionWordCount).toBe(count);
  });

  it('lets an admin create a form', async () => {
    const formId = await createForm(org.as('admin'), org.account('shop'), { name: 'By admin' });
    expect((await formRow(t, formId)).name).toBe('By admin');
  });

  it.each([
    ['a blank name', { name: '   ' }, 'REQUIRED', ['input', 'name']],
    ['a name over 80 characters', { name: 'n'.repeat(81) }, 'TOO_LONG', ['input', 'name']],
    ['an introduction of 201 words', { introduction: words(201) }, 'WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
    ['an introduction of 201 Chinese characters', { introduction: '价'.repeat(201) }, 'WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
    ['201 words joined by em dashes', { introduction: words(201).replaceAll(' ', '—') }, 'WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
    ['201 words joined by commas', { introduction: words(201).replaceAll(' ', ',') }, 'WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
    ['no question', { questions: [] }, 'REQUIRED', ['input', 'questions']],
    ['a duplicate question', { questions: ['NAME', 'NAME'] }, 'INVALID', ['input', 'questions']],
    ['both a policy text and a URL', { privacyPolicyText: 'Policy' }, 'INVALID', ['input', 'privacyPolicyUrl']],
    ['an http policy URL', { privacyPolicyUrl: 'http://acme.example.com/privacy' }, 'URL_INVALID', ['input', 'privacyPolicyUrl']],
    ['a bare-domain policy URL', { privacyPolicyUrl: 'https://acme.example.com/' }, 'URL_INVALID', ['input', 'privacyPolicyUrl']],
    ['a blank policy text', { privacyPolicyUrl: null, privacyPolicyText: ' ' }, 'REQUIRED', ['input', 'privacyPolicyText']],
  ] as const)('refuses %s and stores nothing', async (_name, input, code, field) => {
    const { leadFormCreate } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormCreateDocument, { accountId: org.account('shop'), input: { ...validForm, ...input } as never }));
    expectUserErrors(leadFormCreate, [code, [...field]]);
    expect(leadFormCreate.leadForm).toBeNull();
  });

  it('lists every problem together', async () => {
    const { leadFormCreate } = await expectLeadFormsUnchanged(t, () =>
      org.owner.request(LeadFormCreateDocument, { accountId: org.account('shop'), input: { name: '', introduction: words(300), questions: [], privacyPolicyUrl: 'ftp://x.example/p' } }),
    );
    expectUserErrors(
      leadFormCreate,
      ['REQUIRED', ['input', 'name']],
      ['WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
      ['REQUIRED', ['input', 'questions']],
      ['URL_INVALID', ['input', 'privacyPolicyUrl']],
    );
  });
});

describe('leadFormUpdate', () => {
  it('changes only the given fields, and a policy given one way replaces the other', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    const { leadFormUpdate } = await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { introduction: ' New intro ', privacyPolicyText: 'Text policy', callToAction: 'SIGN_UP' } });
    expectUserErrors(leadFormUpdate);
    expect(leadFormUpdate.leadForm).toMatchObject({ name: validForm.name, introduction: 'New intro', questions: ['NAME', 'EMAIL'], privacyPolicyText: 'Text policy', privacyPolicyUrl: null, callToAction: 'SIGN_UP', status: 'DRAFT' });
    const back = await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { privacyPolicyUrl: 'https://acme.example.com/legal/privacy', questions: ['PHONE', 'ENQUIRY'] } });
    expect(back.leadFormUpdate.leadForm).toMatchObject({ privacyPolicyText: null, privacyPolicyUrl: 'https://acme.example.com/legal/privacy', questions: ['ENQUIRY', 'PHONE'] });
    expect(await formRow(t, formId)).toMatchObject({ introduction: 'New intro', privacyPolicyText: null, privacyPolicyUrl: 'https://acme.example.com/legal/privacy', callToAction: 'SIGN_UP' });
  });

  it.each([
    ['an introduction of 201 words', { introduction: words(201) }, 'WORD_LIMIT_EXCEEDED', ['input', 'introduction']],
    ['no question', { questions: [] }, 'REQUIRED', ['input', 'questions']],
    ['both policy forms', { privacyPolicyText: 'Policy', privacyPolicyUrl: 'https://acme.example.com/p' }, 'INVALID', ['input', 'privacyPolicyUrl']],
    ['a bare-domain policy URL', { privacyPolicyUrl: 'https://acme.example.com' }, 'URL_INVALID', ['input', 'privacyPolicyUrl']],
    ['a blank name', { name: '' }, 'REQUIRED', ['input', 'name']],
  ] as const)('refuses %s and changes nothing', async (_name, input, code, field) => {
    const formId = await createForm(org.owner, org.account('shop'));
    const { leadFormUpdate } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormUpdateDocument, { id: formId, input: input as never }));
    expectUserErrors(leadFormUpdate, [code, [...field]]);
  });

  it('is refused with GET_LEADS_ON while the switch is on, the call to action included', async () => {
    const formId = await liveForm(t, org.owner, org.account('shop'));
    for (const input of [{ name: 'Renamed' }, { callToAction: 'APPLY_NOW' as const }]) {
      const { leadFormUpdate } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormUpdateDocument, { id: formId, input }));
      expectUserErrors(leadFormUpdate, ['GET_LEADS_ON', ['id']]);
    }
  });

  it('is refused with REVIEW_PENDING while the form is under review', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    await submitForm(org.owner, formId);
    const { leadFormUpdate } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormUpdateDocument, { id: formId, input: { introduction: 'Sneaky change' } }));
    expectUserErrors(leadFormUpdate, ['REVIEW_PENDING', ['id']]);
  });

  it('sends an approved form switched off back to DRAFT, off the profile', async () => {
    const formId = await liveForm(t, org.owner, org.account('other'));
    await org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: false });
    const { leadFormUpdate } = await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { callToAction: 'LEARN_MORE' } });
    expectUserErrors(leadFormUpdate);
    expect(leadFormUpdate.leadForm).toMatchObject({ status: 'DRAFT', getLeadsEnabled: false, callToAction: 'LEARN_MORE' });
    const { leadFormSetGetLeads } = await org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: true });
    expectUserErrors(leadFormSetGetLeads, ['LEAD_FORM_NOT_APPROVED', ['id']]);
    expect((await t.anonymous().request(PublicLeadFormDocument, { id: formId })).publicLeadForm).toBeNull();
  });

  it('keeps a rejected form REJECTED, with its reasons, until it is resubmitted', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    await submitForm(org.owner, formId);
    await reject(t, formId, [{ area: 'INTRODUCTION', message: 'Say what the form is for.' }]);
    const { leadFormUpdate } = await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { introduction: 'Ask us for a quote.' } });
    expect(leadFormUpdate.leadForm?.status).toBe('REJECTED');
    expect((await readForm(formId))?.reviews.map((r) => [r.state, r.reasons])).toEqual([['REJECTED', [{ area: 'INTRODUCTION', message: 'Say what the form is for.' }]]]);
  });
});

describe('leadFormSubmit', () => {
  it('sends a draft to review: PENDING, with the time it was submitted and a snapshot of what was submitted', async () => {
    const formId = await createForm(org.owner, org.account('shop'), { callToAction: 'GET_QUOTE' });
    const { leadFormSubmit } = await org.owner.request(LeadFormSubmitDocument, { id: formId });
    expectUserErrors(leadFormSubmit);
    expect(leadFormSubmit.leadForm).toMatchObject({ status: 'PENDING', submittedAt: t.clock.now().toISOString(), getLeadsEnabled: false });
    const [review] = (await readForm(formId))!.reviews;
    expect(review).toMatchObject({ state: 'PENDING', submittedAt: t.clock.now().toISOString(), decidedAt: null, reasons: [] });
    expect(review.snapshot).toEqual({ name: validForm.name, introduction: validForm.introduction, questions: ['NAME', 'EMAIL'], privacyPolicyText: null, privacyPolicyUrl: validForm.privacyPolicyUrl, callToAction: 'GET_QUOTE' });
  });

  it('refuses a form already under review (LEAD_FORM_NOT_SUBMITTABLE) and queues nothing more', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    await submitForm(org.owner, formId);
    const { leadFormSubmit } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormSubmitDocument, { id: formId }));
    expectUserErrors(leadFormSubmit, ['LEAD_FORM_NOT_SUBMITTABLE', ['id']]);
  });

  it('refuses an approved form, whether its switch is on or off', async () => {
    const formId = await liveForm(t, org.owner, org.account('shop'));
    for (const enabled of [true, false]) {
      await org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled });
      const { leadFormSubmit } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormSubmitDocument, { id: formId }));
      expectUserErrors(leadFormSubmit, ['LEAD_FORM_NOT_SUBMITTABLE', ['id']]);
    }
  });

  it('of two submissions at once, one goes to review and the other is refused', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    const results = await Promise.all([org.owner.request(LeadFormSubmitDocument, { id: formId }), org.as('admin').request(LeadFormSubmitDocument, { id: formId })]);
    expect(results.map((r) => r.leadFormSubmit.userErrors.map((e) => e.code)).sort()).toEqual([[], ['LEAD_FORM_NOT_SUBMITTABLE']]);
    expect(await t.db.reviewItem.findMany({ where: { subjectId: localId(formId) }, select: { state: true } })).toEqual([{ state: 'PENDING' }]);
  });

  it('needs a privacy policy', async () => {
    const formId = await createForm(org.owner, org.account('shop'), { privacyPolicyUrl: null });
    const { leadFormSubmit } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormSubmitDocument, { id: formId }));
    expectUserErrors(leadFormSubmit, ['REQUIRED', ['privacyPolicy']]);
    expect((await formRow(t, formId)).status).toBe('DRAFT');
  });
});

describe('approval and the Get Leads switch', () => {
  it('approval turns the switch on and shows the entry on the profile, to anyone', async () => {
    const other = await leadTeam(t, {});
    const formId = await createForm(other.owner, other.account('shop'), { name: 'Book a tasting', callToAction: 'SIGN_UP' });
    const anonymous = t.anonymous();
    expect((await anonymous.request(AccountGetLeadsEntryDocument, { handle: other.handle('shop') })).businessAccount?.getLeadsEntry).toBeNull();
    await submitForm(other.owner, formId);
    t.clock.advance(3 * 3600_000);
    await approve(t, formId);
    expect(await readForm(formId, other.owner)).toMatchObject({ status: 'APPROVED', getLeadsEnabled: true, acceptingLeads: true, approvedAt: t.clock.now().toISOString() });
    const entry = (await anonymous.request(AccountGetLeadsEntryDocument, { handle: other.handle('shop') })).businessAccount?.getLeadsEntry;
    expect(entry).toEqual({
      id: formId,
      name: 'Book a tasting',
      introduction: validForm.introduction,
      questions: [
        { question: 'NAME', label: 'Name' },
        { question: 'EMAIL', label: 'Email' },
      ],
      privacyPolicyText: null,
      privacyPolicyUrl: validForm.privacyPolicyUrl,
      callToAction: 'SIGN_UP',
      account: { handle: other.handle('shop') },
    });
    expect((await anonymous.request(PublicLeadFormDocument, { id: formId })).publicLeadForm).toEqual(entry);
    // the other account of the organization has no entry
    expect((await anonymous.request(AccountGetLeadsEntryDocument, { handle: other.handle('other') })).businessAccount?.getLeadsEntry).toBeNull();
  });

  it('switching off hides the entry and the public form; switching on shows them again', async () => {
    const other = await leadTeam(t, {});
    const formId = await liveForm(t, other.owner, other.account('shop'));
    const off = await other.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: false });
    expectUserErrors(off.leadFormSetGetLeads);
    expect(off.leadFormSetGetLeads.leadForm).toMatchObject({ status: 'APPROVED', getLeadsEnabled: false, acceptingLeads: false });
    expect((await t.anonymous().request(AccountGetLeadsEntryDocument, { handle: other.handle('shop') })).businessAccount?.getLeadsEntry).toBeNull();
    expect((await t.anonymous().request(PublicLeadFormDocument, { id: formId })).publicLeadForm).toBeNull();
    const on = await other.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: true });
    expect(on.leadFormSetGetLeads.leadForm).toMatchObject({ getLeadsEnabled: true, acceptingLeads: true });
    expect((await t.anonymous().request(AccountGetLeadsEntryDocument, { handle: other.handle('shop') })).businessAccount?.getLeadsEntry?.id).toBe(formId);
    expect((await formRow(t, formId)).getLeadsEnabled).toBe(true);
  });

  it('the profile shows the most recently approved form that accepts leads', async () => {
    const other = await leadTeam(t, {});
    const first = await liveForm(t, other.owner, other.account('shop'), { name: 'First' });
    t.clock.advance(60_000);
    const second = await liveForm(t, other.owner, other.account('shop'), { name: 'Second' });
    const entry = async () => (await t.anonymous().request(AccountGetLeadsEntryDocument, { handle: other.handle('shop') })).businessAccount?.getLeadsEntry?.id;
    expect(await entry()).toBe(second);
    await other.owner.request(LeadFormSetGetLeadsDocument, { id: second, enabled: false });
    expect(await entry()).toBe(first);
  });

  it.each([
    ['a draft', async (formId: string) => formId],
    ['a form under review', async (formId: string) => (await submitForm(org.owner, formId), formId)],
    ['a rejected form', async (formId: string) => (await submitForm(org.owner, formId), await reject(t, formId), formId)],
  ])('cannot be switched on for %s (LEAD_FORM_NOT_APPROVED), and is not public', async (_name, prepare) => {
    const formId = await prepare(await createForm(org.owner, org.account('shop')));
    const { leadFormSetGetLeads } = await expectLeadFormsUnchanged(t, () => org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: true }));
    expectUserErrors(leadFormSetGetLeads, ['LEAD_FORM_NOT_APPROVED', ['id']]);
    expect((await t.anonymous().request(PublicLeadFormDocument, { id: formId })).publicLeadForm).toBeNull();
    expect((await t.as(OUTSIDER).request(PublicLeadFormDocument, { id: formId })).publicLeadForm).toBeNull();
  });
});

describe('rejection, edit and resubmission', () => {
  it('keeps the full history: each submission with its snapshot and decision, newest first', async () => {
    const formId = await createForm(org.owner, org.account('shop'), { privacyPolicyUrl: 'https://acme.example.com/home' });
    await submitForm(org.owner, formId);
    const firstSubmittedAt = t.clock.now().toISOString();
    t.clock.advance(3600_000);
    await reject(t, formId, [
      { area: 'PRIVACY_POLICY', message: 'This is the home page, not the policy.' },
      { area: 'QUESTIONS', message: 'Ask for a phone number too.' },
    ]);
    const rejected = await readForm(formId);
    expect(rejected).toMatchObject({ status: 'REJECTED', getLeadsEnabled: false, acceptingLeads: false });
    expect(rejected?.reviews[0].reasons).toEqual([
      { area: 'PRIVACY_POLICY', message: 'This is the home page, not the policy.' },
      { area: 'QUESTIONS', message: 'Ask for a phone number too.' },
    ]);

    const edit = await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { privacyPolicyUrl: 'https://acme.example.com/privacy', questions: ['NAME', 'EMAIL', 'PHONE'] } });
    expectUserErrors(edit.leadFormUpdate);
    t.clock.advance(3600_000);
    const resubmitted = await org.owner.request(LeadFormSubmitDocument, { id: formId });
    expect(resubmitted.leadFormSubmit.leadForm).toMatchObject({ status: 'PENDING', submittedAt: t.clock.now().toISOString() });
    await approve(t, formId);

    const history = (await readForm(formId))!.reviews;
    expect(history.map((r) => [r.state, (r.snapshot as Snapshot).privacyPolicyUrl, (r.snapshot as Snapshot).questions])).toEqual([
      ['APPROVED', 'https://acme.example.com/privacy', ['NAME', 'PHONE', 'EMAIL']],
      ['REJECTED', 'https://acme.example.com/home', ['NAME', 'EMAIL']],
    ]);
    expect(history[1].submittedAt).toBe(firstSubmittedAt);
    expect(history[0].reasons).toEqual([]);
    expect(await t.db.reviewItem.count({ where: { subjectId: localId(formId) } })).toBe(2);
    expect(await readForm(formId)).toMatchObject({ status: 'APPROVED', getLeadsEnabled: true });
  });
});

describe('reading forms', () => {
  it('lists the account’s forms, newest first, to its team (analysts included)', async () => {
    const other = await leadTeam(t, { analyst: 'ANALYST' });
    const a = await createForm(other.owner, other.account('shop'), { name: 'A' });
    t.clock.advance(1000);
    const b = await createForm(other.owner, other.account('shop'), { name: 'B' });
    await createForm(other.owner, other.account('other'), { name: 'Elsewhere' });
    const { businessAccount } = await other.as('analyst').request(AccountLeadFormsDocument, { handle: other.handle('shop') });
    expect(businessAccount?.leadForms.edges.map((e) => e.node)).toEqual([
      { id: b, name: 'B', status: 'DRAFT' },
      { id: a, name: 'A', status: 'DRAFT' },
    ]);
    expect((await readForm(a, other.as('analyst')))?.name).toBe('A');
  });

  it.each([
    ['a signed-in outsider', () => t.as(OUTSIDER), 'FORBIDDEN'],
    ['the owner of another organization', () => foreign.owner, 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ] as const)('hides the forms from %s', async (_name, api, code) => {
    const formId = await createForm(org.owner, org.account('shop'));
    const node = await api().raw(LeadFormNodeDocument, { id: formId });
    expectReadRefused(node, code);
    expect(node.data?.node).toBeNull();
    const list = await api().raw(AccountLeadFormsDocument, { handle: org.handle('shop') });
    expectReadRefused(list, code);
    expect(list.data?.businessAccount).toBeNull();
  });

  it('hides the forms of an account from a member restricted to another account', async () => {
    const other = await leadTeam(t, { helper: 'ADMIN' }, { helper: ['other'] });
    const formId = await createForm(other.owner, other.account('shop'));
    expectReadRefused(await other.as('helper').raw(LeadFormNodeDocument, { id: formId }), 'FORBIDDEN');
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => other.as('helper').raw(LeadFormUpdateDocument, { id: formId, input: { name: 'x' } })), 'FORBIDDEN');
    // on their own account they manage forms
    await createForm(other.as('helper'), other.account('other'));
  });
});
