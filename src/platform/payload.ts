// Mutation payloads: every mutation returns its changed object(s) plus `userErrors`.
import type { FieldMap } from '@pothos/core';
import { builder } from './builder.ts';
import { UserInputError, userErrorCodes, type UserError } from './errors.ts';

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', {
  values: Object.fromEntries(Object.entries(userErrorCodes).map(([code, description]) => [code, { description }])) as Record<
    keyof typeof userErrorCodes,
    { description: string }
  >,
});

export const UserErrorRef = builder.objectRef<UserError>('UserError').implement({
  description: 'A refused business rule or invalid input. Nothing was changed.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, resolve: (e) => e.code }),
    field: t.stringList({ nullable: true, description: 'Path to the input the error concerns.', resolve: (e) => e.field }),
    message: t.exposeString('message'),
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
) {
  return builder.objectRef<Payload<T>>(name).implement({
    fields: (t) => ({
      ...fields(t),
      userErrors: t.field({ type: [UserErrorRef], resolve: (p) => p.userErrors }),
    }),
  });
}
