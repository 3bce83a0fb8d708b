// Refuses pages larger than a field allows before anything executes, whether `first`/`last`
// are literals or variables (Pothos would silently clamp them). Connections allow
// MAX_PAGE_SIZE; a field that documents another limit declares it with `pageSizeLimit(n)`.
import type { Plugin } from '@envelop/core';
import { GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type ValueNode } from 'graphql';
import { MAX_PAGE_SIZE } from './builder.ts';

/** Field extensions giving a field's own cap on `first`/`last` (e.g. a log read in larger pages). */
export function pageSizeLimit(max: number): { maxPageSize: number } {
  return { maxPageSize: max };
}

function oversizedPageArgument(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): { argument: string; max: number } | null {
  let found: { argument: string; max: number } | null = null;
  const valueOf = (node: ValueNode): unknown => (node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.VARIABLE ? variables?.[node.name.value] : null);
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (found || (node.name.value !== 'first' && node.name.value !== 'last')) return;
        const declared = typeInfo.getFieldDef()?.extensions?.maxPageSize;
        const max = typeof declared === 'number' ? declared : MAX_PAGE_SIZE;
        const value = valueOf(node.value);
        if (typeof value === 'number' && (value > max || value < 0)) found = { argument: node.name.value, max };
      },
    }),
  );
  return found;
}

function refusal({ argument, max }: { argument: string; max: number }) {
  return { errors: [new GraphQLError(`${argument} must be between 0 and ${max}.`, { extensions: { code: 'BAD_USER_INPUT' } })] };
}

export function usePageSizeLimit(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const oversized = oversizedPageArgument(args.schema, args.document, args.variableValues as Record<string, unknown>);
      if (oversized) setResultAndStopExecution(refusal(oversized));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const oversized = oversizedPageArgument(args.schema, args.document, args.variableValues as Record<string, unknown>);
      if (oversized) setResultAndStopExecution(refusal(oversized));
    },
  };
}
