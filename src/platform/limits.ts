// Refuses pages larger than a field allows before anything executes, whether `first`/`last`
// are literals or variables (Pothos would silently clamp them). Connections allow
// MAX_PAGE_SIZE; a field that documents another limit declares it with `pageSizeLimit(n)`.
// Literals are refused while the document is validated, before the cost limit (which
// multiplies by them) can give a less specific answer; variables when the operation runs.
import type { Plugin } from '@envelop/core';
import { GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValueNode } from 'graphql';
import { MAX_PAGE_SIZE } from './builder.ts';

/** Field extensions giving a field's own cap on `first`/`last` (e.g. a log read in larger pages). */
export function pageSizeLimit(max: number): { maxPageSize: number } {
  return { maxPageSize: max };
}

interface Oversized {
  argument: string;
  max: number;
}

/** A `first`/`last` argument of a document: its field's cap and what gives its value. */
interface PageArgument {
  argument: string;
  max: number;
  value: ValueNode;
}

/** each document's page arguments in document order, found once (a TypeInfo walk of the whole document) */
const pageArgumentsOf = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, PageArgument[]>>();

function pageArguments(schema: GraphQLSchema, document: DocumentNode): PageArgument[] {
  let bySchema = pageArgumentsOf.get(schema);
  if (!bySchema) pageArgumentsOf.set(schema, (bySchema = new WeakMap()));
  let found = bySchema.get(document);
  if (found) return found;
  found = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (node.name.value !== 'first' && node.name.value !== 'last') return;
        const declared = typeInfo.getFieldDef()?.extensions?.maxPageSize;
        found!.push({ argument: node.name.value, max: typeof declared === 'number' ? declared : MAX_PAGE_SIZE, value: node.value });
      },
    }),
  );
  bySchema.set(document, found);
  return found;
}

function oversizedPageArgument(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): Oversized | null {
  const valueOf = (node: ValueNode): unknown => (node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.VARIABLE ? variables?.[node.name.value] : null);
  for (const { argument, max, value: node } of pageArguments(schema, document)) {
    const value = valueOf(node);
    if (typeof value === 'number' && (value > max || value < 0)) return { argument, max };
  }
  return null;
}

function refusal({ argument, max }: Oversized) {
  return { errors: [new GraphQLError(`${argument} must be between 0 and ${max}.`, { extensions: { code: 'PAGE_SIZE_EXCEEDED' } })] };
}

/** documents refused for a literal page size: other limits (cost) stay quiet about them */
const refusedDocuments = new WeakSet<DocumentNode>();
export const pageSizeRefused = (document: DocumentNode): boolean => refusedDocuments.has(document);

function literalPageSizeRule(context: ValidationContext) {
  return {
    // on the Document, so it is decided before any OperationDefinition rule (cost) runs
    Document(document: DocumentNode) {
      const oversized = oversizedPageArgument(context.getSchema(), document, {});
      if (!oversized) return;
      refusedDocuments.add(document);
      for (const error of refusal(oversized).errors) context.reportError(error);
    },
  };
}

export function usePageSizeLimit(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(literalPageSizeRule);
    },
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
