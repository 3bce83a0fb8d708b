// Queries and mutations run as compiled functions (graphql-jit) instead of yoga's executor,
// which walks the document field by field for every row of a list: the inbox page's 20 rows cost
// about a tenth less CPU. Each (document, operation) is compiled once and kept as long as yoga
// keeps the parsed document. Subscriptions keep the shared-results executor.
//
// graphql-jit coerces variables with messages of its own: a custom scalar's reason ("Date must
// be a calendar date") becomes "Expected type Date.". A request whose variables it refuses is
// handed to yoga's executor, which refuses them before running anything, in graphql-js's words.
// A document graphql-jit cannot compile runs on yoga's executor as well.
import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

type Compiled = CompiledQuery | null; // null: a subscription, or not compilable: yoga's executor runs it

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | null)?.then === 'function';
/** refused variables: no `data` at all (nothing ran) */
const refused = (result: ExecutionResult) => !('data' in result);

function compile(args: ExecutionArgs): Compiled {
  if (getOperationAST(args.document, args.operationName)?.operation === 'subscription') return null;
  const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
  return isCompiledQuery(result) ? result : null;
}

export function useCompiledExecution(): Plugin {
  // decided once per (document, operation): the operation's kind and its compiled function
  const compiledByDocument = new WeakMap<DocumentNode, Map<string | null, Compiled>>();
  const compiled = (args: ExecutionArgs): Compiled => {
    let byOperation = compiledByDocument.get(args.document);
    if (!byOperation) compiledByDocument.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? null;
    let entry = byOperation.get(name);
    if (entry === undefined) byOperation.set(name, (entry = compile(args)));
    return entry;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const query = compiled(args);
      if (!query) return;
      setExecuteFn((execution: ExecutionArgs) => {
        const result = query.query(execution.rootValue, execution.contextValue, execution.variableValues);
        if (isPromise(result)) return result.then((r) => (refused(r) ? executeFn(execution) : r));
        return refused(result) ? executeFn(execution) : result;
      });
    },
  };
}
