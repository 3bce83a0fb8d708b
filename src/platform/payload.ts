// Mutation payloads: every mutation returns its changed object(s) plus `userErrors`.
import type { FieldMap } from '@pothos/core';
import { builder } from './builder.ts';
import { UserInputError, userErrorCodes, type UserError } from './errors.ts';

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', {
  description: 'Why a business rule refused a mutation (the `code` of a UserError). New codes may be added.',
  values: Object.fromEntries(Object.entries(userErrorCodes).map(([code, description]) => [code, { description }])) as Record<
    keyof typeof userErrorCodes,
    { description: string }
  >,
});

export const UserErrorRef = builder.objectRef<UserError>('UserError').implement({
  description: 'A refused business rule or invalid input. Nothing was changed.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, description: 'Machine-readable reason: branch on this, not on the message.', resolve: (e) => e.code }),
    field: t.stringList({ nullable: true, description: 'Path to the input the error concerns.', resolve: (e) => e.field }),
    message: t.exposeString('message', { description: 'Human-readable explanation in English, fit to show the user.' }),
  }),
});

type SchemaTypes = typeof builder.$inferSchemaTypes;

export type Payload<T> = Partial<T> & { userErrors: UserError[] };

/** Runs a mutation's service call; a UserInputError becomes the payload's userErrors. */
export async function attempt<T extends object>(work: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (error) {
    if (error instanceof UserInputError) return { userErrors: error.errors } as Payload<T>;
    throw error;
  }
}

/** Declares `<Name>Payload` with nullable result fields and `userErrors`. */
export function payloadType<T extends object>(
  name: string,
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<SchemaTypes, Payload<T>>) => FieldMap,
  description = 'The result of a mutation: the changed object(s) when it succeeded, otherwise null fields and the `userErrors` that refused it (nothing changed).',
) {
  return builder.objectRef<Payload<T>>(name).implement({
    description,
    fields: (t) => ({
      ...fields(t),
      userErrors: t.field({ type: [UserErrorRef], description: 'Why the mutation was refused; empty when it succeeded. When any is listed, nothing changed.', resolve: (p) => p.userErrors }),
    }),
  });
}
