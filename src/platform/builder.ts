// The one Pothos builder: plugins, scalars, auth scopes, Node/connections, payload helpers.
import SchemaBuilder, { PothosValidationError } from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ZodPlugin from '@pothos/plugin-zod';
import { GraphQLError, Kind } from 'graphql';
import type { MemberRole } from '../generated/prisma/enums.ts';
import PrismaTypes, { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { Context } from './context.ts';
import { badInput, forbidden, transientRefusal, unauthenticated } from './errors.ts';

export const MAX_PAGE_SIZE = 100;

/** Prisma's "record not found" (P2025) becomes null. */
async function nullIfMissing<T>(load: () => Promise<T> | T): Promise<T | null> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string })?.code === 'P2025' || (error as { name?: string })?.name === 'NotFoundError') return null;
    throw error;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RoleScope {
  id: string;
  roles: readonly MemberRole[];
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    Date: { Input: string; Output: Date | string };
    File: { Input: File; Output: never };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  AuthScopes: {
    authenticated: boolean;
    platformAdmin: boolean;
    reviewer: boolean;
    /** viewer holds one of the roles in the organization */
    organization: RoleScope;
    /** like organization, for members not limited to some accounts */
    organizationWide: RoleScope;
    /** viewer holds one of the roles in the account's organization and may work on the account */
    account: RoleScope;
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ZodPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      platformAdmin: ctx.viewer?.roles.has('admin') ?? false,
      reviewer: ctx.viewer?.roles.has('reviewer') ?? false,
      organization: ({ id, roles }) => ctx.access.hasOrganizationRole(id, roles),
      organizationWide: ({ id, roles }) => ctx.access.hasOrganizationWideRole(id, roles),
      account: ({ id, roles }) => ctx.access.hasAccountRole(id, roles),
    }),
    // a scope that could not be evaluated because the database is unreachable is not a
    // refusal: the caller gets the retryable SERVICE_UNAVAILABLE, never FORBIDDEN
    unauthorizedError: (_parent, ctx, _info, result) => transientRefusal(result.failure) ?? (ctx.viewer ? forbidden() : unauthenticated()),
    // resolving the scopes of a type whose parent failed must not leak data
    treatErrorsAsUnauthorized: true,
    // check a subscription's scopes once when it starts, not on every event
    authorizeOnSubscribe: true,
  },
  prisma: {
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    defaultConnectionSize: 20,
    // larger requests are refused before execution (limits.ts); this is the backstop
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // an id that names nothing (deleted, never existed) resolves to null, not a server error
    nodeQueryOptions: { nullable: true, resolve: (_root, args, _ctx, _info, resolveNode) => nullIfMissing(() => resolveNode(args.id)) },
    nodesQueryOptions: { nullable: { list: false, items: true } },
    // every object id is a UUID: refuse anything else as an invalid ID before it reaches a
    // query (Postgres would fail on it and the client would see an internal error)
    decodeGlobalID: (globalID) => {
      const decoded = decodeGlobalID(globalID);
      if (!uuidPattern.test(decoded.id)) throw new PothosValidationError(`Invalid global ID: ${globalID}`);
      return decoded;
    },
  },
  zod: {
    validationError: (error) => badInput(error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')),
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType('DateTime', {
  description: 'An ISO 8601 instant in UTC, e.g. 2026-11-21T15:04:05.000Z.',
  serialize: (value) => new Date(value).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('DateTime must be an ISO 8601 string such as 2026-11-21T15:04:05Z.');
    }
    return new Date(value);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) throw new GraphQLError('DateTime must be an ISO 8601 string.');
    return new Date(ast.value);
  },
});

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
function parseCalendarDate(value: unknown): string {
  if (typeof value !== 'string' || !datePattern.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new GraphQLError('Date must be a calendar date such as 2019-04-01.');
  }
  return value;
}
builder.scalarType('Date', {
  description: 'A calendar date (YYYY-MM-DD).',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseCalendarDate,
  parseLiteral: (ast) => parseCalendarDate(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('File', {
  description: 'A file sent with the GraphQL multipart request spec.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar.');
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
