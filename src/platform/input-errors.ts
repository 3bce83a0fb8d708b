// Malformed input answered without a code: variables that do not coerce to their types (graphql-js,
// raised before any field runs, so without a path)
// and a global id that does not decode or names another type (Pothos' relay plugin throws
// PothosValidationError). Both are the caller's mistake: BAD_USER_INPUT, so that every
// top-level error carries a code a client can act on.
import type { Plugin } from '@envelop/core';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError, visit, type DocumentNode, type ExecutionResult } from 'graphql';

export function codedInputError(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return null;
  // without a path it was raised before any field ran: the variables or the operation itself
  if (error.path && !(error.originalError instanceof PothosValidationError)) return null;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
}

// PostgreSQL cannot store U+0000 in text: a string carrying it reached the database and failed
// there as a masked INTERNAL_SERVER_ERROR (found by the mutation fuzzer in businessAccountFollow's
// handle and organizationCreate's name). No text of this API may hold it: refused up front.
const hasNul = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('\u0000') : Array.isArray(value) ? value.some(hasNul) : value !== null && typeof value === 'object' ? Object.values(value).some(hasNul) : false;

const documentHasNul = new WeakMap<DocumentNode, boolean>();
function literalNul(document: DocumentNode): boolean {
  let found = documentHasNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      StringValue(node) {
        if (node.value.includes('\u0000')) found = true;
      },
    });
    documentHasNul.set(document, found);
  }
  return found;
}

const nulRefusal = () => ({ errors: [new GraphQLError('Text values cannot contain the NUL character (U+0000).', { extensions: { code: 'BAD_USER_INPUT' } })] });

export function useNoNulCharacters(): Plugin {
  const check = ({ args, setResultAndStopExecution }: { args: { document: DocumentNode; variableValues?: unknown }; setResultAndStopExecution: (result: ExecutionResult) => void }) => {
    if (hasNul(args.variableValues) || literalNul(args.document)) setResultAndStopExecution(nulRefusal());
  };
  return { onExecute: check as never, onSubscribe: check as never };
}
