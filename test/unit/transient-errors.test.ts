// Which failures are the database being unreachable for now (SERVICE_UNAVAILABLE) and which
// are not, in every shape they reach a resolver: raw pg and socket errors, the driver
// adapter's mapped kinds, Prisma's codes, wrapped in GraphQL errors and scope-auth failures.
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../src/platform/errors.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it('recognises connection failures however they are wrapped', () => {
    const adapterError = (cause: object) => Object.assign(new Error('driver'), { name: 'DriverAdapterError', cause });
    for (const error of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('P1001'),
      withCode('P1017'),
      new Error('Connection terminated unexpectedly'),
      adapterError({ kind: 'DatabaseNotReachable' }),
      adapterError({ kind: 'ConnectionClosed' }),
      adapterError({ kind: 'postgres', originalCode: '57P01' }),
      // Prisma's known request error carrying the adapter's error
      Object.assign(new Error('Invalid invocation'), { code: 'P2039', meta: { driverAdapterError: adapterError({ kind: 'postgres', originalCode: '57P01' }) } }),
      new GraphQLError('wrapped', { originalError: withCode('ECONNREFUSED') }),
      // a scope that could not be evaluated
      { kind: 'AnyAuthScopes', failures: [{ kind: 'AuthScope', error: withCode('57P01') }] },
    ]) {
      expect(isTransientDatabaseError(error), String((error as Error).message ?? JSON.stringify(error))).toBe(true);
    }
  });

  it('leaves refused statements, bugs and overload alone', () => {
    for (const error of [
      withCode('P2002', 'Unique constraint failed'),
      withCode('23505'),
      withCode('P2028', 'Unable to start a transaction in the given time'),
      new TypeError('x is undefined'),
      new GraphQLError('You are not allowed to do this.', { extensions: { code: 'FORBIDDEN' } }),
      { kind: 'AuthScope', error: null },
      null,
      undefined,
    ]) {
      expect(isTransientDatabaseError(error)).toBe(false);
    }
  });
});
