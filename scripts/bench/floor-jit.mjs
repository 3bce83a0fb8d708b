// graphql-jit in place of yoga's executor for the chosen stack's floors (yoga-inbox.mjs,
// yoga-dm.mjs), as the app executes queries and mutations: each document compiled once.
import { getOperationAST } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';

export function useJit() {
  const compiled = new WeakMap();
  return {
    onExecute({ args, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation === 'subscription') return;
      if (!compiled.has(args.document)) compiled.set(args.document, compileQuery(args.schema, args.document, args.operationName ?? undefined));
      const query = compiled.get(args.document);
      if (isCompiledQuery(query)) setExecuteFn((execution) => query.query(execution.rootValue, execution.contextValue, execution.variableValues));
    },
  };
}
