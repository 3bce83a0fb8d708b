// Who may load an object by its global id. Every type that implements `Node` declares
// `loadableBy` (same vocabulary as `authScopes`: a scope map, or a function of the row
// returning one or a boolean); `node(id:)` and `nodes(ids:)` answer null to anyone it
// refuses, with the usual FORBIDDEN (UNAUTHENTICATED without a token) error for that
// slot. Building the schema fails when a Node type has no declaration: deny by default.
import type { SchemaTypes } from '@pothos/core';
import { resolveNodes } from '@pothos/plugin-relay';
import { RequestCache, type TypeAuthScopes } from '@pothos/plugin-scope-auth';
import { GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Context } from './context.ts';
import { forbidden, unauthenticated } from './errors.ts';

declare global {
  export namespace PothosSchemaTypes {
    interface ObjectTypeOptions<Types extends SchemaTypes, Shape> {
      /**
       * Who may load this object by its global id (`node`, `nodes`). Required for every type
       * implementing Node (checked when the schema is built); deny by default.
       */
      loadableBy?: TypeAuthScopes<Types, Shape>;
    }
  }
}

/** `loadableBy` of things anyone may see, signed in or not (public posts, business handles). */
export const everyone = () => true;

type Rule = TypeAuthScopes<SchemaTypes, unknown>;
type GlobalId = { typename: string; id: string };
type Builder = ConstructorParameters<typeof RequestCache>[0];

// the builder's options name the resolvers below before the builder exists
let builder: Builder;
export function useBuilderForNodes(schemaBuilder: Builder): void {
  builder = schemaBuilder;
}

/** The `loadableBy` of a type implementing Node, or undefined for anything else. */
function ruleOf(schema: GraphQLSchema, typename: string): Rule | undefined {
  const type = schema.getType(typename);
  if (!(type instanceof GraphQLObjectType) || !type.getInterfaces().some((i) => i.name === 'Node')) return undefined;
  return (type.extensions.pothosOptions as { loadableBy?: Rule } | undefined)?.loadableBy;
}

/** Prisma's "record not found" (P2025). */
const isNotFound = (error: unknown) => (error as { code?: string })?.code === 'P2025' || (error as { name?: string })?.name === 'NotFoundError';

async function loadNode(ctx: Context, info: GraphQLResolveInfo, globalId: GlobalId | null): Promise<unknown> {
  if (!globalId) return null;
  const rule = ruleOf(info.schema, globalId.typename);
  if (!rule) return null;
  let node: unknown;
  try {
    // one id per call: a batch shares one rejection, and a missing id must not fail its neighbours
    [node] = await resolveNodes(builder as never, ctx, info, [globalId]);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  if (node === null || node === undefined) return null;
  const cache = RequestCache.fromContext(ctx, builder as never);
  const failure =
    typeof rule === 'function'
      ? await cache.evaluateTypeScopeFunction(rule as never, `${globalId.typename}.loadableBy`, node, info)
      : await cache.evaluateScopeMap(rule as never, info);
  if (failure !== null) throw ctx.viewer ? forbidden() : unauthenticated();
  return node;
}

/** `node(id:)`: the object; null when it does not exist, and with a refusal error when the caller may not load it. */
export function resolveNode(_root: unknown, args: { id: GlobalId }, ctx: Context, info: GraphQLResolveInfo): Promise<unknown> {
  return loadNode(ctx, info, args.id);
}

/** `nodes(ids:)`: one slot per id, null where `node` would be null; a refusal or fault stays in its slot. */
export function resolveNodeList(_root: unknown, args: { ids: (GlobalId | null)[] }, ctx: Context, info: GraphQLResolveInfo): Promise<unknown[]> {
  return Promise.all(args.ids.map((id) => loadNode(ctx, info, id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
}

/** Throws when a type implementing Node does not say who may load it. */
export function assertNodesDeclareLoaders(schema: GraphQLSchema): void {
  const node = schema.getType('Node');
  if (!node) return;
  const missing = Object.values(schema.getTypeMap())
    .filter((type) => type instanceof GraphQLObjectType && type.getInterfaces().some((i) => i.name === 'Node'))
    .filter((type) => !ruleOf(schema, type.name))
    .map((type) => type.name);
  if (missing.length) throw new Error(`Node types without loadableBy (who may load them by id): ${missing.join(', ')}. Declare it in the type's options (src/platform/nodes.ts).`);
}
