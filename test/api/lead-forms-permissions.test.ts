// Who may do what with lead forms and video entries: every mutation (and reading a form)
// against every kind of caller. Allowed calls must store their effect; refused ones are
// top-level FORBIDDEN / UNAUTHENTICATED errors that leave every table as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountLeadFormsDocument,
  LeadFormCreateDocument,
  LeadFormNodeDocument,
  LeadFormSetGetLeadsDocument,
  LeadFormSubmitDocument,
  LeadFormUpdateDocument,
  PostAttachLeadFormDocument,
  PostCreateDocument,
  PostDetachLeadFormDocument,
} from '../generated/graphql.ts';
import type { TestApp } from '../support/app.ts';
import type { Api, GraphQLResponse } from '../support/client.ts';
import { expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import {
  createForm,
  createPost,
  expectLeadFormsUnchanged,
  expectReadRefused,
  formRow,
  liveForm,
  OUTSIDER,
  reviewer,
  startLeadApp,
  validForm,
  type LeadTeam,
} from '../support/lead-forms.ts';

let t: TestApp;
let org: LeadTeam;
let foreign: LeadTeam;

const callers = ['OWNER', 'ADMIN', 'AGENT', 'ANALYST', 'RESTRICTED_ADMIN', 'OUTSIDER', 'FOREIGN_OWNER', 'REVIEWER', 'ANONYMOUS'] as const;
type Caller = (typeof callers)[number];

function caller(who: Caller): Api {
  switch (who) {
    case 'OWNER':
      return org.owner;
    case 'RESTRICTED_ADMIN':
      return org.as('helper');
    case 'OUTSIDER':
      return t.as(OUTSIDER);
    case 'FOREIGN_OWNER':
      return foreign.owner;
    case 'REVIEWER':
      return reviewer(t);
    case 'ANONYMOUS':
      return t.anonymous();
    default:
      return org.as(who.toLowerCase());
  }
}

interface Action {
  name: string;
  field: string;
  /** creates what the action works on, in the shop account */
  prepare(): Promise<{ formId: string; postId: string }>;
  run(api: Api, ids: { formId: string; postId: string }): Promise<GraphQLResponse<Record<string, { userErrors: { code: string }[] }>>>;
  allowed: readonly Caller[];
  stored(ids: { formId: string; postId: string }): Promise<void>;
}

const managers = ['OWNER', 'ADMIN'] as const;
const draft = async () => ({ formId: await createForm(org.owner, org.account('shop')), postId: '' });

const actions: Action[] = [
  {
    name: 'leadFormCreate',
    field: 'leadFormCreate',
    prepare: async () => ({ formId: '', postId: '' }),
    run: (api) => api.raw(LeadFormCreateDocument, { accountId: org.account('shop'), input: { ...validForm, name: 'Permission probe' } }),
    allowed: managers,
    stored: async () => expect(await t.db.leadForm.count({ where: { name: 'Permission probe' } })).toBeGreaterThan(0),
  },
  {
    name: 'leadFormUpdate',
    field: 'leadFormUpdate',
    prepare: draft,
    run: (api, { formId }) => api.raw(LeadFormUpdateDocument, { id: formId, input: { name: 'Renamed' } }),
    allowed: managers,
    stored: async ({ formId }) => expect((await formRow(t, formId)).name).toBe('Renamed'),
  },
  {
    name: 'leadFormSubmit',
    field: 'leadFormSubmit',
    prepare: draft,
    run: (api, { formId }) => api.raw(LeadFormSubmitDocument, { id: formId }),
    allowed: managers,
    stored: async ({ formId }) => expect((await formRow(t, formId)).status).toBe('PENDING'),
  },
  {
    name: 'leadFormSetGetLeads',
    field: 'leadFormSetGetLeads',
    prepare: async () => ({ formId: await liveForm(t, org.owner, org.account('shop')), postId: '' }),
    run: (api, { formId }) => api.raw(LeadFormSetGetLeadsDocument, { id: formId, enabled: false }),
    allowed: managers,
    stored: async ({ formId }) => expect((await formRow(t, formId)).getLeadsEnabled).toBe(false),
  },
  {
    name: 'postCreate',
    field: 'postCreate',
    prepare: async () => ({ formId: '', postId: '' }),
    run: (api) => api.raw(PostCreateDocument, { accountId: org.account('shop'), input: { caption: 'Permission probe' } }),
    allowed: [...managers, 'AGENT'],
    stored: async () => expect(await t.db.post.count({ where: { caption: 'Permission probe' } })).toBeGreaterThan(0),
  },
  {
    name: 'postAttachLeadForm',
    field: 'postAttachLeadForm',
    prepare: async () => ({ formId: await liveForm(t, org.owner, org.account('shop')), postId: await createPost(org.owner, org.account('shop')) }),
    run: (api, { formId, postId }) => api.raw(PostAttachLeadFormDocument, { postId, leadFormId: formId }),
    allowed: managers,
    stored: async ({ formId, postId }) => expect((await t.db.post.findUniqueOrThrow({ where: { id: localId(postId) } })).leadFormId).toBe(localId(formId)),
  },
  {
    name: 'postDetachLeadForm',
    field: 'postDetachLeadForm',
    prepare: async () => {
      const formId = await liveForm(t, org.owner, org.account('shop'));
      const postId = await createPost(org.owner, org.account('shop'));
      await org.owner.request(PostAttachLeadFormDocument, { postId, leadFormId: formId });
      return { formId, postId };
    },
    run: (api, { postId }) => api.raw(PostDetachLeadFormDocument, { postId }),
    allowed: managers,
    stored: async ({ postId }) => expect((await t.db.post.findUniqueOrThrow({ where: { id: localId(postId) } })).leadFormId).toBeNull(),
  },
];

beforeAll(async () => {
  ({ t, org, foreign } = await startLeadApp(undefined, { admin: 'ADMIN', agent: 'AGENT', analyst: 'ANALYST', helper: 'ADMIN' }, { helper: ['other'] }));
});
afterAll(() => t?.close());

describe.each(actions)('$name', (action) => {
  it.each(callers.map((who) => [who, action.allowed.includes(who) ? 'ok' : who === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN'] as const))('%s → %s', async (who, outcome) => {
    const ids = await action.prepare();
    if (outcome === 'ok') {
      const response = await action.run(caller(who), ids);
      expect(response.errors).toBeUndefined();
      expectUserErrors(response.data?.[action.field]);
      await action.stored(ids);
      return;
    }
    expectTopLevelError(await expectLeadFormsUnchanged(t, () => action.run(caller(who), ids)), outcome);
  });
});

describe('reading a form', () => {
  const readers: Caller[] = ['OWNER', 'ADMIN', 'AGENT', 'ANALYST', 'REVIEWER'];
  it.each(callers.map((who) => [who, readers.includes(who) ? 'ok' : who === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN'] as const))('%s → %s', async (who, outcome) => {
    const formId = await createForm(org.owner, org.account('shop'), { name: 'Readable' });
    const node = await caller(who).raw(LeadFormNodeDocument, { id: formId });
    if (outcome === 'ok') {
      expect(node.errors).toBeUndefined();
      expect(node.data?.node).toMatchObject({ id: formId, name: 'Readable' });
    } else {
      expectReadRefused(node, outcome);
      expect(node.data?.node).toBeNull();
    }
  });

  it('a restricted member reads and manages the forms of the account they work on', async () => {
    const formId = await createForm(org.as('helper'), org.account('other'), { name: 'Helper form' });
    const { businessAccount } = await org.as('helper').request(AccountLeadFormsDocument, { handle: org.handle('other') });
    expect(businessAccount?.leadForms.edges.map((e) => e.node.id)).toContain(formId);
  });
});
