import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => { t = await startApp(); });
afterAll(() => t?.close());

it('runs the lead form lifecycle end to end', async () => {
  const owner = t.as('lf.owner');
  const { organizationCreate } = await owner.request(`mutation { organizationCreate(input: { name: "LF" }) { organization { id } } }`);
  const { businessAccountCreate } = await owner.request(`mutation ($o: ID!) { businessAccountCreate(organizationId: $o, input: { handle: "lf.shop", displayName: "LF", region: "FR", category: "Retail" }) { account { id } } }`, { o: organizationCreate.organization.id });
  const accountId = businessAccountCreate.account.id;
  const created = await owner.request(`mutation ($a: ID!) { leadFormCreate(accountId: $a, input: { name: "Quote", introduction: "Tell us", questions: [EMAIL, NAME], privacyPolicyUrl: "https://acme.example.com/privacy" }) { leadForm { id status questions } userErrors { code field message } } }`, { a: accountId });
  expect(created.leadFormCreate.userErrors).toEqual([]);
  const formId = created.leadFormCreate.leadForm.id;
  const submitted = await owner.request(`mutation ($id: ID!) { leadFormSubmit(id: $id) { leadForm { status submittedAt } userErrors { code } } }`, { id: formId });
  expect(submitted.leadFormSubmit.leadForm.status).toBe('PENDING');
  const reviewer = t.as('rev', ['reviewer']);
  const queue = await reviewer.request(`{ reviewQueue(kind: LEAD_FORM) { edges { node { id dueBy subject { __typename ... on LeadForm { name } } snapshot } } } }`);
  expect(queue.reviewQueue.edges).toHaveLength(1);
  const itemId = queue.reviewQueue.edges[0].node.id;
  const approved = await reviewer.request(`mutation ($id: ID!) { reviewApprove(id: $id) { reviewItem { state } userErrors { code } } }`, { id: itemId });
  expect(approved.reviewApprove.reviewItem.state).toBe('APPROVED');
  const form = await owner.request(`query ($id: ID!) { node(id: $id) { ... on LeadForm { status getLeadsEnabled reviews { state } } } }`, { id: formId });
  expect(form.node).toMatchObject({ status: 'APPROVED', getLeadsEnabled: true });
  const mail = await owner.request(`{ notifications { edges { node { kind title read subjectType } } } }`);
  expect(mail.notifications.edges[0].node.kind).toBe('REVIEW_APPROVED');
  const viewer = t.as('lf.viewer');
  const lead = await viewer.request(`mutation ($f: ID!) { leadSubmit(formId: $f, input: { source: PROFILE, answers: [{ question: EMAIL, answer: "a@b.co" }, { question: NAME, answer: "=HYPERLINK()" }], idempotencyKey: "k1" }) { lead { id answers { question answer } } userErrors { code field } } }`, { f: formId });
  expect(lead.leadSubmit.userErrors).toEqual([]);
  const exported = await owner.request(`mutation ($a: ID!) { leadsExport(accountId: $a) { url userErrors { code } } }`, { a: accountId });
  const csv = await (await fetch(exported.leadsExport.url)).text();
  expect(csv).toContain("'=HYPERLINK()");
  const list = await owner.request(`query ($a: ID!) { leads(accountId: $a) { edges { node { status source submitter { handle } } } } }`, { a: accountId });
  expect(list.leads.edges).toHaveLength(1);
});
