// What an operation costs against its caller's budget: the estimate GraphQL Armor's cost
// limit computes (armor.ts refuses single documents above QUERY_LIMITS.maxCost with it), so
// one model prices both. Armor's model: a scalar field costs 1, an object field 2 plus 1.5×
// the cost of each selected child, and a field with `first`/`last` multiplies its cost by the
// page size. Armor reads page sizes only from literals; here `first: $n` counts $n too, or a
// client could ask for 100 items at the price of one. Costs are rounded up to whole points.
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { Kind, OperationTypeNode, validate, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

export interface PricedOperation {
  cost: number;
  operation: OperationTypeNode;
}

/** documents whose page sizes are all literals, priced once per operation name */
const fixedCosts = new WeakMap<DocumentNode, Map<string | undefined, PricedOperation | null>>();

/** whether a document takes a page size from a variable (its price then depends on the variables) */
const variablePaging = new WeakMap<DocumentNode, boolean>();
function pagedByVariable(document: DocumentNode): boolean {
  let found = variablePaging.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument(node) {
        if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) found = true;
      },
    });
    variablePaging.set(document, found);
  }
  return found;
}

/** the document with `first: $n` / `last: $n` replaced by the value the caller sent */
function withPageSizesInlined(document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  return visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = variables[node.value.name.value];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return null;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
}

function price(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): PricedOperation | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!chosen) return null;
  const costs: number[] = [];
  // armor's visitor reports each operation's cost through onAccept, in document order
  validate(schema, document, [costLimitRule({ maxCost: Number.MAX_SAFE_INTEGER, propagateOnRejection: false, onAccept: [(_context, { n }) => costs.push(n)] })]);
  const cost = costs[operations.indexOf(chosen)];
  return cost === undefined ? null : { cost: Math.max(1, Math.ceil(cost)), operation: chosen.operation };
}

/** The cost of the operation that runs, or null when the document does not name one unambiguously. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): PricedOperation | null {
  const name = operationName ?? undefined;
  if (pagedByVariable(document)) return price(schema, withPageSizesInlined(document, variables ?? {}), name);
  let byName = fixedCosts.get(document);
  if (!byName) fixedCosts.set(document, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, price(schema, document, name));
  return byName.get(name)!;
}
