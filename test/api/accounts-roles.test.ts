// Who may do what in an organization: every accounts mutation against every kind of caller
// (each organization role, a signed-in outsider, the owner of another organization, a
// platform admin, an anonymous visitor). Allowed calls run on a fresh team and must store
// their effect; refused ones run on one shared team and must leave every table as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../../src/generated/prisma/enums.ts';
import {
  BusinessAccountCreateDocument,
  BusinessAccountPlatformUpdateDocument,
  BusinessAccountUpdateDocument,
  MemberAddDocument,
  MemberRemoveDocument,
  MemberUpdateDocument,
  OrganizationTransferOwnershipDocument,
  OrganizationUpdateDocument,
} from '../generated/graphql.ts';
import { startApp, type TestApp } from '../support/app.ts';
import type { Api, GraphQLResponse } from '../support/client.ts';
import { createTeam, expectNothingChanged, expectTopLevelError, expectUserErrors, localId, signIn } from '../support/fixtures.ts';

let t: TestApp;

const callers = ['OWNER', 'ADMIN', 'AGENT', 'ANALYST', 'OUTSIDER', 'FOREIGN_OWNER', 'PLATFORM_ADMIN', 'ANONYMOUS'] as const;
type Caller = (typeof callers)[number];
type Outcome = 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED' | readonly [code: string, field: readonly string[]];

const NEWCOMER = 'newcomer';
const FOREIGN_OWNER = 'foreign_owner';

let teams = 0;
/** An organization with one member of each role, plus a second admin and agent for actions to aim at. */
async function roleTeam() {
  const p = `r${++teams}`;
  const handles = { OWNER: `${p}_owner`, ADMIN: `${p}_admin`, AGENT: `${p}_agent`, ANALYST: `${p}_analyst`, admin2: `${p}_admin2`, agent2: `${p}_agent2` };
  const team = await createTeam(t, {
    owner: handles.OWNER,
    accounts: [`${p}_shop`],
    members: { [handles.ADMIN]: 'ADMIN', [handles.AGENT]: 'AGENT', [handles.ANALYST]: 'ANALYST', [handles.admin2]: 'ADMIN', [handles.agent2]: 'AGENT' },
  });
  const member = (who: keyof typeof handles) => team.memberIds[handles[who]];
  return { ...team, prefix: p, handles, member, shopId: team.accountIds[`${p}_shop`] };
}
type RoleTeam = Awaited<ReturnType<typeof roleTeam>>;

function caller(who: Caller, team: RoleTeam): Api {
  switch (who) {
    case 'OUTSIDER':
      return t.as('outsider');
    case 'FOREIGN_OWNER':
      return t.as(FOREIGN_OWNER);
    case 'PLATFORM_ADMIN':
      return t.as('platform_admin', ['admin']);
    case 'ANONYMOUS':
      return t.anonymous();
    default:
      return t.as(team.handles[who]);
  }
}

async function roleOf(team: RoleTeam, who: keyof RoleTeam['handles']): Promise<MemberRole | undefined> {
  const row = await t.db.membership.findUnique({ where: { id: localId(team.member(who)) } });
  return row?.role;
}

async function roleOfNewcomer(team: RoleTeam): Promise<MemberRole | undefined> {
  const row = await t.db.membership.findFirst({ where: { organizationId: localId(team.organizationId), user: { handle: NEWCOMER } } });
  return row?.role;
}

interface Action {
  name: string;
  /** the mutation field whose payload the response carries */
  field: string;
  run(api: Api, team: RoleTeam): Promise<GraphQLResponse<Record<string, unknown>>>;
  /** outcomes of the members; everyone else is FORBIDDEN (UNAUTHENTICATED when anonymous) */
  outcomes: Partial<Record<Caller, Outcome>>;
  /** asserts what an allowed call stored */
  stored(team: RoleTeam): Promise<void>;
}

const managersOnly = { OWNER: 'ok', ADMIN: 'ok' } as const;

const actions: Action[] = [
  {
    name: 'organizationUpdate (rename)',
    field: 'organizationUpdate',
    run: (api, team) => api.raw(OrganizationUpdateDocument, { id: team.organizationId, input: { name: 'Renamed' } }),
    outcomes: managersOnly,
    stored: async (team) => expect((await t.db.organization.findUnique({ where: { id: localId(team.organizationId) } }))?.name).toBe('Renamed'),
  },
  {
    name: 'businessAccountCreate',
    field: 'businessAccountCreate',
    run: (api, team) => api.raw(BusinessAccountCreateDocument, { organizationId: team.organizationId, input: { handle: `${team.prefix}_new`, displayName: 'New', region: 'DE', category: 'Cafe' } }),
    outcomes: managersOnly,
    stored: async (team) => {
      const account = await t.db.businessAccount.findUnique({ where: { handle: `${team.prefix}_new` } });
      expect(account?.organizationId).toBe(localId(team.organizationId));
    },
  },
  {
    name: 'businessAccountUpdate',
    field: 'businessAccountUpdate',
    run: (api, team) => api.raw(BusinessAccountUpdateDocument, { id: team.shopId, input: { displayName: 'Changed' } }),
    outcomes: managersOnly,
    stored: async (team) => expect((await t.db.businessAccount.findUnique({ where: { id: localId(team.shopId) } }))?.displayName).toBe('Changed'),
  },
  {
    name: 'businessAccountPlatformUpdate',
    field: 'businessAccountPlatformUpdate',
    run: (api, team) => api.raw(BusinessAccountPlatformUpdateDocument, { id: team.shopId, input: { followerCount: 1234, ownerAge: 30, seriousViolations: 1 } }),
    outcomes: { PLATFORM_ADMIN: 'ok' },
    stored: async (team) =>
      expect(await t.db.businessAccount.findUnique({ where: { id: localId(team.shopId) } })).toMatchObject({ followerCount: 1234, ownerAge: 30, seriousViolations: 1 }),
  },
  ...(
    [
      ['AGENT', managersOnly],
      ['ANALYST', managersOnly],
      ['ADMIN', { OWNER: 'ok', ADMIN: ['ROLE_NOT_ALLOWED', ['input', 'role']] }],
      ['OWNER', { OWNER: ['OWNER_ROLE_RESERVED', ['input', 'role']], ADMIN: ['OWNER_ROLE_RESERVED', ['input', 'role']] }],
    ] as const
  ).map(([role, outcomes]): Action => ({
    name: `memberAdd with role ${role}`,
    field: 'memberAdd',
    run: (api, team) => api.raw(MemberAddDocument, { organizationId: team.organizationId, input: { handle: NEWCOMER, role } }),
    outcomes,
    stored: async (team) => expect(await roleOfNewcomer(team)).toBe(role),
  })),
  {
    name: 'memberUpdate an agent to analyst',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('agent2'), input: { role: 'ANALYST' } }),
    outcomes: managersOnly,
    stored: async (team) => expect(await roleOf(team, 'agent2')).toBe('ANALYST'),
  },
  {
    name: 'memberUpdate an agent to admin',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('agent2'), input: { role: 'ADMIN' } }),
    outcomes: { OWNER: 'ok', ADMIN: ['ROLE_NOT_ALLOWED', ['input', 'role']] },
    stored: async (team) => expect(await roleOf(team, 'agent2')).toBe('ADMIN'),
  },
  {
    name: 'memberUpdate an admin to agent',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('admin2'), input: { role: 'AGENT' } }),
    outcomes: { OWNER: 'ok', ADMIN: ['ROLE_NOT_ALLOWED', ['id']] },
    stored: async (team) => expect(await roleOf(team, 'admin2')).toBe('AGENT'),
  },
  {
    name: 'memberUpdate the accounts of an admin',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('admin2'), input: { accountIds: [team.shopId] } }),
    outcomes: { OWNER: 'ok', ADMIN: ['ROLE_NOT_ALLOWED', ['id']] },
    stored: async (team) => {
      const row = await t.db.membership.findUnique({ where: { id: localId(team.member('admin2')) }, include: { accounts: true } });
      expect(row).toMatchObject({ role: 'ADMIN', restricted: true, accounts: [{ accountId: localId(team.shopId) }] });
    },
  },
  {
    name: 'memberUpdate an agent to owner',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('agent2'), input: { role: 'OWNER' } }),
    outcomes: { OWNER: ['OWNER_ROLE_RESERVED', ['input', 'role']], ADMIN: ['OWNER_ROLE_RESERVED', ['input', 'role']] },
    stored: async () => {},
  },
  {
    name: 'memberUpdate the owner to admin',
    field: 'memberUpdate',
    run: (api, team) => api.raw(MemberUpdateDocument, { id: team.member('OWNER'), input: { role: 'ADMIN' } }),
    outcomes: { OWNER: ['OWNER_ROLE_RESERVED', ['input', 'role']], ADMIN: ['OWNER_ROLE_RESERVED', ['input', 'role']] },
    stored: async () => {},
  },
  {
    name: 'memberRemove an agent',
    field: 'memberRemove',
    run: (api, team) => api.raw(MemberRemoveDocument, { id: team.member('agent2') }),
    outcomes: managersOnly,
    stored: async (team) => expect(await roleOf(team, 'agent2')).toBeUndefined(),
  },
  {
    name: 'memberRemove an admin',
    field: 'memberRemove',
    run: (api, team) => api.raw(MemberRemoveDocument, { id: team.member('admin2') }),
    outcomes: { OWNER: 'ok', ADMIN: ['ROLE_NOT_ALLOWED', ['id']] },
    stored: async (team) => expect(await roleOf(team, 'admin2')).toBeUndefined(),
  },
  {
    name: 'memberRemove the owner',
    field: 'memberRemove',
    run: (api, team) => api.raw(MemberRemoveDocument, { id: team.member('OWNER') }),
    outcomes: { OWNER: ['OWNER_CANNOT_LEAVE', ['id']], ADMIN: ['OWNER_CANNOT_LEAVE', ['id']] },
    stored: async () => {},
  },
  {
    name: 'organizationTransferOwnership',
    field: 'organizationTransferOwnership',
    run: (api, team) => api.raw(OrganizationTransferOwnershipDocument, { organizationId: team.organizationId, memberId: team.member('admin2') }),
    outcomes: { OWNER: 'ok' },
    stored: async (team) => {
      expect([await roleOf(team, 'OWNER'), await roleOf(team, 'admin2')]).toEqual(['ADMIN', 'OWNER']);
      expect(await t.db.membership.count({ where: { organizationId: localId(team.organizationId), role: 'OWNER' } })).toBe(1);
    },
  },
];

let shared: RoleTeam;
beforeAll(async () => {
  t = await startApp();
  await signIn(t, NEWCOMER, 'outsider');
  await t.as('platform_admin', ['admin']).request(`{ viewer { handle } }`);
  await createTeam(t, { owner: FOREIGN_OWNER, accounts: ['foreign_shop'] });
  shared = await roleTeam();
});
afterAll(() => t?.close());

describe.each(actions)('$name', (action) => {
  it.each(callers.map((who) => [who, action.outcomes[who] ?? (who === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN')] as const))('%s → %s', async (who, outcome) => {
    if (outcome === 'ok') {
      const team = await roleTeam();
      const response = await action.run(caller(who, team), team);
      expect(response.errors).toBeUndefined();
      expectUserErrors(response.data?.[action.field] as never);
      await action.stored(team);
      return;
    }
    const response = await expectNothingChanged(t, () => action.run(caller(who, shared), shared));
    if (typeof outcome === 'string') {
      expectTopLevelError(response, outcome);
    } else {
      expect(response.errors).toBeUndefined();
      expectUserErrors(response.data?.[action.field] as never, [outcome[0], [...outcome[1]]]);
    }
  });
});

describe('leaving', () => {
  it.each(['ADMIN', 'AGENT', 'ANALYST'] as const)('a member with role %s may remove themselves', async (role) => {
    const team = await roleTeam();
    const api = t.as(team.handles[role]);
    const response = await api.raw(MemberRemoveDocument, { id: team.member(role) });
    expect(response.errors).toBeUndefined();
    // they no longer see the organization they left
    expect(response.data?.memberRemove).toEqual({ removedMemberId: team.member(role), organization: null, userErrors: [] });
    expect(await roleOf(team, role)).toBeUndefined();
    // the rest of the team is untouched
    expect(await t.db.membership.count({ where: { organizationId: localId(team.organizationId) } })).toBe(5);
  });
});
