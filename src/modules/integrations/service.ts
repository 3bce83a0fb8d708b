// Connecting third-party tools (PRODUCT §9): owners and admins name an integration, authorise
// it for chosen accounts with chosen scopes (a grant, with tokens shown once), revoke a grant
// or delete the integration. Messages, contacts and leads never reference an integration, so
// deleting one keeps everything it touched.
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { INTEGRATION_NAME_MAX, integrationScopes, type IntegrationScope } from './rules.ts';
import { issuePair, revokeGrantTokens, type TokenPair } from './tokens.ts';

export interface Deps {
  db: Db;
  clock: Clock;
}

function checkName(name: string, errors: UserError[]): string {
  const trimmed = name.trim();
  if (!trimmed) errors.push(userError('REQUIRED', ['input', 'name'], 'Name the integration.'));
  else if ([...trimmed].length > INTEGRATION_NAME_MAX) errors.push(userError('TOO_LONG', ['input', 'name'], `At most ${INTEGRATION_NAME_MAX} characters.`));
  return trimmed;
}

export async function createIntegration(deps: Deps, actorId: string, organizationId: string, input: { name: string }) {
  const errors: UserError[] = [];
  const name = checkName(input.name, errors);
  refuseIfAny(errors);
  return deps.db.integration.create({ data: { organizationId, name, createdById: actorId, createdAt: deps.clock.now() } });
}

export interface AuthorizeInput {
  accountIds: string[];
  scopes: IntegrationScope[];
}

export type AuthorizeResult = { grantId?: string } & TokenPair;

/** A new grant of the integration for some of its organization's accounts, with its first token pair. */
export async function authorizeIntegration(deps: Deps, actorId: string, integrationId: string, input: AuthorizeInput): Promise<{ grantId: string } & TokenPair> {
  const integration = await deps.db.integration.findUnique({ where: { id: integrationId }, select: { organizationId: true } });
  if (!integration) refuse('NOT_FOUND', ['id'], 'No integration has this id.');
  const errors: UserError[] = [];
  const accountIds = [...new Set(input.accountIds)];
  const scopes = [...new Set(input.scopes)].filter((s) => (integrationScopes as readonly string[]).includes(s));
  if (accountIds.length === 0) errors.push(userError('REQUIRED', ['input', 'accountIds'], 'Choose at least one business account.'));
  if (scopes.length === 0) errors.push(userError('REQUIRED', ['input', 'scopes'], 'Choose at least one scope.'));
  const owned = await deps.db.businessAccount.findMany({ where: { id: { in: accountIds }, organizationId: integration.organizationId }, select: { id: true } });
  const ownedIds = new Set(owned.map((a) => a.id));
  accountIds.forEach((id, index) => {
    if (!ownedIds.has(id)) errors.push(userError('ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', String(index)]));
  });
  refuseIfAny(errors);
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const grant = await tx.integrationGrant.create({
      data: { integrationId, organizationId: integration.organizationId, accountIds, scopes, grantedById: actorId, createdAt: now },
      select: { id: true },
    });
    return { grantId: grant.id, ...(await issuePair(tx, grant.id, now)) };
  });
}

/** Revokes one grant: its tokens stop working at once, its webhooks stop receiving. */
export async function revokeGrant(deps: Deps, grantId: string) {
  return deps.db.$transaction(async (tx) => {
    if (!(await revokeGrantTokens(tx, grantId, deps.clock.now(), 'REVOKED'))) {
      const exists = await tx.integrationGrant.findUnique({ where: { id: grantId }, select: { id: true } });
      refuse(exists ? 'ALREADY_REVOKED' : 'NOT_FOUND', ['id']);
    }
    return tx.integrationGrant.findUniqueOrThrow({ where: { id: grantId } });
  });
}

/** Deletes an integration with its grants, tokens, endpoints and delivery log. */
export async function deleteIntegration(deps: Deps, integrationId: string): Promise<{ integrationId: string; organizationId: string }> {
  const deleted = await deps.db.integration.delete({ where: { id: integrationId }, select: { id: true, organizationId: true } }).catch((error) => {
    if ((error as { code?: string }).code === 'P2025') refuse('NOT_FOUND', ['id'], 'No integration has this id.');
    throw error;
  });
  return { integrationId: deleted.id, organizationId: deleted.organizationId };
}
