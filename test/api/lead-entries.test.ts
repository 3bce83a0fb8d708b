// Get Leads entries on short videos: posts, attaching a form (and every reason it is
// refused, listed together), the link viewers see only while the form accepts leads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountPostsDocument,
  LeadFormSetGetLeadsDocument,
  LeadFormUpdateDocument,
  PostAttachLeadFormDocument,
  PostCreateDocument,
  PostDetachLeadFormDocument,
  PostNodeDocument,
  PostNodeTeamDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { expectUserErrors, localId } from '../support/fixtures.ts';
import {
  approve,
  createForm,
  createPost,
  expectLeadFormsUnchanged,
  expectReadRefused,
  leadTeam,
  liveForm,
  OUTSIDER,
  reject,
  submitForm,
  type LeadTeam,
} from '../support/lead-forms.ts';

let t: TestApp;
let org: LeadTeam;
let live: string;
beforeAll(async () => {
  t = await startApp();
  org = await leadTeam(t);
  live = await liveForm(t, org.owner, org.account('shop'), { name: 'Live form', callToAction: 'GET_QUOTE' });
});
afterAll(() => t?.close());

const attach = (postId: string, leadFormId: string, api = org.owner) => api.request(PostAttachLeadFormDocument, { postId, leadFormId });
const postRow = (postId: string) => t.db.post.findUniqueOrThrow({ where: { id: localId(postId) } });
const link = async (postId: string) => (await t.anonymous().request(PostNodeDocument, { id: postId })).node;

describe('postCreate', () => {
  it('stores a short video with its caption and whether its sound is commercial music; an agent may post', async () => {
    const { postCreate } = await org.as('agent').request(PostCreateDocument, { accountId: org.account('shop'), input: { caption: 'Fresh bread 🥖', commercialMusic: true } });
    expectUserErrors(postCreate);
    expect(postCreate.post).toMatchObject({ caption: 'Fresh bread 🥖', commercialMusic: true, getLeadsLink: null });
    expect(await postRow(postCreate.post!.id)).toMatchObject({ accountId: localId(org.account('shop')), caption: 'Fresh bread 🥖', commercialMusic: true, leadFormId: null });
  });

  it('defaults to no caption and no commercial music', async () => {
    const { postCreate } = await org.owner.request(PostCreateDocument, { accountId: org.account('shop'), input: {} });
    expect(postCreate.post).toMatchObject({ caption: '', commercialMusic: false });
  });

  it('refuses a caption over 2200 characters', async () => {
    const { postCreate } = await expectLeadFormsUnchanged(t, () => org.owner.request(PostCreateDocument, { accountId: org.account('shop'), input: { caption: 'c'.repeat(2201) } }));
    expectUserErrors(postCreate, ['TOO_LONG', ['input', 'caption']]);
    expect(postCreate.post).toBeNull();
  });
});

describe('postAttachLeadForm', () => {
  it('attaches a live form: viewers see the Get Leads link on the video', async () => {
    const postId = await createPost(org.owner, org.account('shop'));
    const { postAttachLeadForm } = await attach(postId, live);
    expectUserErrors(postAttachLeadForm);
    expect(postAttachLeadForm.post).toMatchObject({ getLeadsLink: { id: live, name: 'Live form', callToAction: 'GET_QUOTE' }, leadForm: { id: live, status: 'APPROVED' } });
    expect((await postRow(postId)).leadFormId).toBe(localId(live));
    expect(await link(postId)).toMatchObject({ id: postId, getLeadsLink: { id: live } });
    const { businessAccount } = await t.anonymous().request(AccountPostsDocument, { handle: org.handle('shop') });
    expect(businessAccount?.posts.edges.find((e) => e.node.id === postId)?.node.getLeadsLink?.id).toBe(live);
  });

  it('lets an admin attach a form', async () => {
    const postId = await createPost(org.owner, org.account('shop'));
    expectUserErrors((await attach(postId, live, org.as('admin'))).postAttachLeadForm);
  });

  it('refuses a video with commercial music (on the post)', async () => {
    const postId = await createPost(org.owner, org.account('shop'), { commercialMusic: true });
    const { postAttachLeadForm } = await expectLeadFormsUnchanged(t, () => attach(postId, live));
    expectUserErrors(postAttachLeadForm, ['COMMERCIAL_MUSIC', ['postId']]);
    expect(postAttachLeadForm.post).toBeNull();
  });

  it.each([
    ['a draft', async (formId: string) => formId, [['LEAD_FORM_NOT_APPROVED', ['leadFormId']], ['GET_LEADS_OFF', ['leadFormId']]]],
    ['a form under review', async (formId: string) => (await submitForm(org.owner, formId), formId), [['LEAD_FORM_NOT_APPROVED', ['leadFormId']], ['GET_LEADS_OFF', ['leadFormId']]]],
    [
      'a rejected form',
      async (formId: string) => (await submitForm(org.owner, formId), await reject(t, formId), formId),
      [['LEAD_FORM_NOT_APPROVED', ['leadFormId']], ['GET_LEADS_OFF', ['leadFormId']]],
    ],
    [
      'an approved form switched off',
      async () => {
        const formId = await liveForm(t, org.owner, org.account('shop'));
        await org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: false });
        return formId;
      },
      [['GET_LEADS_OFF', ['leadFormId']]],
    ],
  ] as const)('refuses %s, saying which conditions fail', async (_name, prepare, expected) => {
    const formId = await prepare(await createForm(org.owner, org.account('shop')));
    const postId = await createPost(org.owner, org.account('shop'));
    const { postAttachLeadForm } = await expectLeadFormsUnchanged(t, () => attach(postId, formId));
    expectUserErrors(postAttachLeadForm, ...(expected as unknown as [string, string[]][]));
  });

  it('lists every failing condition together: commercial music and a form that is not approved', async () => {
    const formId = await createForm(org.owner, org.account('shop'));
    const postId = await createPost(org.owner, org.account('shop'), { commercialMusic: true });
    const { postAttachLeadForm } = await expectLeadFormsUnchanged(t, () => attach(postId, formId));
    expectUserErrors(postAttachLeadForm, ['COMMERCIAL_MUSIC', ['postId']], ['LEAD_FORM_NOT_APPROVED', ['leadFormId']], ['GET_LEADS_OFF', ['leadFormId']]);
  });

  it('refuses a form of another account, even of the same organization (NOT_FOUND)', async () => {
    const elsewhere = await liveForm(t, org.owner, org.account('other'));
    const foreign = await leadTeam(t, {});
    const foreignForm = await liveForm(t, foreign.owner, foreign.account('shop'));
    const postId = await createPost(org.owner, org.account('shop'));
    for (const formId of [elsewhere, foreignForm]) {
      const { postAttachLeadForm } = await expectLeadFormsUnchanged(t, () => attach(postId, formId));
      expectUserErrors(postAttachLeadForm, ['NOT_FOUND', ['leadFormId']]);
    }
  });

  it('replaces the form a video carried', async () => {
    const second = await liveForm(t, org.owner, org.account('shop'), { name: 'Second' });
    const postId = await createPost(org.owner, org.account('shop'));
    await attach(postId, live);
    expectUserErrors((await attach(postId, second)).postAttachLeadForm);
    expect((await postRow(postId)).leadFormId).toBe(localId(second));
  });
});

describe('the Get Leads link on a video', () => {
  it('is shown only while its form accepts leads; the team still sees which form is attached', async () => {
    const formId = await liveForm(t, org.owner, org.account('shop'));
    const postId = await createPost(org.owner, org.account('shop'));
    await attach(postId, formId);
    await org.owner.request(LeadFormSetGetLeadsDocument, { id: formId, enabled: false });
    expect((await link(postId))?.getLeadsLink).toBeNull();
    expect((await org.as('analyst').request(PostNodeTeamDocument, { id: postId })).node).toMatchObject({ getLeadsLink: null, leadForm: { id: formId, status: 'APPROVED' } });

    // edited: back to draft, still no link; re-approved and switched on: the link is back
    await org.owner.request(LeadFormUpdateDocument, { id: formId, input: { introduction: 'Updated' } });
    expect((await link(postId))?.getLeadsLink).toBeNull();
    await submitForm(org.owner, formId);
    expect((await link(postId))?.getLeadsLink).toBeNull();
    await approve(t, formId);
    expect((await link(postId))?.getLeadsLink?.id).toBe(formId);
  });

  it('hides the attached form itself from people outside the team', async () => {
    const postId = await createPost(org.owner, org.account('shop'));
    await attach(postId, live);
    expectReadRefused(await t.anonymous().raw(PostNodeTeamDocument, { id: postId }), 'UNAUTHENTICATED');
    expectReadRefused(await t.as(OUTSIDER).raw(PostNodeTeamDocument, { id: postId }), 'FORBIDDEN');
  });

  it('postDetachLeadForm removes the link', async () => {
    const postId = await createPost(org.owner, org.account('shop'));
    await attach(postId, live);
    const { postDetachLeadForm } = await org.owner.request(PostDetachLeadFormDocument, { postId });
    expectUserErrors(postDetachLeadForm);
    expect(postDetachLeadForm.post?.getLeadsLink).toBeNull();
    expect((await postRow(postId)).leadFormId).toBeNull();
    expect((await link(postId))?.getLeadsLink).toBeNull();
  });
});
