// Malformed input answered without a code: variables that do not coerce to their types (graphql-js,
// raised before any field runs, so without a path)
// and a global id that does not decode or names another type (Pothos' relay plugin throws
// PothosValidationError). Both are the caller's mistake: BAD_USER_INPUT, so that every
// top-level error carries a code a client can act on.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';

export function codedInputError(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return null;
  // without a path it was raised before any field ran: the variables or the operation itself
  if (error.path && !(error.originalError instanceof PothosValidationError)) return null;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
}
