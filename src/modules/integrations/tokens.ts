// Integration tokens: random, prefixed (lsa_ access, lsr_ refresh) so logs and secret
// scanners recognise them, shown once, stored as SHA-256 hashes. A refresh rotates both
// tokens; a refresh token used a second time means it was stolen: the whole grant (the token
// family) is revoked.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { INTEGRATION_ACCESS_PREFIX, INTEGRATION_REFRESH_PREFIX, type IntegrationViewer } from '../../platform/auth.ts';
import { unauthenticatedBecause } from '../../platform/errors.ts';
import { integrationRestrictedRegions } from '../../platform/regions.ts';
import { tokenLifetimes } from './rules.ts';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

/** Mints an access/refresh pair for a grant inside the caller's transaction. */
export async function issuePair(tx: Tx, grantId: string, now: Date): Promise<TokenPair> {
  const pair = {
    accessToken: newToken(INTEGRATION_ACCESS_PREFIX),
    accessTokenExpiresAt: new Date(now.getTime() + tokenLifetimes.accessMs),
    refreshToken: newToken(INTEGRATION_REFRESH_PREFIX),
    refreshTokenExpiresAt: new Date(now.getTime() + tokenLifetimes.refreshMs),
  };
  await tx.integrationToken.createMany({
    data: [
      { grantId, kind: 'ACCESS', hash: hashToken(pair.accessToken), createdAt: now, expiresAt: pair.accessTokenExpiresAt },
      { grantId, kind: 'REFRESH', hash: hashToken(pair.refreshToken), createdAt: now, expiresAt: pair.refreshTokenExpiresAt },
    ],
  });
  return pair;
}

/** lastUsedAt is written at most this often per token (a busy tool must not write on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The viewer an access token names; UNAUTHENTICATED with a reason (TOKEN_EXPIRED: refresh) otherwise. */
export async function authenticateIntegration(deps: { db: Db; clock: Clock }, token: string): Promise<IntegrationViewer> {
  if (token.startsWith(INTEGRATION_REFRESH_PREFIX)) {
    throw unauthenticatedBecause('REFRESH_TOKEN_NOT_ACCEPTED', 'A refresh token only works with integrationTokenRefresh; send the access token.');
  }
  const row = await deps.db.integrationToken.findUnique({
    where: { hash: hashToken(token) },
    select: {
      id: true,
      kind: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      grant: { select: { id: true, integrationId: true, organizationId: true, accountIds: true, scopes: true, revokedAt: true } },
    },
  });
  const now = deps.clock.now();
  if (!row || row.kind !== 'ACCESS') throw unauthenticatedBecause('TOKEN_INVALID', 'The integration token is not valid.');
  if (row.grant.revokedAt) throw unauthenticatedBecause('GRANT_REVOKED', 'The integration’s access was revoked; the business must authorise it again.');
  if (row.revokedAt) throw unauthenticatedBecause('TOKEN_REVOKED', 'This access token was replaced by a refresh; use the newest one.');
  if (row.expiresAt <= now) throw unauthenticatedBecause('TOKEN_EXPIRED', 'The access token has expired: call integrationTokenRefresh with the refresh token.');
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // best effort, off the request path: a lost update only makes lastUsedAt a minute older
    void deps.db.integrationToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  const accounts = await deps.db.businessAccount.findMany({
    where: { id: { in: row.grant.accountIds }, organizationId: row.grant.organizationId },
    select: { id: true, region: true },
  });
  return {
    kind: 'integration',
    tokenId: row.id,
    grantId: row.grant.id,
    integrationId: row.grant.integrationId,
    organizationId: row.grant.organizationId,
    accountIds: new Set(accounts.map((a) => a.id)),
    scopes: new Set(row.grant.scopes),
    dmRestrictedAccountIds: new Set(accounts.filter((a) => integrationRestrictedRegions.has(a.region)).map((a) => a.id)),
  };
}

type RefreshOutcome = { pair: TokenPair } | { reason: string; message: string };

/**
 * Exchanges a refresh token for a new pair; the old refresh and access tokens stop working.
 * The exchange is one conditional update, so of two concurrent uses only one succeeds and
 * the other counts as reuse.
 */
export async function refreshTokens(deps: { db: Db; clock: Clock }, refreshToken: string): Promise<TokenPair> {
  const hash = hashToken(refreshToken);
  const outcome = await deps.db.$transaction(async (tx): Promise<RefreshOutcome> => {
    const now = deps.clock.now();
    const rotated = await tx.integrationToken.updateMany({
      where: { hash, kind: 'REFRESH', rotatedAt: null, revokedAt: null, expiresAt: { gt: now }, grant: { revokedAt: null } },
      data: { rotatedAt: now },
    });
    const token = await tx.integrationToken.findUnique({ where: { hash }, select: { grantId: true, kind: true, rotatedAt: true, revokedAt: true, grant: { select: { revokedAt: true } } } });
    if (rotated.count === 1 && token) {
      await tx.integrationToken.updateMany({ where: { grantId: token.grantId, kind: 'ACCESS', revokedAt: null }, data: { revokedAt: now } });
      return { pair: await issuePair(tx, token.grantId, now) };
    }
    if (!token || token.kind !== 'REFRESH') return { reason: 'TOKEN_INVALID', message: 'The refresh token is not valid.' };
    if (token.grant.revokedAt) return { reason: 'GRANT_REVOKED', message: 'The integration’s access was revoked; the business must authorise it again.' };
    if (token.rotatedAt) {
      await revokeGrantTokens(tx, token.grantId, now, 'REFRESH_TOKEN_REUSED');
      return { reason: 'REFRESH_TOKEN_REUSED', message: 'This refresh token was already used: the grant is revoked to protect the account; the business must authorise the integration again.' };
    }
    if (token.revokedAt) return { reason: 'TOKEN_REVOKED', message: 'The refresh token was revoked.' };
    return { reason: 'REFRESH_TOKEN_EXPIRED', message: 'The refresh token has expired; the business must authorise the integration again.' };
  });
  // the transaction commits first: a detected reuse stays revoked
  if ('reason' in outcome) throw unauthenticatedBecause(outcome.reason, outcome.message);
  return outcome.pair;
}

/** Revokes a grant and every token of it (inside the caller's transaction). */
export async function revokeGrantTokens(tx: Tx, grantId: string, now: Date, reason: string): Promise<boolean> {
  const revoked = await tx.integrationGrant.updateMany({ where: { id: grantId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
  await tx.integrationToken.updateMany({ where: { grantId, revokedAt: null }, data: { revokedAt: now } });
  return revoked.count === 1;
}
