// The per-caller cost budget, as Shopify's API does it: every query, mutation and subscription
// start is priced (cost.ts) and drawn from its caller's bucket (cost-buckets.ts) before it
// runs; the answer reports the draw in `extensions.cost`. An operation the bucket cannot pay
// for runs nothing: RATE_LIMITED, with HTTP 429 and Retry-After over HTTP, a coded error over
// WebSocket. Subscriptions pay once, when they start.
import type { Plugin } from '@envelop/core';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { callerKey, type CallerSource } from './callers.ts';
import type { BucketShape, CostBuckets } from './cost-buckets.ts';
import { operationCost } from './cost.ts';

export interface CostExtension {
  requestedQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

type OperationContext = CallerSource & { request?: unknown };

/** WebSocket operations have no `request` in their context (yoga's HTTP requests do) */
const overHttp = (context: OperationContext) => context.request !== undefined;

function refusal(context: OperationContext, error: { code: string; message: string; retryAfterMs?: number }, cost: CostExtension): ExecutionResult {
  const retryAfterSeconds = error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  const http = overHttp(context) ? { http: { status: retryAfterSeconds ? 429 : 400, ...(retryAfterSeconds ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}) } } : {};
  const retry = error.retryAfterMs === undefined ? {} : { retryable: true, retryAfterMs: error.retryAfterMs };
  return { errors: [new GraphQLError(error.message, { extensions: { code: error.code, ...retry, ...http } })], extensions: { cost } };
}

export function useCostBudget(buckets: CostBuckets, shape: BucketShape): Plugin {
  const status = (available: number) => ({ maximumAvailable: shape.budget, currentlyAvailable: Math.floor(available), restoreRate: shape.restoreRate });

  /** the cost extension of an admitted operation, or the result that refuses it */
  async function draw(args: { schema: never; document: never; operationName?: string | null; variableValues?: unknown; contextValue: unknown }) {
    const priced = operationCost(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown>);
    if (!priced) return {};
    const context = args.contextValue as OperationContext;
    if (priced.cost > shape.budget) {
      const cost = { requestedQueryCost: priced.cost, throttleStatus: status(shape.budget) };
      return { refused: refusal(context, { code: 'QUERY_TOO_COMPLEX', message: `This operation costs ${priced.cost} points, more than a whole budget (${shape.budget}); ask for fewer fields or smaller pages.` }, cost) };
    }
    const taken = await buckets.take(callerKey(context), priced.cost);
    const cost: CostExtension = { requestedQueryCost: priced.cost, throttleStatus: status(taken.available) };
    if (taken.allowed) return { cost };
    const retryAfterMs = Math.ceil(((priced.cost - taken.available) / shape.restoreRate) * 1000);
    return {
      refused: refusal(context, { code: 'RATE_LIMITED', message: `Cost budget exhausted: this operation costs ${priced.cost} points, ${Math.floor(taken.available)} are available; nothing was run, retry in ${Math.ceil(retryAfterMs / 1000)} s.`, retryAfterMs }, cost),
    };
  }

  return {
    // wraps execution (rather than refusing in the hook) so that a caller waiting for one of
    // its concurrency slots (caller-concurrency.ts, the outer wrapper) pays only once admitted
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (executeArgs) => {
        const { cost, refused } = await draw(executeArgs as never);
        if (refused) return refused;
        const result = (await executeFn(executeArgs)) as ExecutionResult | AsyncIterable<unknown>;
        if (!cost || Symbol.asyncIterator in result) return result;
        return { ...result, extensions: { ...result.extensions, cost } };
      });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const { refused } = await draw(args as never);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
