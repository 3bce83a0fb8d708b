// npm run schema:print: writes schema/schema.graphql from the Pothos schema.
import { mkdir, writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/schema.ts';

export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  await mkdir('schema', { recursive: true });
  await writeFile('schema/schema.graphql', printedSchema());
  console.log('wrote schema/schema.graphql');
}
