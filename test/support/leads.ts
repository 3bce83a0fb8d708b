// Shared setup for the lead capture, management and export API tests: a team with one
// member per role, approved lead forms, lead submissions and what the leads module stored.
import { expect } from 'vitest';
import type { LeadQuestion } from '../../src/generated/prisma/enums.ts';
import type { TestApp } from './app.ts';
import type { Api } from './client.ts';
import { createTeam, type Team } from './fixtures.ts';

export const ALL_QUESTIONS: LeadQuestion[] = ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL', 'COUNTRY_CITY'];

/** A valid answer to each question. */
export const validAnswers: Record<LeadQuestion, string> = {
  ENQUIRY: 'I would like a quote for 200 croissants.',
  NAME: 'Jeanne Dupont',
  PHONE: '+33123456789', // E.164, as stored
  EMAIL: 'jeanne@example.com',
  COUNTRY_CITY: 'France / Lyon',
};

export function answers(questions: LeadQuestion[] = ALL_QUESTIONS, overrides: Partial<Record<LeadQuestion, string>> = {}) {
  return questions.map((question) => ({ question, answer: overrides[question] ?? validAnswers[question] }));
}

export const LEAD_FIELDS = /* GraphQL */ `id source submittedAt answers { question label answer } form { id name } post { id } liveSessionId adId conversationId`;
const USER_ERRORS = /* GraphQL */ `userErrors { code field message }`;

export const LEAD_SUBMIT = /* GraphQL */ `
  mutation LeadSubmit($formId: ID!, $input: LeadSubmitInput!) {
    leadSubmit(formId: $formId, input: $input) { lead { ${LEAD_FIELDS} } ${USER_ERRORS} }
  }`;

export const LEAD_UPDATE = /* GraphQL */ `
  mutation LeadUpdate($id: ID!, $input: LeadUpdateInput!) {
    leadUpdate(id: $id, input: $input) { lead { id status assignee { handle } } ${USER_ERRORS} }
  }`;

export const LEAD_NOTE_ADD = /* GraphQL */ `
  mutation LeadNoteAdd($id: ID!, $body: String!) {
    leadNoteAdd(id: $id, body: $body) { note { id body author { handle } createdAt } ${USER_ERRORS} }
  }`;

export const LEADS = /* GraphQL */ `
  query Leads($accountId: ID!, $filter: LeadFilter, $first: Int, $after: String) {
    leads(accountId: $accountId, filter: $filter, first: $first, after: $after) {
      edges { node { id source status submittedAt form { name } assignee { handle } submitter { handle } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export const LEADS_EXPORT = /* GraphQL */ `
  mutation LeadsExport($accountId: ID!, $input: LeadsExportInput) {
    leadsExport(accountId: $accountId, input: $input) { url expiresAt from to ${USER_ERRORS} }
  }`;

export interface LeadSubmitInput {
  answers: { question: LeadQuestion; answer: string }[];
  source: 'PROFILE' | 'SHORT_VIDEO' | 'LIVE' | 'AD' | 'DIRECT_MESSAGE';
  postId?: string | null;
  liveSessionId?: string | null;
  adId?: string | null;
  conversationId?: string | null;
  idempotencyKey?: string | null;
}

/** Creates a form, sends it to review and has a platform reviewer approve it; returns its global id. */
export async function approvedLeadForm(t: TestApp, manager: string, accountId: string, options: { name?: string; questions?: LeadQuestion[] } = {}): Promise<string> {
  const created = await t.as(manager).request(
    `mutation ($a: ID!, $input: LeadFormCreateInput!) { leadFormCreate(accountId: $a, input: $input) { leadForm { id } ${USER_ERRORS} } }`,
    {
      a: accountId,
      input: { name: options.name ?? 'Quote request', introduction: 'Tell us what you need.', questions: options.questions ?? ALL_QUESTIONS, privacyPolicyUrl: 'https://shop.example.com/privacy' },
    },
  );
  expect(created.leadFormCreate.userErrors).toEqual([]);
  const formId: string = created.leadFormCreate.leadForm.id;
  const submitted = await t.as(manager).request(`mutation ($id: ID!) { leadFormSubmit(id: $id) { ${USER_ERRORS} } }`, { id: formId });
  expect(submitted.leadFormSubmit.userErrors).toEqual([]);
  const reviewer = t.as('lead.reviewer', ['reviewer']);
  const queue = await reviewer.request(`{ reviewQueue(kind: LEAD_FORM, first: 100) { edges { node { id subject { ... on LeadForm { id } } } } } }`);
  const item = queue.reviewQueue.edges.find((edge: { node: { subject: { id: string } } }) => edge.node.subject.id === formId);
  const approved = await reviewer.request(`mutation ($id: ID!) { reviewApprove(id: $id) { ${USER_ERRORS} } }`, { id: item.node.id });
  expect(approved.reviewApprove.userErrors).toEqual([]);
  return formId;
}

/** A short video of the account carrying the form's Get Leads link; returns its global id. */
export async function postWithForm(t: TestApp, manager: string, accountId: string, formId: string): Promise<string> {
  const api = t.as(manager);
  const created = await api.request(`mutation ($a: ID!) { postCreate(accountId: $a, input: { caption: "New pastries" }) { post { id } ${USER_ERRORS} } }`, { a: accountId });
  const postId: string = created.postCreate.post.id;
  const attached = await api.request(`mutation ($p: ID!, $f: ID!) { postAttachLeadForm(postId: $p, leadFormId: $f) { ${USER_ERRORS} } }`, { p: postId, f: formId });
  expect(attached.postAttachLeadForm.userErrors).toEqual([]);
  return postId;
}

/** Submits a lead that must be accepted; returns the lead as the API answered it. */
export async function submitLead(api: Api, formId: string, input: Partial<LeadSubmitInput> = {}) {
  const { leadSubmit } = await api.request(LEAD_SUBMIT, { formId, input: { answers: answers(), source: 'PROFILE', ...input } });
  expect(leadSubmit.userErrors).toEqual([]);
  return leadSubmit.lead as { id: string; source: string; submittedAt: string; answers: { question: string; label: string; answer: string }[] };
}

/** Everything the leads module stores about leads, in a stable order. */
export async function storedLeads(t: TestApp) {
  const [leads, notes] = await Promise.all([
    t.db.lead.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    t.db.leadNote.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  return { leads, notes };
}

/** Runs a refused operation and asserts that no lead or note was stored or changed. */
export async function expectNoLeadChange<T>(t: TestApp, operation: () => Promise<T>): Promise<T> {
  const before = await storedLeads(t);
  const result = await operation();
  expect(await storedLeads(t)).toEqual(before);
  return result;
}

export interface LeadTeam extends Team {
  shopA: string;
  shopB: string;
  /** the outsider's account */
  otherShop: string;
}

/**
 * `owner`'s organization with accounts shop.a and shop.b and one member per role:
 * admin, agent, analyst, and r.agent (an agent restricted to shop.b); plus `outsider`,
 * owner of another organization.
 */
export async function leadTeam(t: TestApp): Promise<LeadTeam> {
  const team = await createTeam(t, {
    owner: 'owner',
    accounts: ['shop.a', 'shop.b'],
    members: { admin: 'ADMIN', agent: 'AGENT', analyst: 'ANALYST', 'r.agent': 'AGENT' },
    restrictedTo: { 'r.agent': ['shop.b'] },
  });
  const other = await createTeam(t, { owner: 'outsider', accounts: ['other.shop'] });
  return { ...team, shopA: team.accountIds['shop.a'], shopB: team.accountIds['shop.b'], otherShop: other.accountIds['other.shop'] };
}

/** The database id of a user, by handle. */
export async function userId(t: TestApp, handle: string): Promise<string> {
  return (await t.db.user.findFirstOrThrow({ where: { handle }, select: { id: true } })).id;
}

/** The global id of a user, as the API gives it to the user. */
export async function userGlobalId(t: TestApp, handle: string): Promise<string> {
  return (await t.as(handle).request(`{ viewer { user { id } } }`)).viewer.user.id;
}
