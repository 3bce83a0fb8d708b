// Members: adding by handle, roles, account restrictions, leaving, ownership transfer and
// organization boundaries, through the API, with what reached the database.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountNodesDocument,
  BusinessAccountCreateDocument,
  OrganizationUpdateDocument,
  BusinessAccountTeamDocument,
  BusinessAccountUpdateDocument,
  MemberAddDocument,
  MemberNodeDocument,
  MemberRemoveDocument,
  MemberUpdateDocument,
  OrganizationTeamDocument,
  OrganizationTransferOwnershipDocument,
  ViewerDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import type { GraphQLResponse } from '../support/client.ts';
import { createTeam, expectNothingChanged, expectTopLevelError, expectUserErrors, localId, signIn, type Team } from '../support/fixtures.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t?.close());

let teams = 0;
/** A fresh organization owned by `<p>_owner` with accounts `<p>_north` and `<p>_south`. */
async function team(members: Record<string, 'ADMIN' | 'AGENT' | 'ANALYST'> = {}, restrictedTo: Record<string, string[]> = {}) {
  const p = `m${++teams}`;
  const prefixed = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [`${p}_${k}`, v]));
  const created: Team = await createTeam(t, {
    owner: `${p}_owner`,
    accounts: [`${p}_north`, `${p}_south`],
    members: prefixed(members),
    restrictedTo: prefixed(Object.fromEntries(Object.entries(restrictedTo).map(([k, accounts]) => [k, accounts.map((a) => `${p}_${a}`)]))),
  });
  return {
    ...created,
    p,
    owner: t.as(`${p}_owner`),
    as: (who: string) => t.as(`${p}_${who}`),
    member: (who: string) => created.memberIds[`${p}_${who}`],
    account: (name: string) => created.accountIds[`${p}_${name}`],
  };
}

const membership = (memberId: string) => t.db.membership.findUnique({ where: { id: localId(memberId) }, include: { accounts: { orderBy: { accountId: 'asc' } } } });
const accountHandles = (edges: { node: { handle: string } }[] | undefined) => edges?.map((e) => e.node.handle);

async function visibleAccounts(api: ReturnType<TestApp['as']>, organizationId: string) {
  const { node } = await api.request(OrganizationTeamDocument, { id: organizationId });
  return node && 'accounts' in node ? accountHandles(node.accounts.edges) : undefined;
}

describe('memberAdd', () => {
  it('adds a signed-in user by handle with the given role, working on every account', async () => {
    const org = await team();
    await signIn(t, 'dana');
    const { memberAdd } = await org.owner.request(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'dana', role: 'AGENT' } });
    expect(memberAdd).toMatchObject({ member: { role: 'AGENT', user: { handle: 'dana' }, accounts: null }, userErrors: [] });
    expect(await membership(memberAdd.member!.id)).toMatchObject({ organizationId: localId(org.organizationId), role: 'AGENT', restricted: false, accounts: [] });
    const { viewer } = await t.as('dana').request(ViewerDocument);
    expect(viewer.memberships).toEqual([{ id: memberAdd.member!.id, role: 'AGENT', organization: { id: org.organizationId, name: `${org.p}_owner's company` } }]);
  });

  it('refuses a handle nobody has signed in with (USER_NOT_FOUND)', async () => {
    const org = await team();
    const { data } = await expectNothingChanged(t, () => org.owner.raw(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'never_seen', role: 'AGENT' } }));
    expectUserErrors(data?.memberAdd, ['USER_NOT_FOUND', ['input', 'handle']]);
    expect(data?.memberAdd.member).toBeNull();
  });

  it('refuses a user who already belongs, the owner included (ALREADY_MEMBER)', async () => {
    const org = await team({ agent: 'AGENT' });
    for (const [handle, role] of [[`${org.p}_agent`, 'ANALYST'], [`${org.p}_owner`, 'ADMIN']] as const) {
      const { data } = await expectNothingChanged(t, () => org.owner.raw(MemberAddDocument, { organizationId: org.organizationId, input: { handle, role } }));
      expectUserErrors(data?.memberAdd, ['ALREADY_MEMBER', ['input', 'handle']]);
    }
    expect((await membership(org.member('agent')))?.role).toBe('AGENT');
  });

  it('adds a user once when the same add arrives twice at the same time', async () => {
    const org = await team();
    await signIn(t, 'twice');
    const add = () => org.owner.request(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'twice', role: 'AGENT' } });
    const results = (await Promise.all([add(), add()])).map((r) => r.memberAdd.userErrors.map((e) => e.code));
    expect(results.sort()).toEqual([[], ['ALREADY_MEMBER']]);
    expect(await t.db.membership.count({ where: { organizationId: localId(org.organizationId), user: { handle: 'twice' } } })).toBe(1);
  });

  it('reports every problem at once', async () => {
    const org = await team();
    const other = await team();
    const input = { handle: 'never_seen', role: 'OWNER' as const, accountIds: [org.account('north'), other.account('north')] };
    const { data } = await expectNothingChanged(t, () => org.owner.raw(MemberAddDocument, { organizationId: org.organizationId, input }));
    expectUserErrors(data?.memberAdd, ['OWNER_ROLE_RESERVED', ['input', 'role']], ['USER_NOT_FOUND', ['input', 'handle']], ['ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', '1']]);
  });

  it('restricts a member to the given accounts (duplicates count once)', async () => {
    const org = await team();
    await signIn(t, 'regional');
    const north = org.account('north');
    const { memberAdd } = await org.owner.request(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'regional', role: 'ADMIN', accountIds: [north, north] } });
    expect(memberAdd.userErrors).toEqual([]);
    expect(memberAdd.member!.accounts).toEqual([{ id: north, handle: `${org.p}_north` }]);
    const stored = await membership(memberAdd.member!.id);
    expect(stored).toMatchObject({ restricted: true, accounts: [{ accountId: localId(north) }] });
  });

  it.each([
    ['an empty list', () => [] as string[], ['INVALID', ['input', 'accountIds']]],
    ['an account of another organization', (foreign: string, own: string) => [own, foreign], ['ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', '1']]],
  ] as const)('refuses %s as the accounts of a member', async (_name, accountIds, expected) => {
    const org = await team();
    const other = await team();
    await signIn(t, 'limited');
    const input = { handle: 'limited', role: 'AGENT' as const, accountIds: accountIds(other.account('north'), org.account('north')) };
    const { data } = await expectNothingChanged(t, () => org.owner.raw(MemberAddDocument, { organizationId: org.organizationId, input }));
    expectUserErrors(data?.memberAdd, [expected[0], [...expected[1]]]);
  });

  it('refuses an id of another type as an account, before anything runs', async () => {
    const org = await team();
    await signIn(t, 'limited');
    const response = await expectNothingChanged(t, () =>
      org.owner.raw(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'limited', role: 'AGENT', accountIds: [org.organizationId] } }),
    );
    expect(response.errors?.length).toBe(1);
    expect(response.data ?? null).toBeNull();
  });
});

describe('memberUpdate', () => {
  it('changes the role and keeps the restriction when accountIds is omitted', async () => {
    const org = await team({ agent: 'AGENT' }, { agent: ['north'] });
    const { memberUpdate } = await org.owner.request(MemberUpdateDocument, { id: org.member('agent'), input: { role: 'ANALYST' } });
    expect(memberUpdate).toMatchObject({ member: { role: 'ANALYST', accounts: [{ handle: `${org.p}_north` }] }, userErrors: [] });
    expect(await membership(org.member('agent'))).toMatchObject({ role: 'ANALYST', restricted: true, accounts: [{ accountId: localId(org.account('north')) }] });
  });

  it('replaces the accounts with a new list, and lifts the restriction with null', async () => {
    const org = await team({ agent: 'AGENT' }, { agent: ['north'] });
    const moved = await org.owner.request(MemberUpdateDocument, { id: org.member('agent'), input: { accountIds: [org.account('south')] } });
    expect(moved.memberUpdate.member?.accounts).toEqual([{ id: org.account('south'), handle: `${org.p}_south` }]);
    expect(await membership(org.member('agent'))).toMatchObject({ role: 'AGENT', restricted: true, accounts: [{ accountId: localId(org.account('south')) }] });

    // listed in the order the accounts were created, whatever the order given
    const both = await org.owner.request(MemberUpdateDocument, { id: org.member('agent'), input: { accountIds: [org.account('south'), org.account('north')] } });
    expect(both.memberUpdate.member?.accounts?.map((a) => a.handle)).toEqual([`${org.p}_north`, `${org.p}_south`]);

    const lifted = await org.owner.request(MemberUpdateDocument, { id: org.member('agent'), input: { accountIds: null } });
    expect(lifted.memberUpdate).toMatchObject({ member: { role: 'AGENT', accounts: null }, userErrors: [] });
    expect(await membership(org.member('agent'))).toMatchObject({ restricted: false, accounts: [] });
  });

  it.each([
    ['restricting the owner', (org: Awaited<ReturnType<typeof team>>) => ({ id: org.member('owner'), input: { accountIds: [org.account('north')] } }), ['INVALID', ['input', 'accountIds']]],
    ['an empty account list', (org: Awaited<ReturnType<typeof team>>) => ({ id: org.member('agent'), input: { accountIds: [] } }), ['INVALID', ['input', 'accountIds']]],
    ['an account of another organization', (org: Awaited<ReturnType<typeof team>>, foreign: string) => ({ id: org.member('agent'), input: { accountIds: [foreign] } }), ['ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', '0']]],
  ] as const)('refuses %s', async (_name, variables, expected) => {
    const org = await team({ agent: 'AGENT' });
    const other = await team();
    const { data } = await expectNothingChanged(t, () => org.owner.raw(MemberUpdateDocument, variables(org, other.account('north'))));
    expectUserErrors(data?.memberUpdate, [expected[0], [...expected[1]]]);
  });

  it('gives FORBIDDEN, not a hint, for a member id that does not exist', async () => {
    const org = await team({ agent: 'AGENT' });
    const missing = encodeGlobalID('Member', '019aa000-0000-7000-8000-000000000000');
    for (const response of [
      await expectNothingChanged(t, () => org.owner.raw(MemberUpdateDocument, { id: missing, input: { role: 'ANALYST' } })),
      await expectNothingChanged(t, () => org.owner.raw(MemberRemoveDocument, { id: missing })),
    ]) {
      expectTopLevelError(response, 'FORBIDDEN');
    }
  });
});

describe('memberRemove', () => {
  it('removes a member (and their account restriction) and returns the organization to the manager', async () => {
    const org = await team({ admin: 'ADMIN', agent: 'AGENT' }, { agent: ['north'] });
    const { memberRemove } = await org.as('admin').request(MemberRemoveDocument, { id: org.member('agent') });
    expect(memberRemove).toEqual({ removedMemberId: org.member('agent'), organization: { id: org.organizationId }, userErrors: [] });
    expect(await membership(org.member('agent'))).toBeNull();
    expect(await t.db.membershipAccount.count({ where: { membershipId: localId(org.member('agent')) } })).toBe(0);
    // the removed user no longer reaches the organization
    expectTopLevelError(await org.as('agent').raw(BusinessAccountUpdateDocument, { id: org.account('north'), input: { displayName: 'x' } }), 'FORBIDDEN');
  });
});

describe('restricted members', () => {
  it('see and act on only their accounts', async () => {
    const org = await team({ agent: 'AGENT', admin: 'ADMIN', everywhere: 'AGENT' }, { agent: ['north'], admin: ['north'] });
    expect(await visibleAccounts(org.as('agent'), org.organizationId)).toEqual([`${org.p}_north`]);
    expect(await visibleAccounts(org.as('admin'), org.organizationId)).toEqual([`${org.p}_north`]);
    expect(await visibleAccounts(org.as('everywhere'), org.organizationId)).toEqual([`${org.p}_north`, `${org.p}_south`]);
    expect(await visibleAccounts(org.owner, org.organizationId)).toEqual([`${org.p}_north`, `${org.p}_south`]);

    // team-only fields of the other account are refused; of their own, shown
    const south = await org.as('agent').raw(BusinessAccountTeamDocument, { handle: `${org.p}_south` });
    expect(south.errors?.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining(['FORBIDDEN']));
    expect(south.data?.businessAccount ?? null).toBeNull();
    const north = await org.as('agent').request(BusinessAccountTeamDocument, { handle: `${org.p}_north` });
    expect(north.businessAccount).toMatchObject({ handle: `${org.p}_north`, seriousViolations: 0, organization: { id: org.organizationId } });

    // the restricted admin manages their account only
    expectTopLevelError(await expectNothingChanged(t, () => org.as('admin').raw(BusinessAccountUpdateDocument, { id: org.account('south'), input: { displayName: 'Taken over' } })), 'FORBIDDEN');
    const own = await org.as('admin').request(BusinessAccountUpdateDocument, { id: org.account('north'), input: { displayName: 'North shop' } });
    expect(own.businessAccountUpdate.account?.displayName).toBe('North shop');
  });

  it('see every account once the restriction is lifted', async () => {
    const org = await team({ agent: 'AGENT' }, { agent: ['north'] });
    await org.owner.request(MemberUpdateDocument, { id: org.member('agent'), input: { accountIds: null } });
    expect(await visibleAccounts(org.as('agent'), org.organizationId)).toEqual([`${org.p}_north`, `${org.p}_south`]);
  });

  describe('a restricted admin cannot reach beyond their accounts', () => {
    let org: Awaited<ReturnType<typeof team>>;
    beforeAll(async () => {
      org = await team({ admin: 'ADMIN', local: 'AGENT', everywhere: 'AGENT', southern: 'ANALYST' }, { admin: ['north'], local: ['north'], southern: ['south'] });
      await signIn(t, 'recruit');
    });

    it.each<[string, () => Promise<GraphQLResponse<unknown>>]>([
      ['adding a member to every account', () => org.as('admin').raw(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'recruit', role: 'AGENT' } })],
      ['adding a member to another account', () => org.as('admin').raw(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'recruit', role: 'AGENT', accountIds: [org.account('south')] } })],
      ['lifting a local member’s restriction', () => org.as('admin').raw(MemberUpdateDocument, { id: org.member('local'), input: { accountIds: null } })],
      ['giving a local member another account', () => org.as('admin').raw(MemberUpdateDocument, { id: org.member('local'), input: { accountIds: [org.account('north'), org.account('south')] } })],
      ['changing a member who works on every account', () => org.as('admin').raw(MemberUpdateDocument, { id: org.member('everywhere'), input: { role: 'ANALYST' } })],
      ['changing a member of another account', () => org.as('admin').raw(MemberUpdateDocument, { id: org.member('southern'), input: { role: 'AGENT' } })],
      ['removing a member who works on every account', () => org.as('admin').raw(MemberRemoveDocument, { id: org.member('everywhere') })],
      ['creating a business account', () => org.as('admin').raw(BusinessAccountCreateDocument, { organizationId: org.organizationId, input: { handle: `${org.p}_east`, displayName: 'East', region: 'FR', category: 'Retail' } })],
      ['renaming the organization', () => org.as('admin').raw(OrganizationUpdateDocument, { id: org.organizationId, input: { name: 'Renamed' } })],
    ])('%s is FORBIDDEN', async (_name, run) => {
      expectTopLevelError(await expectNothingChanged(t, run), 'FORBIDDEN');
    });

    it('manages members within their accounts', async () => {
      const added = await org.as('admin').request(MemberAddDocument, { organizationId: org.organizationId, input: { handle: 'recruit', role: 'ANALYST', accountIds: [org.account('north')] } });
      expect(added.memberAdd).toMatchObject({ member: { role: 'ANALYST', accounts: [{ handle: `${org.p}_north` }] }, userErrors: [] });
      const changed = await org.as('admin').request(MemberUpdateDocument, { id: org.member('local'), input: { role: 'ANALYST' } });
      expect(changed.memberUpdate.userErrors).toEqual([]);
      expect((await membership(org.member('local')))?.role).toBe('ANALYST');
      const removed = await org.as('admin').request(MemberRemoveDocument, { id: added.memberAdd.member!.id });
      expect(removed.memberRemove.userErrors).toEqual([]);
      expect(await membership(added.memberAdd.member!.id)).toBeNull();
    });
  });
});

describe('organizationTransferOwnership', () => {
  it('makes the member the one owner and the old owner an admin, lifting any restriction', async () => {
    const org = await team({ heir: 'ANALYST' }, { heir: ['south'] });
    const { organizationTransferOwnership: payload } = await org.owner.request(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member('heir') });
    expect(payload.userErrors).toEqual([]);
    expect(payload.owner).toMatchObject({ id: org.member('heir'), role: 'OWNER', accounts: null });
    expect(payload.organization?.viewerMembership).toEqual({ id: org.member('owner'), role: 'ADMIN' });
    expect(await membership(org.member('heir'))).toMatchObject({ role: 'OWNER', restricted: false, accounts: [] });
    expect(await membership(org.member('owner'))).toMatchObject({ role: 'ADMIN', restricted: false });
    expect(await t.db.membership.count({ where: { organizationId: localId(org.organizationId), role: 'OWNER' } })).toBe(1);
    expect(await visibleAccounts(org.as('heir'), org.organizationId)).toEqual([`${org.p}_north`, `${org.p}_south`]);
  });

  it('hands over the owner’s powers: the new owner manages admins, the old one no longer does', async () => {
    const org = await team({ heir: 'ADMIN', other: 'ADMIN' });
    await org.owner.request(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member('heir') });

    expectTopLevelError(await expectNothingChanged(t, () => org.owner.raw(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member('other') })), 'FORBIDDEN');
    const demoting = await expectNothingChanged(t, () => org.owner.raw(MemberUpdateDocument, { id: org.member('other'), input: { role: 'AGENT' } }));
    expectUserErrors(demoting.data?.memberUpdate, ['ROLE_NOT_ALLOWED', ['id']]);
    const leavingHeir = await expectNothingChanged(t, () => org.as('heir').raw(MemberRemoveDocument, { id: org.member('heir') }));
    expectUserErrors(leavingHeir.data?.memberRemove, ['OWNER_CANNOT_LEAVE', ['id']]);

    const demoted = await org.as('heir').request(MemberUpdateDocument, { id: org.member('other'), input: { role: 'AGENT' } });
    expect(demoted.memberUpdate.member?.role).toBe('AGENT');
    // the former owner is an ordinary admin now: they may leave
    const left = await org.owner.request(MemberRemoveDocument, { id: org.member('owner') });
    expect(left.memberRemove.userErrors).toEqual([]);
    expect(await membership(org.member('owner'))).toBeNull();
  });

  it.each([
    ['to the owner themselves', 'INVALID'],
    ['to a member of another organization', 'NOT_FOUND'],
  ] as const)('refuses a transfer %s', async (name, code) => {
    const org = await team();
    const other = await team({ agent: 'AGENT' });
    const memberId = name.includes('another') ? other.member('agent') : org.member('owner');
    const { data } = await expectNothingChanged(t, () => org.owner.raw(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId }));
    expectUserErrors(data?.organizationTransferOwnership, [code, ['memberId']]);
  });

  it('leaves exactly one owner when two transfers race', async () => {
    const org = await team({ first: 'ADMIN', second: 'AGENT' });
    const transfer = (to: string) => org.owner.raw(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member(to) });
    const responses = await Promise.all([transfer('first'), transfer('second')]);
    const succeeded = responses.filter((r) => !r.errors && r.data?.organizationTransferOwnership.userErrors.length === 0);
    expect(succeeded).toHaveLength(1);
    const loser = responses.find((r) => r !== succeeded[0])!;
    // refused either by the scope (the first transfer already committed) or by the compare-and-set
    expect(loser.errors?.[0].extensions?.code ?? loser.data?.organizationTransferOwnership.userErrors[0]?.code).toMatch(/^(FORBIDDEN|ROLE_NOT_ALLOWED)$/);
    const owners = await t.db.membership.findMany({ where: { organizationId: localId(org.organizationId), role: 'OWNER' } });
    expect(owners.map((o) => o.id)).toEqual([localId(succeeded[0].data!.organizationTransferOwnership.owner!.id)]);
    expect((await membership(org.member('owner')))?.role).toBe('ADMIN');
  });
});

describe('concurrent changes keep exactly one owner', () => {
  const owners = (org: { organizationId: string }) => t.db.membership.count({ where: { organizationId: localId(org.organizationId), role: 'OWNER' } });
  const codeOf = (response: { errors?: { extensions?: { code?: string } }[]; data?: Record<string, { userErrors: { code: string }[] }> | null }) =>
    response.errors?.[0]?.extensions?.code ?? Object.values(response.data ?? {})[0]?.userErrors[0]?.code ?? 'ok';

  it('a transfer racing the heir’s removal: one wins, the other is refused', async () => {
    for (let round = 0; round < 8; round++) {
      const org = await team({ admin: 'ADMIN', heir: 'AGENT' });
      const [transfer, removal] = await Promise.all([
        org.owner.raw(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member('heir') }),
        org.as('admin').raw(MemberRemoveDocument, { id: org.member('heir') }),
      ]);
      expect(await owners(org)).toBe(1);
      const heir = await membership(org.member('heir'));
      // either the transfer came first (the new owner cannot be removed) or the removal did
      expect([codeOf(transfer), codeOf(removal), heir?.role ?? null]).toSatisfy(
        ([transferred, removed, role]) => (transferred === 'ok' && removed === 'OWNER_CANNOT_LEAVE' && role === 'OWNER') || (removed === 'ok' && transferred === 'NOT_FOUND' && role === null),
      );
    }
  });

  it('a transfer racing a role change of the heir: one wins, the other is refused', async () => {
    for (let round = 0; round < 8; round++) {
      const org = await team({ admin: 'ADMIN', heir: 'AGENT' });
      const [transfer, change] = await Promise.all([
        org.owner.raw(OrganizationTransferOwnershipDocument, { organizationId: org.organizationId, memberId: org.member('heir') }),
        org.as('admin').raw(MemberUpdateDocument, { id: org.member('heir'), input: { role: 'ANALYST' } }),
      ]);
      expect(await owners(org)).toBe(1);
      const heir = await membership(org.member('heir'));
      expect([codeOf(transfer), codeOf(change), heir?.role]).toSatisfy(
        ([transferred, changed, role]) =>
          (transferred === 'ok' && /^(ROLE_NOT_ALLOWED|OWNER_ROLE_RESERVED|FORBIDDEN)$/.test(String(changed)) && role === 'OWNER') || (changed === 'ok' && transferred === 'ok' && role === 'OWNER'),
      );
    }
  });
});

describe('organization boundaries', () => {
  it('a member of one organization cannot read another’s organization or members', async () => {
    const mine = await team({ analyst: 'ANALYST' });
    const theirs = await team({ agent: 'AGENT' });
    for (const api of [mine.owner, mine.as('analyst')]) {
      for (const [document, id] of [[OrganizationTeamDocument, theirs.organizationId], [MemberNodeDocument, theirs.member('agent')]] as const) {
        const response = await api.raw(document, { id });
        expect(new Set(response.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['FORBIDDEN']));
        expect(response.data?.node ?? null).toBeNull();
      }
      const both = await api.raw(AccountNodesDocument, { ids: [mine.organizationId, theirs.organizationId, theirs.member('agent')] });
      expect(both.data?.nodes).toEqual([{ id: mine.organizationId, name: `${mine.p}_owner's company` }, null, null]);
      expect(both.errors?.map((e) => [e.extensions?.code, e.path?.[1]])).toEqual([['FORBIDDEN', 1], ['FORBIDDEN', 2]]);
      const own = await api.request(MemberNodeDocument, { id: mine.member('analyst') });
      expect(own.node).toMatchObject({ id: mine.member('analyst'), role: 'ANALYST', organization: { id: mine.organizationId } });
    }
    const anonymous = await t.anonymous().raw(OrganizationTeamDocument, { id: theirs.organizationId });
    expect(new Set(anonymous.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['UNAUTHENTICATED']));
    expect(anonymous.data?.node ?? null).toBeNull();
  });
});
