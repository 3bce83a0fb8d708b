// The schema build refuses a Node type that does not say who may load it (deny by default).
import { buildSchema } from 'graphql';
import { expect, it } from 'vitest';
import { schema } from '../../src/schema.ts';
import { assertNodesDeclareLoaders } from '../../src/platform/nodes.ts';

it('throws, naming the types, when a Node type has no loadableBy', () => {
  const undeclared = buildSchema(`
    interface Node { id: ID! }
    type Invoice implements Node { id: ID! }
    type Plain { id: ID! }
    type Query { node(id: ID!): Node }
  `);
  expect(() => assertNodesDeclareLoaders(undeclared)).toThrow(/without loadableBy.*: Invoice\./);
});

it('accepts the application schema, where every Node type declares it', () => {
  expect(() => assertNodesDeclareLoaders(schema)).not.toThrow();
});
