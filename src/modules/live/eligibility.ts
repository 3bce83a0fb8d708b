// Who may go live (PRODUCT §6): every failed rule is reported.
import { userError, type UserError } from '../../platform/errors.ts';

export const liveRules = {
  minFollowers: 1000,
  minOwnerAge: 16,
  minSellerAge: 18,
} as const;

export function eligibilityRefusals(account: { followerCount: number; ownerAge: number | null; seriousViolations: number }, sellsProducts: boolean): UserError[] {
  const errors: UserError[] = [];
  if (account.followerCount < liveRules.minFollowers) {
    errors.push(userError('LIVE_FOLLOWERS_TOO_FEW', null, `Going live needs at least ${liveRules.minFollowers} followers; the account has ${account.followerCount}.`));
  }
  if (account.ownerAge === null || account.ownerAge < liveRules.minOwnerAge) {
    errors.push(userError('LIVE_OWNER_TOO_YOUNG', null, account.ownerAge === null ? 'The account owner’s age is not confirmed; going live needs 16 or over.' : undefined));
  } else if (sellsProducts && account.ownerAge < liveRules.minSellerAge) {
    errors.push(userError('LIVE_SELLER_TOO_YOUNG', ['sellsProducts']));
  }
  if (account.seriousViolations > 0) errors.push(userError('LIVE_SERIOUS_VIOLATION', null));
  return errors;
}
