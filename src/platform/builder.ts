// The one Pothos builder: plugins, scalars, auth scopes, Node/connections, payload helpers.
import SchemaBuilder, { PothosValidationError } from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ZodPlugin from '@pothos/plugin-zod';
import DefaultDescriptionsPlugin from './default-descriptions.ts';
import IntegrationGuardPlugin from './integration-guard.ts';
import { GraphQLError, Kind } from 'graphql';
import type { MemberRole } from '../generated/prisma/enums.ts';
import PrismaTypes, { getDatamodel } from '../generated/pothos-prisma-types.ts';
import type { Context } from './context.ts';
import { badInput, forbidden, transientRefusal, unauthenticated } from './errors.ts';
import { resolveNode, resolveNodeList, useBuilderForNodes } from './nodes.ts';
import SubscriptionAccessPlugin from './subscription-access.ts';

export const MAX_PAGE_SIZE = 100;

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
    /** the ad system's token (platform role `ads`): reports ad clicks and spend */
    adSystem: boolean;
    /** viewer holds one of the roles in the organization */
    organization: RoleScope;
    /** like organization, for members not limited to some accounts */
    organizationWide: RoleScope;
    /** viewer holds one of the roles in the account's organization and may work on the account */
    account: RoleScope;
    /** an integration token holding any of these scopes (empty: any integration token) */
    integration: readonly string[];
  };
}>({
  // the integration guard wraps outermost: it refuses integrations before any other check;
  // SubscriptionAccessPlugin: a subscription's scopes are re-read while it streams
  plugins: [IntegrationGuardPlugin, ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ZodPlugin, DefaultDescriptionsPlugin, SubscriptionAccessPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      platformAdmin: ctx.viewer?.roles.has('admin') ?? false,
      reviewer: ctx.viewer?.roles.has('reviewer') ?? false,
      adSystem: ctx.viewer?.roles.has('ads') ?? false,
      organization: ({ id, roles }) => ctx.access.hasOrganizationRole(id, roles),
      organizationWide: ({ id, roles }) => ctx.access.hasOrganizationWideRole(id, roles),
      account: ({ id, roles }) => ctx.access.hasAccountRole(id, roles),
      integration: (scopes) => ctx.integration !== null && (scopes.length === 0 || scopes.some((scope) => ctx.integration!.scopes.has(scope))),
    }),
    // a scope that could not be evaluated because the database is unreachable is not a
    // refusal: the caller gets the retryable SERVICE_UNAVAILABLE, never FORBIDDEN
    unauthorizedError: (_parent, ctx, _info, result) => transientRefusal(result.failure) ?? (ctx.viewer || ctx.integration ? forbidden() : unauthenticated()),
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
    // null for an id that names nothing; null and FORBIDDEN for one the caller may not load
    // (each type's `loadableBy`, nodes.ts); never a server error; in `nodes`, per slot
    nodeQueryOptions: {
      nullable: true,
      description: 'Any object by its global id, for those its type lets load it (its team, its own user, anyone when public). Null when it does not exist; null with FORBIDDEN (UNAUTHENTICATED without a token) when you may not load it.',
      args: { id: { description: 'A global id, as returned by any object’s `id` field.' } },
      resolve: resolveNode as never,
    },
    nodesQueryOptions: {
      nullable: { list: false, items: true },
      description: 'Like node, for several ids: one entry per id, in order; a missing or refused id is null in its own slot (with its error) and fails nothing else.',
      args: { ids: { description: 'Global ids, as returned by objects’ `id` fields.' } },
      resolve: resolveNodeList as never,
    },
    nodeTypeOptions: { description: 'An object with a global id, loadable with `node(id:)` and `nodes(ids:)` by whoever may see it.' },
    idFieldOptions: { description: 'Opaque global id: pass it to `node(id:)` or to any argument that takes this object.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
    hasNextPageFieldOptions: { description: 'More items follow this page (page on with `after: endCursor`).' },
    hasPreviousPageFieldOptions: { description: 'More items precede this page (page back with `before: startCursor`).' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page; null when the page is empty.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of the page; null when the page is empty.' },
    defaultConnectionTypeOptions: { description: 'A page of a list, in the order its field states (Relay connection). At most 100 items per page.' },
    defaultEdgeTypeOptions: { description: 'One item of a page and its cursor.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether more items come before or after this page.' },
    nodeFieldOptions: { description: 'The item.' },
    cursorFieldOptions: { description: 'Opaque position of this item: pass it as `after` or `before` to page from here.' },
    firstArgOptions: { description: `The first n items (after \`after\`), 0–${MAX_PAGE_SIZE}; 20 when neither first nor last is given.` },
    lastArgOptions: { description: `The last n items (before \`before\`), 0–${MAX_PAGE_SIZE}.` },
    afterArgOptions: { description: 'Start after the item with this cursor.' },
    beforeArgOptions: { description: 'End before the item with this cursor.' },
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

useBuilderForNodes(builder as never);

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
