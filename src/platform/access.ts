// Organization membership, loaded once per operation: which organizations and accounts the
// viewer may act on, with which role. The scope-auth scopes in builder.ts call these.
import DataLoader from 'dataloader';
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
}

export function createAccess(db: Db, viewer: Viewer | null): Access {
  const memberships = new DataLoader<string, MembershipView | null>(async (organizationIds) => {
    if (!viewer) return organizationIds.map(() => null);
    const rows = await db.membership.findMany({
      where: { userId: viewer.userId, organizationId: { in: [...organizationIds] } },
      select: { id: true, organizationId: true, role: true, restricted: true, accounts: { select: { accountId: true } } },
    });
    const byOrg = new Map(rows.map((row) => [row.organizationId, row]));
    return organizationIds.map((id) => {
      const row = byOrg.get(id);
      return row ? { id: row.id, role: row.role, restricted: row.restricted, accountIds: new Set(row.accounts.map((a) => a.accountId)) } : null;
    });
  });
  const accountOrganizations = new DataLoader<string, string | null>(async (accountIds) => {
    const rows = await db.businessAccount.findMany({ where: { id: { in: [...accountIds] } }, select: { id: true, organizationId: true } });
    const byId = new Map(rows.map((row) => [row.id, row.organizationId]));
    return accountIds.map((id) => byId.get(id) ?? null);
  });

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
      return !membership.restricted || membership.accountIds.has(accountId);
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
  const organizationOfAccount = async (accountId: string) =>
    (await db.businessAccount.findUnique({ where: { id: accountId }, select: { organizationId: true } }))?.organizationId ?? null;
  return {
    membership: async () => null,
    organizationOfAccount,
    hasOrganizationRole: async () => false,
    hasOrganizationWideRole: async () => false,
    async hasAccountRole(accountId, roles) {
      return roles.includes('AGENT') && (await granted()).has(accountId);
    },
  };
}

/** Access read afresh, for checks repeated during a long-lived subscription. */
export function freshAccess(ctx: { db: Db; viewer: Viewer | null; integration: IntegrationViewer | null; clock: { now(): Date } }): Access {
  return ctx.integration ? createIntegrationAccess(ctx.db, ctx.integration, { now: ctx.clock.now() }) : createAccess(ctx.db, ctx.viewer);
}
