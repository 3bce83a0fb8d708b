// Organizations: creation (the creator owns it), renaming, the viewer, node reads by role and
// the members and accounts connections.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberNodeDocument, OrganizationCreateDocument, OrganizationTeamDocument, OrganizationUpdateDocument, ViewerDocument } from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { createTeam, expectNothingChanged, expectTopLevelError, expectUserErrors, localId, type Team } from '../support/fixtures.ts';

let t: TestApp;
let acme: Team;
beforeAll(async () => {
  t = await startApp();
  acme = await createTeam(t, {
    owner: 'olga',
    name: 'Acme',
    accounts: ['acme_fr', 'acme_de', 'acme_it'],
    members: { adam: 'ADMIN', agnes: 'AGENT', anna: 'ANALYST' },
  });
});
afterAll(() => t?.close());

describe('organizationCreate', () => {
  it('creates the organization with its creator as the owner', async () => {
    const { organizationCreate } = await t.as('founder').request(OrganizationCreateDocument, { input: { name: '  Bakery Ltd  ' } });
    expect(organizationCreate.userErrors).toEqual([]);
    const organization = organizationCreate.organization!;
    expect(organization).toMatchObject({ name: 'Bakery Ltd', viewerMembership: { role: 'OWNER' } });
    const stored = await t.db.organization.findUnique({ where: { id: localId(organization.id) }, include: { members: { include: { user: true } } } });
    expect(stored?.name).toBe('Bakery Ltd');
    expect(stored?.members.map((m) => [m.user.handle, m.role, m.restricted])).toEqual([['founder', 'OWNER', false]]);
    expect(stored?.members[0].id).toBe(localId(organization.viewerMembership!.id));
  });

  it('accepts a name of exactly 80 characters, counting an emoji as one', async () => {
    const name = `${'x'.repeat(79)}🥐`;
    const { organizationCreate } = await t.as('founder').request(OrganizationCreateDocument, { input: { name } });
    expect(organizationCreate.organization?.name).toBe(name);
  });

  it.each([
    ['a blank name', ' \t ', 'REQUIRED'],
    ['an empty name', '', 'REQUIRED'],
    ['a name over 80 characters', 'x'.repeat(81), 'TOO_LONG'],
  ])('refuses %s', async (_name, name, code) => {
    const { data } = await expectNothingChanged(t, () => t.as('founder').raw(OrganizationCreateDocument, { input: { name } }));
    expectUserErrors(data?.organizationCreate, [code, ['input', 'name']]);
    expect(data?.organizationCreate.organization).toBeNull();
  });

  it('refuses an anonymous caller', async () => {
    expectTopLevelError(await expectNothingChanged(t, () => t.anonymous().raw(OrganizationCreateDocument, { input: { name: 'Ghost' } })), 'UNAUTHENTICATED');
  });
});

describe('organizationUpdate', () => {
  it('renames the organization and leaves it alone when the name is omitted', async () => {
    const org = await createTeam(t, { owner: 'renamer', accounts: [] });
    const renamed = await t.as('renamer').request(OrganizationUpdateDocument, { id: org.organizationId, input: { name: ' New name ' } });
    expect(renamed.organizationUpdate).toEqual({ organization: { id: org.organizationId, name: 'New name' }, userErrors: [] });
    const untouched = await t.as('renamer').request(OrganizationUpdateDocument, { id: org.organizationId, input: {} });
    expect(untouched.organizationUpdate.organization?.name).toBe('New name');
    expect((await t.db.organization.findUnique({ where: { id: localId(org.organizationId) } }))?.name).toBe('New name');
  });

  it.each([
    ['a null name', null, 'REQUIRED'],
    ['a blank name', '   ', 'REQUIRED'],
    ['a name over 80 characters', 'y'.repeat(81), 'TOO_LONG'],
  ])('refuses %s', async (_name, name, code) => {
    const { data } = await expectNothingChanged(t, () => t.as('olga').raw(OrganizationUpdateDocument, { id: acme.organizationId, input: { name } }));
    expectUserErrors(data?.organizationUpdate, [code, ['input', 'name']]);
  });
});

describe('viewer', () => {
  it('names the user, their platform roles and one membership per organization', async () => {
    const other = await createTeam(t, { owner: 'zoe', accounts: [], members: { adam: 'ANALYST' } });
    const { viewer } = await t.as('adam', ['reviewer']).request(ViewerDocument);
    expect(viewer).toMatchObject({ handle: 'adam', roles: ['REVIEWER'], user: { handle: 'adam' } });
    expect(viewer.user.id).toBe(encodeGlobalID('User', (await t.db.user.findUnique({ where: { subject: 'test|adam' } }))!.id));
    expect(viewer.memberships).toEqual([
      { id: acme.memberIds.adam, role: 'ADMIN', organization: { id: acme.organizationId, name: 'Acme' } },
      { id: other.memberIds.adam, role: 'ANALYST', organization: { id: other.organizationId, name: "zoe's company" } },
    ]);
  });

  it('lists no memberships for a user outside every organization', async () => {
    const { viewer } = await t.as('loner').request(ViewerDocument);
    expect(viewer.memberships).toEqual([]);
  });
});

describe('reading an organization', () => {
  it.each(['olga', 'adam', 'agnes', 'anna'])('%s, a member, reads it with its members and accounts', async (handle) => {
    const { node } = await t.as(handle).request(OrganizationTeamDocument, { id: acme.organizationId });
    if (!node || !('members' in node)) throw new Error('expected an Organization');
    expect(node.name).toBe('Acme');
    expect(node.viewerMembership).toEqual({ id: acme.memberIds[handle], role: { olga: 'OWNER', adam: 'ADMIN', agnes: 'AGENT', anna: 'ANALYST' }[handle] });
    // members in the order they joined, with the accounts they are limited to (none here)
    expect(node.members.edges.map((e) => [e.node.user.handle, e.node.role, e.node.accounts])).toEqual([
      ['olga', 'OWNER', null],
      ['adam', 'ADMIN', null],
      ['agnes', 'AGENT', null],
      ['anna', 'ANALYST', null],
    ]);
    expect(node.accounts.edges.map((e) => e.node.handle)).toEqual(['acme_fr', 'acme_de', 'acme_it']);
    const member = await t.as(handle).request(MemberNodeDocument, { id: acme.memberIds.agnes });
    expect(member.node).toMatchObject({ role: 'AGENT', user: { handle: 'agnes' } });
  });

  it.each([
    ['a signed-in outsider', () => t.as('loner'), 'FORBIDDEN'],
    ['a platform admin who is not a member', () => t.as('root', ['admin']), 'FORBIDDEN'],
    ['an anonymous visitor', () => t.anonymous(), 'UNAUTHENTICATED'],
  ])('%s cannot read it or its members', async (_name, api, code) => {
    for (const [document, id] of [[OrganizationTeamDocument, acme.organizationId], [MemberNodeDocument, acme.memberIds.agnes]] as const) {
      const response = await api().raw(document, { id });
      expect(new Set(response.errors?.map((e) => e.extensions?.code))).toEqual(new Set([code]));
      expect(response.data?.node ?? null).toBeNull();
    }
  });

  it('pages through members and accounts', async () => {
    const page = `query ($id: ID!, $after: String) { node(id: $id) { ... on Organization {
      members(first: 3, after: $after) { edges { node { user { handle } } } pageInfo { hasNextPage endCursor } }
      accounts(first: 2) { edges { node { handle } } pageInfo { hasNextPage endCursor } } } } }`;
    const first = await t.as('anna').request(page, { id: acme.organizationId });
    expect(first.node.members.edges.map((e: { node: { user: { handle: string } } }) => e.node.user.handle)).toEqual(['olga', 'adam', 'agnes']);
    expect(first.node.members.pageInfo.hasNextPage).toBe(true);
    expect(first.node.accounts.edges.map((e: { node: { handle: string } }) => e.node.handle)).toEqual(['acme_fr', 'acme_de']);
    expect(first.node.accounts.pageInfo.hasNextPage).toBe(true);
    const second = await t.as('anna').request(page, { id: acme.organizationId, after: first.node.members.pageInfo.endCursor });
    expect(second.node.members.edges.map((e: { node: { user: { handle: string } } }) => e.node.user.handle)).toEqual(['anna']);
    expect(second.node.members.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a page of more than 100 before running anything', async () => {
    const response = await t.as('olga').raw(`query ($id: ID!) { node(id: $id) { ... on Organization { members(first: 101) { edges { node { id } } } } } }`, { id: acme.organizationId });
    expect(response.errors?.[0].extensions?.code).toBe('PAGE_SIZE_EXCEEDED');
    expect(response.data ?? null).toBeNull();
  });
});

describe('reading users', () => {
  it('loads a user by id for that user only; others meet users through conversations, leads and teams', async () => {
    const { viewer } = await t.as('agnes').request(ViewerDocument);
    const query = `query ($id: ID!) { node(id: $id) { ... on User { handle } } }`;
    expect((await t.as('agnes').request(query, { id: viewer.user.id })).node).toEqual({ handle: 'agnes' });
    const other = await t.as('loner').raw(query, { id: viewer.user.id });
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(other.data?.node ?? null).toBeNull();
    const anonymous = await t.anonymous().raw(query, { id: viewer.user.id });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.node ?? null).toBeNull();
  });
});
