import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../scripts/print-schema.ts';

describe('schema/schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` after changing it)', async () => {
    const checkedIn = await readFile('schema/schema.graphql', 'utf8');
    expect(checkedIn).toBe(printedSchema());
  });
});
