// Client-chosen idempotency keys (lead submissions, message sends): a retry with the same key
// stores nothing new and answers with what the first attempt stored. Uniqueness is a
// database constraint per sender; these are the shared limits on the key itself.
import { userError, type UserError } from './errors.ts';

export const IDEMPOTENCY_KEY_MAX = 128;

/** Adds an INVALID error for a key that is given but empty or longer than allowed. */
export function checkIdempotencyKey(key: string | null | undefined, field: string[], errors: UserError[]): void {
  if (key !== undefined && key !== null && (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX)) {
    errors.push(userError('INVALID', field, `Idempotency keys are 1–${IDEMPOTENCY_KEY_MAX} characters.`));
  }
}
