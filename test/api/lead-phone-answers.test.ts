// Phone answers to lead forms (PRODUCT §3) through the API: what people type is read with the
// numbering plan of the form's account region, stored in E.164, and anything that is not a
// number that can exist is refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessAccountCreateDocument } from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { expectUserErrors, localId, signIn } from '../support/fixtures.ts';
import { approvedLeadForm, expectNoLeadChange, LEAD_SUBMIT, leadTeam, submitLead, type LeadTeam } from '../support/leads.ts';

let t: TestApp;
let team: LeadTeam;
/** a form asking only PHONE, on a French account (shop.a, region FR) */
let frenchForm: string;
/** a form asking only PHONE, on an account registered in the US */
let usForm: string;

beforeAll(async () => {
  t = await startApp();
  team = await leadTeam(t);
  frenchForm = await approvedLeadForm(t, 'owner', team.shopA, { name: 'Call me back', questions: ['PHONE'] });
  const { businessAccountCreate } = await t.as('owner').request(BusinessAccountCreateDocument, {
    organizationId: team.organizationId,
    input: { handle: 'shop.us', displayName: 'Shop US', region: 'US', category: 'Bakery' },
  });
  expect(businessAccountCreate.userErrors).toEqual([]);
  usForm = await approvedLeadForm(t, 'owner', businessAccountCreate.account!.id, { name: 'Call me back', questions: ['PHONE'] });
  await signIn(t, 'viewer');
});
afterAll(() => t?.close());

const phoneAnswer = (answer: string) => ({ answers: [{ question: 'PHONE' as const, answer }] });

async function expectStored(formId: string, typed: string, e164: string) {
  const lead = await submitLead(t.as('viewer'), formId, phoneAnswer(typed));
  expect(lead.answers).toEqual([{ question: 'PHONE', label: 'Phone number', answer: e164 }]);
  const stored = await t.db.lead.findUniqueOrThrow({ where: { id: localId(lead.id) } });
  expect(stored.answers).toEqual([{ question: 'PHONE', answer: e164 }]);
}

async function expectRefused(formId: string, typed: string, region: string) {
  const { leadSubmit } = await expectNoLeadChange(t, () => t.as('viewer').request(LEAD_SUBMIT, { formId, input: { ...phoneAnswer(typed), source: 'PROFILE' } }));
  expect(leadSubmit.lead).toBeNull();
  expectUserErrors(leadSubmit, ['PHONE_INVALID', ['input', 'answers', 'PHONE']]);
  expect(leadSubmit.userErrors[0].message).toContain(`as dialled in ${region}`);
}

describe('a phone answer on a French account’s form', () => {
  it.each([
    ['international form', '+33 1 23 45 67 89', '+33123456789'],
    ['a French national mobile number', '0612345678', '+33612345678'],
    ['a French national number with separators', '01 23 45 67 89', '+33123456789'],
    ['dialled from France with the 00 prefix', '00 33 1 23 45 67 89', '+33123456789'],
    ['the French country code without its +', '33123456789', '+33123456789'],
    ['a foreign number in international form', '+1 (212) 555-0100', '+12125550100'],
  ])('stores %s (%j) as %s', async (_why, typed, e164) => {
    await expectStored(frenchForm, typed, e164);
  });

  it.each([
    ['a local number without area code', '555-1234'],
    ['a number that cannot exist', '+0000000000'],
    ['an unallocated range', '+33 7 00 00 00 00'],
    ['a number inside text', 'call me on 06 12 34 56 78'],
    ['an extension', '+33 1 23 45 67 89 ext. 2'],
  ])('refuses %s (%j), storing nothing', async (_why, typed) => {
    await expectRefused(frenchForm, typed, 'FR');
  });
});

describe('a phone answer on a US account’s form', () => {
  it.each([
    ['a US national number', '(212) 555-0100', '+12125550100'],
    ['a US number with the trunk prefix 1', '1 212 555 0100', '+12125550100'],
    ['a French number in international form', '+33 6 12 34 56 78', '+33612345678'],
  ])('stores %s (%j) as %s', async (_why, typed, e164) => {
    await expectStored(usForm, typed, e164);
  });

  it.each([
    ['a French national number, which is not a US one', '0612345678'],
    ['a local number without area code', '555-1234'],
    ['a French number without + (not the US country code)', '33123456789'],
    ['the European 00 prefix (the US dials 011)', '00 33 1 23 45 67 89'],
    ['a number that cannot exist', '+0000000000'],
  ])('refuses %s (%j), storing nothing', async (_why, typed) => {
    await expectRefused(usForm, typed, 'US');
  });
});
