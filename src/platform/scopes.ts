// Scope helpers for fields whose arguments name an object owned by a business account:
// find the account, then apply the `account` scope with the roles the action needs.
import type { MemberRole } from '../generated/prisma/enums.ts';
import type { Context } from './context.ts';
import { freshAccess } from './access.ts';
import { forbidden } from './errors.ts';
import { relay } from './streams.ts';

type AccountOf<Args> = (args: Args, ctx: Context) => Promise<string | null | undefined> | string | null | undefined;

export function accountScope<Args>(roles: readonly MemberRole[], accountOf: AccountOf<Args>) {
  return async (_root: unknown, args: Args, ctx: Context) => {
    const accountId = await accountOf(args, ctx);
    return accountId ? { account: { id: accountId, roles } } : false;
  };
}

/** The `accountId` argument itself. */
export const byAccountIdArg = (args: { accountId: { id: string } }) => args.accountId.id;

/**
 * Re-checks access before each event of a long-lived subscription: scopes are evaluated
 * once when it starts, so a member removed meanwhile would otherwise keep receiving.
 * The check reads fresh membership (no per-operation cache) and ends the stream if revoked.
 */
export function whileMember<T>(ctx: Context, accountId: string, roles: readonly MemberRole[], source: AsyncIterable<T>): AsyncIterableIterator<T> {
  // at most one check a second: a busy live console must not pay three queries per event
  let checkedAt = 0;
  return relay(source, {
    beforeEach: async () => {
      if (Date.now() - checkedAt < MEMBERSHIP_RECHECK_MS) return;
      if (!(await freshAccess(ctx).hasAccountRole(accountId, roles))) throw forbidden('Your access to this account has ended.');
      checkedAt = Date.now();
    },
  });
}

/** How stale a subscriber's membership may be before it is read again. */
export const MEMBERSHIP_RECHECK_MS = 1000;
