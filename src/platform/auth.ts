// Bearer-token verification (HS256 JWTs from the identity provider) and the viewer it names.
// Platform roles come from the token; organization roles from the database (see access.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { unauthenticated } from './errors.ts';
import { isRegionCode } from './regions.ts';

/** reviewer: decides the review queue; admin: platform-owned attributes; ads: the ad system's reports (clicks, spend) */
export const platformRoles = ['reviewer', 'admin', 'ads'] as const;
export type PlatformRole = (typeof platformRoles)[number];

export interface Viewer {
  userId: string;
  subject: string;
  handle: string;
  roles: ReadonlySet<PlatformRole>;
}

export interface TokenClaims {
  sub: string;
  handle: string;
  roles?: string[];
  /** ISO region of the user, when the identity provider knows it */
  region?: string;
}

export interface Auth {
  /** null when no token was sent; throws UNAUTHENTICATED for a bad or expired one */
  authenticate(authorization: string | null | undefined): Promise<Viewer | null>;
  mint(claims: TokenClaims, ttl?: string): Promise<string>;
  /** a short-lived signed capability (e.g. a download link) for one purpose */
  signLink(purpose: string, claims: Record<string, unknown>, ttl: string): Promise<string>;
  /** the link's claims, or null when it is invalid, expired or for another purpose */
  verifyLink(purpose: string, token: string): Promise<Record<string, unknown> | null>;
}

/** In development a secret is generated once and kept in DATA_DIR so tokens survive restarts. */
export async function resolveSecret(config: Config): Promise<Uint8Array<ArrayBuffer>> {
  if (config.auth.secret) return new TextEncoder().encode(config.auth.secret);
  const file = path.join(config.dataDir, 'auth-secret');
  let secret = await readFile(file, 'utf8').catch(() => '');
  if (!secret.trim()) {
    await mkdir(config.dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(async () => {
      secret = await readFile(file, 'utf8'); // another process won the race
    });
  }
  return new TextEncoder().encode(secret.trim());
}

const handlePattern = /^[A-Za-z0-9._-]{1,64}$/;
/** verified tokens remembered per instance (cleared when full) */
const VERIFIED_TOKENS = 10_000;
/** exp and nbf as jwtVerify checks them (no clock tolerance) */
const withinTime = (payload: JWTPayload, now = Date.now() / 1000) => (payload.exp === undefined || payload.exp > now) && (payload.nbf === undefined || payload.nbf <= now);

export async function createAuth(config: Config, db: Db): Promise<Auth> {
  // imported once: given raw bytes, jose imports a key on every sign and verify (a quarter of
  // the CPU of a trivial authenticated request)
  const key = await crypto.subtle.importKey('raw', await resolveSecret(config), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  // subject → user row id; user rows are created on first sight and never deleted
  const known = new Map<string, { id: string; handle: string; region?: string }>();

  // token → its verified claims: a client sends the same token with every request, and the
  // HMAC check is an async crypto job (about a twentieth of a small authenticated read)
  const verified = new Map<string, JWTPayload>();

  async function userFor(subject: string, handle: string, region: string | undefined): Promise<string> {
    const cached = known.get(subject);
    if (cached && cached.handle === handle && cached.region === region) return cached.id;
    const user = await db.user.upsert({
      where: { subject },
      create: { subject, handle, region },
      update: { handle, ...(region ? { region } : {}) },
      select: { id: true },
    });
    if (known.size > 50_000) known.clear();
    known.set(subject, { id: user.id, handle, region });
    return user.id;
  }

  return {
    async authenticate(authorization) {
      if (authorization === null || authorization === undefined || authorization === '') return null;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
      let payload = verified.get(match[1]);
      // a token verified before is taken again only while its time claims still hold
      if (payload && !withinTime(payload)) payload = undefined;
      if (!payload) {
        try {
          ({ payload } = await jwtVerify(match[1], key, {
            algorithms: ['HS256'],
            issuer: config.auth.issuer,
            audience: config.auth.audience,
          }));
        } catch (error) {
          verified.delete(match[1]);
          if (error instanceof joseErrors.JWTExpired) throw unauthenticated('The token has expired.');
          throw unauthenticated('The token is invalid.');
        }
        if (verified.size >= VERIFIED_TOKENS) verified.clear();
        verified.set(match[1], payload);
      }
      const handle = payload.handle;
      // link capabilities are not identities
      if (payload.purpose !== undefined) throw unauthenticated('The token is invalid.');
      if (typeof payload.sub !== 'string' || !payload.sub || typeof handle !== 'string' || !handlePattern.test(handle)) {
        throw unauthenticated('The token must name a subject (sub) and a handle.');
      }
      const roles = Array.isArray(payload.roles) ? payload.roles : [];
      // the identity provider may say where the user is (media-send rules use it)
      const region = typeof payload.region === 'string' && isRegionCode(payload.region) ? payload.region : undefined;
      const userId = await userFor(payload.sub, handle, region);
      return {
        userId,
        subject: payload.sub,
        handle,
        roles: new Set(platformRoles.filter((role) => roles.includes(role))),
      };
    },
    async mint(claims, ttl = config.auth.tokenTtl) {
      let jwt = new SignJWT({ handle: claims.handle, roles: claims.roles ?? [], ...(claims.region ? { region: claims.region } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime(ttl);
      if (config.auth.issuer) jwt = jwt.setIssuer(config.auth.issuer);
      if (config.auth.audience) jwt = jwt.setAudience(config.auth.audience);
      return jwt.sign(key);
    },
    async signLink(purpose, claims, ttl) {
      return new SignJWT({ ...claims, purpose }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(ttl).sign(key);
    },
    async verifyLink(purpose, token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        return payload.purpose === purpose ? payload : null;
      } catch {
        return null;
      }
    },
  };
}

// ───────────── integration tokens ─────────────

/** Integration tokens are opaque (looked up by hash), recognisable by their prefix. */
export const INTEGRATION_ACCESS_PREFIX = 'lsa_';
export const INTEGRATION_REFRESH_PREFIX = 'lsr_';

/**
 * A third-party tool calling with an integration access token: a viewer of kind
 * `integration`. It is not a user (ctx.viewer stays null, so every user-only field denies
 * it); it acts only on its grant's accounts, within its grant's scopes.
 */
export interface IntegrationViewer {
  kind: 'integration';
  tokenId: string;
  grantId: string;
  integrationId: string;
  organizationId: string;
  accountIds: ReadonlySet<string>;
  scopes: ReadonlySet<string>;
  /** granted accounts the region rule closes to integrations for direct messages */
  dmRestrictedAccountIds: ReadonlySet<string>;
}

/** The integration token of a "Bearer lsa_…" / "Bearer lsr_…" header, or null for anything else (JWTs). */
export function integrationBearer(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(ls[ar]_\S+)$/i.exec(authorization?.trim() ?? '');
  return match ? match[1] : null;
}
