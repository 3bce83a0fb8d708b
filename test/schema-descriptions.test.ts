import { readFile } from 'node:fs/promises';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { undescribed } from './support/schema-descriptions.ts';

describe('schema/schema.graphql documentation', () => {
  it('describes every type, field, argument, input field and enum value', async () => {
    const schema = buildSchema(await readFile('schema/schema.graphql', 'utf8'));
    expect(undescribed(schema)).toEqual([]);
  });

  it('notices a field without a description', () => {
    const schema = buildSchema('"""A query root."""\ntype Query {\n  """Described."""\n  a(x: Int): Int\n  b: Int\n}\n');
    expect(undescribed(schema)).toEqual(['Query.a(x:)', 'Query.b']);
  });
});
