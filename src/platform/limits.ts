// Refuses connection pages larger than MAX_PAGE_SIZE before anything executes, whether
// `first`/`last` are literals or variables (Pothos would silently clamp them).
import type { Plugin } from '@envelop/core';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
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
  return { errors: [new GraphQLError(`${argument} must be between 0 and ${MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } })] };
}

export function usePageSizeLimit(): Plugin {
  return {
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
