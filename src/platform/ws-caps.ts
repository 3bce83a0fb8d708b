// Caps on WebSocket use per caller: connections one caller holds open on an instance, and
// operations open at once on one connection. Past the first the socket is closed with
// TOO_MANY_CONNECTIONS_CLOSE; past the second the new operation is refused with
// TOO_MANY_SUBSCRIPTIONS and the others keep running.
import { GraphQLError } from 'graphql';

/** WebSocket close code (1008 = policy violation) and reason for a caller over its connection cap */
export const TOO_MANY_CONNECTIONS_CLOSE = { code: 1008, reason: 'TOO_MANY_CONNECTIONS' } as const;

export function createConnectionCounter(max: number) {
  const open = new Map<string, number>();
  return {
    /** counts a connection for the caller, or returns false when it holds `max` already */
    admit(caller: string): boolean {
      const count = open.get(caller) ?? 0;
      if (count >= max) return false;
      open.set(caller, count + 1);
      return true;
    },
    release(caller: string): void {
      const count = (open.get(caller) ?? 1) - 1;
      if (count > 0) open.set(caller, count);
      else open.delete(caller);
    },
  };
}

/** The refusal of one more operation on a connection with `open` operations (this one included), or null. */
export function subscriptionCapRefusal(open: number, max: number): GraphQLError[] | null {
  if (open <= max) return null;
  return [new GraphQLError(`A connection may have at most ${max} subscriptions open; complete one first or open another connection.`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
}
