// At most `concurrentOperations` queries and mutations of one caller run at once on an
// instance, so that one client firing hundreds of requests cannot take every database
// connection and admission slot from the others. More wait in line for at most `queueMs`,
// then are refused, having run nothing: TOO_MANY_CONCURRENT_OPERATIONS (HTTP 429 with
// Retry-After). Subscriptions are capped per connection instead (ws-caps.ts).
import type { Plugin } from '@envelop/core';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { Gate } from './admission.ts';
import { callerKey, type CallerSource } from './callers.ts';

export interface CallerConcurrency {
  concurrentOperations: number;
  queueMs: number;
}

const RETRY_AFTER_SECONDS = 1;

function refused(overHttp: boolean, max: number): ExecutionResult {
  const http = overHttp ? { http: { status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } } : {};
  const message = `You have ${max} operations running already; nothing was run, retry when one has finished.`;
  return { errors: [new GraphQLError(message, { extensions: { code: 'TOO_MANY_CONCURRENT_OPERATIONS', retryable: true, retryAfterMs: RETRY_AFTER_SECONDS * 1000, ...http } })] };
}

export function useCallerConcurrency(limits: CallerConcurrency): Plugin {
  const gates = new Map<string, Gate>();
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const context = args.contextValue as CallerSource & { request?: unknown };
      const caller = callerKey(context);
      setExecuteFn(async (executeArgs) => {
        let gate = gates.get(caller);
        if (!gate) gates.set(caller, (gate = new Gate(limits.concurrentOperations)));
        if (!(await gate.enter(limits.queueMs))) return refused(context.request !== undefined, limits.concurrentOperations);
        try {
          return await executeFn(executeArgs);
        } finally {
          gate.leave();
          if (gate.idle) gates.delete(caller);
        }
      });
    },
  };
}
