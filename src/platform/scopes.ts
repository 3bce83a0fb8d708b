// Scope helpers for fields whose arguments name an object owned by a business account:
// find the account, then apply the `account` scope with the roles the action needs.
import type { MemberRole } from '../generated/prisma/enums.ts';
import type { Context } from './context.ts';

type AccountOf<Args> = (args: Args, ctx: Context) => Promise<string | null | undefined> | string | null | undefined;

export function accountScope<Args>(roles: readonly MemberRole[], accountOf: AccountOf<Args>) {
  return async (_root: unknown, args: Args, ctx: Context) => {
    const accountId = await accountOf(args, ctx);
    return accountId ? { account: { id: accountId, roles } } : false;
  };
}

/** The `accountId` argument itself. */
export const byAccountIdArg = (args: { accountId: { id: string } }) => args.accountId.id;
