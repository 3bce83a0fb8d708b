// Organization membership, loaded once per operation: which organizations and accounts the
// viewer may act on, with which role. The scope-auth scopes in builder.ts call these.
import DataLoader from 'dataloader';
import { Prisma } from '../generated/prisma/client.ts';
import type { MemberRole } from '../generated/prisma/enums.ts';
import type { IntegrationViewer, Viewer } from './auth.ts';
import type { Db } from './db.ts';

export const allRoles: readonly MemberRole[] = ['OWNER', 'ADMIN', 'AGENT', 'ANALYST'];
/** manage the organization, its accounts and their pages */
export const managerRoles: readonly MemberRole[] = ['OWNER', 'ADMIN'];
/** act on conversations and leads (analysts only read) */
export const operatorRoles: readonly MemberRole[] = ['OWNER', 'ADMIN', 'AGENT'];

export interface MembershipView {
  id: string;
  role: MemberRole;
  restricted: boolean;
  accountIds: ReadonlySet<string>;
}

export interface Access {
  membership(organizationId: string): Promise<MembershipView | null>;
  /** the organization an account belongs to, or null when it does not exist */
  organizationOfAccount(accountId: string): Promise<string | null>;
  hasOrganizationRole(organizationId: string, roles: readonly MemberRole[]): Promise<boolean>;
  /** the role, and a membership not limited to some accounts (organization-wide actions) */
  hasOrganizationWideRole(organizationId: string, roles: readonly MemberRole[]): Promise<boolean>;
  /** role in the account's organization and, for restricted members, access to that account */
  hasAccountRole(accountId: string, roles: readonly MemberRole[]): Promise<boolean>;
  /**
   * true once hasAccountRole answered yes for this account and these roles in this operation,
   * else undefined: per-row checks of a page the parent field authorized cost no promise
   */
  knownAccountRole(accountId: string, roles: readonly MemberRole[]): true | undefined;
  /**
   * Takes the answer of accountAccessSql (read by the caller inside a statement of its own),
   * so that checks on that account run no statement: null when the account does not exist
   */
  primeAccount(accountId: string, row: AccountAccessRow | null): void;
}

/** The columns of accountAccessSql: the account's organization and the viewer's membership in it. */
export type AccountAccessRow = MembershipRow;

/**
 * The account's organization and the viewer's membership in it (with the accounts a restricted
 * membership may work on), as a subquery a caller may join its own statement to.
 */
export const accountAccessSql = (userId: string, accountIds: string[]) => Prisma.sql`
      SELECT a.id::text AS "accountId", a."organizationId"::text AS "organizationId", m.id::text AS "membershipId", m.role::text AS role, m.restricted,
             ARRAY(SELECT ma."accountId"::text FROM "MembershipAccount" ma WHERE ma."membershipId" = m.id) AS "accountIds"
      FROM "BusinessAccount" a
      LEFT JOIN "Membership" m ON m."organizationId" = a."organizationId" AND m."userId" = ${userId}::uuid
      WHERE a.id = ANY(${accountIds}::uuid[])`;

/** The per-operation memory of knownAccountRole. */
function accountRoleMemo() {
  // account → the role lists granted on it; asked once per field of a page's rows, so no key
  // strings are built: role lists are the scope declarations' constants, compared by content
  const granted = new Map<string, (readonly MemberRole[])[]>();
  const sameRoles = (a: readonly MemberRole[], b: readonly MemberRole[]) => a === b || (a.length === b.length && a.every((role, i) => role === b[i]));
  return {
    remember(accountId: string, roles: readonly MemberRole[], allowed: boolean) {
      if (allowed) granted.set(accountId, [...(granted.get(accountId) ?? []), roles]);
      return allowed;
    },
    known: (accountId: string, roles: readonly MemberRole[]) => (granted.get(accountId)?.some((known) => sameRoles(known, roles)) ? (true as const) : undefined),
  };
}

const NO_USER = '00000000-0000-0000-0000-000000000000';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface MembershipRow {
  organizationId: string;
  membershipId: string | null;
  role: MemberRole | null;
  restricted: boolean | null;
  accountIds: string[];
}

const membershipView = (row: MembershipRow): MembershipView | null =>
  row.membershipId ? { id: row.membershipId, role: row.role!, restricted: row.restricted!, accountIds: new Set(row.accountIds) } : null;

/**
 * Per operation: each answer is read once and cached for the operation only, so a member
 * removed between two requests has lost access at the next one. One SQL statement per batch
 * (the membership with its accounts; by account: the account's organization too), not the
 * three separate reads an ORM makes of account, membership and membership accounts.
 */
export function createAccess(db: Db, viewer: Viewer | null): Access {
  const userId = viewer?.userId ?? NO_USER;
  const memberships = new DataLoader<string, MembershipView | null>(async (organizationIds) => {
    const ids = organizationIds.filter((id) => uuidPattern.test(id));
    const rows = !viewer || ids.length === 0 ? [] : await db.$queryRaw<MembershipRow[]>`
      SELECT m."organizationId"::text AS "organizationId", m.id::text AS "membershipId", m.role::text AS role, m.restricted,
             ARRAY(SELECT ma."accountId"::text FROM "MembershipAccount" ma WHERE ma."membershipId" = m.id) AS "accountIds"
      FROM "Membership" m
      WHERE m."userId" = ${userId}::uuid AND m."organizationId" = ANY(${ids}::uuid[])`;
    const byOrg = new Map(rows.map((row) => [row.organizationId, membershipView(row)]));
    return organizationIds.map((id) => byOrg.get(id) ?? null);
  });
  // the account's organization and the viewer's membership in it, in one statement
  const accountOrganizations = new DataLoader<string, string | null>(async (accountIds) => {
    const ids = accountIds.filter((id) => uuidPattern.test(id));
    const rows = ids.length === 0 ? [] : await db.$queryRaw<(MembershipRow & { accountId: string })[]>(accountAccessSql(userId, ids));
    const byId = new Map(rows.map((row) => [row.accountId, row.organizationId]));
    for (const row of rows) memberships.prime(row.organizationId, viewer ? membershipView(row) : null);
    return accountIds.map((id) => byId.get(id) ?? null);
  });
  const memo = accountRoleMemo();

  const access: Access = {
    membership: (organizationId) => memberships.load(organizationId),
    organizationOfAccount: (accountId) => accountOrganizations.load(accountId),
    async hasOrganizationRole(organizationId, roles) {
      const membership = await access.membership(organizationId);
      return membership !== null && roles.includes(membership.role);
    },
    async hasOrganizationWideRole(organizationId, roles) {
      const membership = await access.membership(organizationId);
      return membership !== null && roles.includes(membership.role) && !membership.restricted;
    },
    async hasAccountRole(accountId, roles) {
      const organizationId = await access.organizationOfAccount(accountId);
      if (!organizationId) return false;
      const membership = await access.membership(organizationId);
      if (!membership || !roles.includes(membership.role)) return false;
      return memo.remember(accountId, roles, !membership.restricted || membership.accountIds.has(accountId));
    },
    knownAccountRole: memo.known,
    primeAccount(accountId, row) {
      accountOrganizations.prime(accountId, row?.organizationId ?? null);
      if (row) memberships.prime(row.organizationId, viewer ? membershipView(row) : null);
    },
  };
  return access;
}

// ───────────── integrations ─────────────

/**
 * What an integration token may do: no organization role at all; on its granted accounts,
 * what a team member who reads and operates may do (never owner/admin-only actions). Which
 * of those it actually gets is decided per field by its scopes (integration-guard.ts).
 * `recheck` re-reads the token and grant (long-lived streams: a revoked grant or an
 * expired token ends them); otherwise the grant read at authentication is used.
 */
export function createIntegrationAccess(db: Db, integration: IntegrationViewer, recheck?: { now: Date }): Access {
  let accountIds: Promise<ReadonlySet<string>> | undefined;
  const granted = () =>
    (accountIds ??= recheck
      ? db.integrationToken
          .findFirst({
            where: { id: integration.tokenId, revokedAt: null, expiresAt: { gt: recheck.now }, grant: { revokedAt: null } },
            select: { grant: { select: { accountIds: true } } },
          })
          .then((row) => new Set(row?.grant.accountIds ?? []))
      : Promise.resolve(integration.accountIds));
  const memo = accountRoleMemo();
  const organizationOfAccount = async (accountId: string) =>
    (await db.businessAccount.findUnique({ where: { id: accountId }, select: { organizationId: true } }))?.organizationId ?? null;
  return {
    membership: async () => null,
    organizationOfAccount,
    hasOrganizationRole: async () => false,
    hasOrganizationWideRole: async () => false,
    async hasAccountRole(accountId, roles) {
      return memo.remember(accountId, roles, roles.includes('AGENT') && (await granted()).has(accountId));
    },
    knownAccountRole: memo.known,
    // an integration's access is its grant, read at authentication
    primeAccount() {},
  };
}

/** Access read afresh, for checks repeated during a long-lived subscription. */
export function freshAccess(ctx: { db: Db; viewer: Viewer | null; integration: IntegrationViewer | null; clock: { now(): Date } }): Access {
  return ctx.integration ? createIntegrationAccess(ctx.db, ctx.integration, { now: ctx.clock.now() }) : createAccess(ctx.db, ctx.viewer);
}
