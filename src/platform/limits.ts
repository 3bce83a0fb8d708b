// Refuses connection pages larger than MAX_PAGE_SIZE before anything executes, whether
// `first`/`last` are literals or variables (Pothos would silently clamp them). Literals are
// refused while the document is validated, before the cost limit (which multiplies by them)
// can give a less specific answer; variables when the operation runs.
import type { Plugin } from '@envelop/core';
import { GraphQLError, Kind, visit, type DocumentNode, type ValidationContext, type ValueNode } from 'graphql';
import { MAX_PAGE_SIZE } from './builder.ts';

function oversizedPageArgument(document: DocumentNode, variables: Record<string, unknown> | null | undefined): string | null {
  let found: string | null = null;
  const valueOf = (node: ValueNode): unknown => (node.kind === Kind.INT ? Number(node.value) : node.kind === Kind.VARIABLE ? variables?.[node.name.value] : null);
  visit(document, {
    Argument(node) {
      if (found || (node.name.value !== 'first' && node.name.value !== 'last')) return;
      const value = valueOf(node.value);
      if (typeof value === 'number' && (value > MAX_PAGE_SIZE || value < 0)) found = node.name.value;
    },
  });
  return found;
}

function refusal(argument: string) {
  return { errors: [new GraphQLError(`${argument} must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'PAGE_SIZE_EXCEEDED' } })] };
}

/** documents refused for a literal page size: other limits (cost) stay quiet about them */
const refusedDocuments = new WeakSet<DocumentNode>();
export const pageSizeRefused = (document: DocumentNode): boolean => refusedDocuments.has(document);

function literalPageSizeRule(context: ValidationContext) {
  return {
    // on the Document, so it is decided before any OperationDefinition rule (cost) runs
    Document(document: DocumentNode) {
      const argument = oversizedPageArgument(document, {});
      if (!argument) return;
      refusedDocuments.add(document);
      for (const error of refusal(argument).errors) context.reportError(error);
    },
  };
}

export function usePageSizeLimit(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(literalPageSizeRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const argument = oversizedPageArgument(args.document, args.variableValues as Record<string, unknown>);
      if (argument) setResultAndStopExecution(refusal(argument));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const argument = oversizedPageArgument(args.document, args.variableValues as Record<string, unknown>);
      if (argument) setResultAndStopExecution(refusal(argument));
    },
  };
}
