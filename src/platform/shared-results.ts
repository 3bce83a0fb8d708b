// One execution per published event for every subscriber that asked the same thing.
// A room with 10,000 viewers receives one snapshot object per instance (pub/sub hands the
// same object to every listener); executing the viewers' identical subscription document
// against it 10,000 times dominated the fan-out. A producer marks a payload `shareable`
// when the type it resolves to never reads the context (no viewer-dependent field, no
// auth on nested fields); for those, the result of (payload, document, operation,
// variables) is computed once and handed to every subscriber. Anything else executes per
// subscriber, as graphql-js does.
import type { Plugin } from '@envelop/core';
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

const shareablePayloads = new WeakSet<object>();
const resultsByPayload = new WeakMap<object, WeakMap<DocumentNode, Map<string, Result>>>();
/** results handed to several subscribers, and their JSON once serialised (see sharedResultJson) */
const sharedResults = new WeakSet<object>();
const serialised = new WeakMap<object, string>();

/** Marks a published payload as the same for every subscriber (its GraphQL type must not read the context). */
export function shareable<T extends object>(payload: T): T {
  shareablePayloads.add(payload);
  return payload;
}

function executeFor(args: ExecutionArgs, payload: unknown): Result {
  const single = () => execute({ ...args, rootValue: payload }) as Result;
  if (typeof payload !== 'object' || payload === null || !shareablePayloads.has(payload)) return single();
  let byDocument = resultsByPayload.get(payload);
  if (!byDocument) resultsByPayload.set(payload, (byDocument = new WeakMap()));
  let byVariables = byDocument.get(args.document);
  if (!byVariables) byDocument.set(args.document, (byVariables = new Map()));
  const key = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
  let result = byVariables.get(key);
  if (!result) {
    result = single();
    const mark = (value: ExecutionResult) => (sharedResults.add(value), value);
    result = result instanceof Promise ? result.then(mark) : mark(result);
    byVariables.set(key, result);
  }
  return result;
}

/**
 * The JSON of a result shared by several subscribers (as graphql-ws would write it as a
 * `next` payload), serialised once however many subscribers send it; undefined for a result
 * executed for one subscriber only.
 */
export function sharedResultJson(result: ExecutionResult): string | undefined {
  if (!sharedResults.has(result)) return undefined;
  let json = serialised.get(result);
  if (json === undefined) {
    const { errors, ...rest } = result;
    json = JSON.stringify(errors ? { ...rest, errors: errors.map((error) => error.toJSON()) } : rest);
    serialised.set(result, json);
  }
  return json;
}

// a plain iterator, not an async generator: return() must reach the source at once even
// while next() waits (graphql-ws calls it when the client completes)
function mapEvents(source: AsyncIterable<unknown>, args: ExecutionArgs): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
    return { value: undefined, done: true as const };
  };
  return {
    async next() {
      const next = await iterator.next();
      return next.done ? next : { value: await executeFor(args, next.value), done: false };
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function sharingSubscribe(args: ExecutionArgs) {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult; // errors before the stream started
  return mapEvents(source, args);
}

/** Envelop plugin: subscriptions execute each event through `executeFor`. */
export function useSharedSubscriptionResults(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(sharingSubscribe as never);
    },
  };
}
