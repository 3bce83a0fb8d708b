// One structured log line (info) and one metrics sample per GraphQL operation, over HTTP and
// WebSocket alike: request id, operation name and type, caller kind, duration, outcome and
// error codes. Never the token, the variables, the document or the result: those carry
// message texts and secrets. The request id is the caller's `x-request-id` when it is a sane
// token (so a proxy's id follows the request), else a fresh UUID; it is returned in the
// `x-request-id` response header (for WebSockets, on the upgrade response, shared by every
// operation of the connection, each line also naming the operation's id on the socket).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { getOperationAST, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { integrationBearer } from './auth.ts';
import type { Metrics } from './metrics.ts';

export type CallerKind = 'user' | 'integration' | 'anonymous';

/** From the Authorization value alone: the token is never kept, and a refused token still has a kind. */
export function callerKind(authorization: string | null | undefined): CallerKind {
  if (!authorization?.trim()) return 'anonymous';
  return integrationBearer(authorization) ? 'integration' : 'user';
}

/** `query Name`, `mutation`, `{` at the start of a document: its type and name when it begins with its operation */
const OPERATION_HEAD = /^\s*(?:(query|mutation|subscription)\b\s*([_A-Za-z]\w*)?|\{)/;

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** The caller's x-request-id when it is a plain token (no spaces or control characters, ≤ 128), else a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

interface OperationState {
  requestId: string;
  started: number;
  caller: CallerKind;
  name?: string;
  type?: string;
  codes?: string[];
  transport: 'http' | 'ws';
  /** the operation's id on its WebSocket */
  id?: string;
  subscribed?: boolean;
}

type ErrorLike = GraphQLError | GraphQLFormattedError;

function addCodes(state: OperationState, errors: readonly ErrorLike[] | undefined): void {
  if (!errors?.length) return;
  const codes = (state.codes ??= []);
  for (const error of errors) {
    const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    if (!codes.includes(code)) codes.push(code);
  }
}

function describe(state: OperationState, document: DocumentNode, operationName: string | null | undefined): void {
  const operation = getOperationAST(document, operationName);
  state.type = operation?.operation ?? state.type;
  state.name ??= operationName ?? operation?.name?.value;
}

export interface OperationRecorder {
  /** the yoga plugin for HTTP operations */
  plugin: Plugin;
  /** graphql-ws hooks for operations over WebSockets (call from useServer's callbacks) */
  ws: {
    /** the upgrade's request id (set on its response by `upgradeHeaders`) */
    upgradeHeaders(headers: string[], req: IncomingMessage): void;
    subscribe(ctx: WsContext, id: string, authorization: string | undefined, operationName: string | null | undefined): void;
    operation(ctx: WsContext, id: string, args: ExecutionArgs): void;
    next(ctx: WsContext, id: string, result: ExecutionResult): void;
    error(ctx: WsContext, id: string, errors: readonly ErrorLike[]): void;
    complete(ctx: WsContext, id: string): void;
    /** the socket closed: whatever graphql-ws did not complete (a failed subscribe) ends here */
    closed(ctx: WsContext): void;
    /** resolves once no query or mutation is in flight on any socket (subscriptions aside), or after `waitMs` */
    settled(waitMs: number): Promise<void>;
  };
}

export interface WsContext {
  extra: { request: IncomingMessage };
}

export function operationRecorder(logger: Logger, metrics: Metrics | null, endpoint: string): OperationRecorder {
  const logging = logger.isLevelEnabled('info');
  const finish = (state: OperationState, status?: number) => {
    const durationMs = performance.now() - state.started;
    const outcome = state.codes?.[0] ?? 'ok';
    const name = state.name ?? 'anonymous';
    const type = state.type ?? 'unknown';
    if (metrics) {
      const labels = { operation: name, type, outcome };
      metrics.operations.inc(labels);
      metrics.operationSeconds.observe(labels, durationMs / 1000);
    }
    if (logging)
      logger.info(
        {
          requestId: state.requestId,
          ...(state.id === undefined ? {} : { operationId: state.id }),
          transport: state.transport,
          operation: { name, type },
          caller: state.caller,
          durationMs: Math.round(durationMs * 100) / 100,
          outcome: state.codes ? 'error' : 'ok',
          ...(state.codes ? { errorCodes: state.codes } : {}),
          ...(status === undefined ? {} : { status }),
        },
        'operation',
      );
  };

  // HTTP: one state per request, from the request to its response
  const requests = new WeakMap<Request, OperationState>();
  const plugin: Plugin = {
    onRequest({ request, url }) {
      if (url.pathname !== endpoint) return;
      requests.set(request, { requestId: requestIdFrom(request.headers.get('x-request-id')), started: performance.now(), caller: callerKind(request.headers.get('authorization')), transport: 'http' });
    },
    onParams({ params, request }) {
      const state = requests.get(request);
      if (!state) return;
      if (params.operationName) state.name = params.operationName;
      // named even when refused before parsing (a bad token): a look at the first words, no parse
      const head = params.query ? OPERATION_HEAD.exec(params.query) : null;
      if (head) {
        state.type = head[1] ?? 'query';
        state.name ??= head[2];
      }
    },
    onExecute({ args }) {
      const state = requests.get((args.contextValue as { request?: Request }).request!);
      if (state) describe(state, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      const state = requests.get((args.contextValue as { request?: Request }).request!);
      if (state) describe(state, args.document, args.operationName);
    },
    onResultProcess({ request, result }) {
      const state = requests.get(request);
      if (!state) return;
      for (const single of Array.isArray(result) ? result : [result]) addCodes(state, (single as ExecutionResult).errors);
    },
    onResponse({ request, response }) {
      const state = requests.get(request);
      if (!state) return;
      requests.delete(request);
      response.headers.set('x-request-id', state.requestId);
      // GraphiQL's page and other non-operation answers of the endpoint are not operations
      if (state.type === undefined && state.name === undefined && !state.codes) return;
      finish(state, response.status);
    },
  };

  // WebSockets: one request id per connection, one state per operation id on it
  const upgradeIds = new WeakMap<IncomingMessage, string>();
  const sockets = new WeakMap<object, Map<string, OperationState>>();
  /** queries and mutations in flight on WebSockets */
  let inFlight = 0;
  const stateOf = (ctx: WsContext, id: string) => sockets.get(ctx)?.get(id);
  const end = (ctx: WsContext, id: string) => {
    const state = stateOf(ctx, id);
    if (!state) return;
    sockets.get(ctx)!.delete(id);
    if (state.subscribed) metrics?.activeSubscriptions.dec();
    else inFlight -= 1;
    finish(state);
  };
  return {
    plugin,
    ws: {
      upgradeHeaders(headers, req) {
        const id = requestIdFrom(req.headers['x-request-id'] as string | undefined);
        upgradeIds.set(req, id);
        headers.push(`x-request-id: ${id}`);
      },
      subscribe(ctx, id, authorization, operationName) {
        let operations = sockets.get(ctx);
        if (!operations) sockets.set(ctx, (operations = new Map()));
        const requestId = upgradeIds.get(ctx.extra.request) ?? randomUUID();
        inFlight += 1;
        operations.set(id, { requestId, id, started: performance.now(), caller: callerKind(authorization), transport: 'ws', name: operationName ?? undefined });
      },
      operation(ctx, id, args) {
        const state = stateOf(ctx, id);
        if (!state) return;
        describe(state, args.document, args.operationName);
        if (state.type === 'subscription') {
          state.subscribed = true;
          inFlight -= 1;
          metrics?.activeSubscriptions.inc();
        }
      },
      next(ctx, id, result) {
        if (result.errors) {
          const state = stateOf(ctx, id);
          if (state) addCodes(state, result.errors);
        }
      },
      error(ctx, id, errors) {
        const state = stateOf(ctx, id);
        if (!state) return;
        addCodes(state, errors);
        // refused before it started (parse, validation, authentication): graphql-ws completes nothing
        if (state.type === undefined) end(ctx, id);
      },
      complete: end,
      closed(ctx) {
        for (const id of [...(sockets.get(ctx)?.keys() ?? [])]) end(ctx, id);
        sockets.delete(ctx);
      },
      async settled(waitMs) {
        for (const deadline = Date.now() + waitMs; inFlight > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      },
    },
  };
}
