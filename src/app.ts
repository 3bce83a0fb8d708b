// createApp(config): HTTP GraphQL (yoga, GraphiQL) and graphql-ws subscriptions on one port
// and path, plus the media route. Used by main, by tests and by benchmarks alike.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFetch } from '@whatwg-node/fetch';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, maskError } from 'graphql-yoga';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Config } from './config.ts';
import { createAuth, integrationBearer, type IntegrationViewer, type Viewer } from './platform/auth.ts';
import { authenticateIntegration } from './modules/integrations/tokens.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createContext, type AppServices, type Context } from './platform/context.ts';
import { openDatabase, type Database } from './platform/db.ts';
import { isTransientDatabaseError, retryAfterHeader, transientRefusal } from './platform/errors.ts';
import { createMediaStore } from './platform/media.ts';
import { useMutationAdmission } from './platform/admission.ts';
import { useCallerConcurrency } from './platform/caller-concurrency.ts';
import { callerKey } from './platform/callers.ts';
import { openCostBuckets } from './platform/cost-buckets.ts';
import { useCostBudget } from './platform/cost-budget.ts';
import { createConnectionCounter, subscriptionCapRefusal, TOO_MANY_CONNECTIONS_CLOSE } from './platform/ws-caps.ts';
import { corsPolicy, offlineGraphiQLRenderer, useDisableIntrospection } from './platform/exposure.ts';
import { listenStartupError } from './platform/startup-errors.ts';
import { useQueryLimits } from './platform/armor.ts';
import { usePageSizeLimit } from './platform/limits.ts';
import { useSizeLimits } from './platform/size-limits.ts';
import { useETag } from './platform/etag.ts';
import { useCompiledExecution } from './platform/compiled-execution.ts';
import { codedInputError, useNoNulCharacters } from './platform/input-errors.ts';
import { useSharedSubscriptionResults } from './platform/shared-results.ts';
import { batchSocketWrites, sendSharedResult } from './platform/ws-frames.ts';
import { openPubSub } from './platform/pubsub.ts';
import { Runtime } from './platform/runtime.ts';
import { startJobs } from './jobs.ts';
import { createRoutes } from './routes.ts';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { TracerProvider } from '@opentelemetry/api';
import { healthRoute } from './platform/health.ts';
import { createMetrics } from './platform/metrics.ts';
import { registerStateGauges } from './platform/state-gauges.ts';
import { operationRecorder } from './platform/operation-log.ts';
import { useTracing } from './platform/tracing.ts';
import { schema } from './schema.ts';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** a PGlite dump to start from instead of DATA_DIR's contents (tests) */
  loadDataDir?: Blob;
  /** PGlite location override (tests use memory://) */
  pgliteDataDir?: string;
  /** where OpenTelemetry spans go when tracing is on (default: the globally registered provider) */
  tracerProvider?: TracerProvider;
}

export interface App {
  /** http://host:port/graphql */
  url: string;
  port: number;
  services: AppServices;
  database: Database;
  close(): Promise<void>;
}

/**
 * The yoga Prometheus plugin's series this app serves (README). The plugin turns every other
 * one on unless told otherwise; some walk each request's document again (deprecated-field
 * counting visits it with TypeInfo), which cost more CPU per DM than the whole operation log.
 */
const yogaMetrics = {
  graphql_envelop_request_duration: true,
  graphql_envelop_error_result: true,
  graphql_yoga_http_duration: true,
  graphql_envelop_deprecated_field: false,
  graphql_envelop_request: false,
  graphql_envelop_request_time_summary: false,
  graphql_envelop_phase_parse: false,
  graphql_envelop_phase_validate: false,
  graphql_envelop_phase_context: false,
  graphql_envelop_execute_resolver: false,
  graphql_envelop_phase_execute: false,
  graphql_envelop_phase_subscribe: false,
  graphql_envelop_schema_change: false,
};

/** The HTTP status an error carries for yoga means nothing on a socket. */
function withoutHttpStatus(error: GraphQLError): GraphQLError {
  if (!error.extensions?.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions });
}

function bearerFromConnectionParams(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization ?? (params?.token ? `Bearer ${String(params.token)}` : undefined);
  return typeof value === 'string' ? value : undefined;
}

/** `refusal` at the place in the document where `error` happened. */
function withLocation(refusal: GraphQLError, error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) return refusal;
  return new GraphQLError(refusal.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions: refusal.extensions });
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: undefined });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.poolSize, statementCacheSize: config.statementCacheSize, dataDir: config.dataDir, loadDataDir: options.loadDataDir, pgliteDataDir: options.pgliteDataDir, logger });
  const metrics = createMetrics();
  const pubsub = await openPubSub(config.redisUrl, logger, config.observability.metrics ? (lagMs) => metrics.pubsubLagSeconds.observe(lagMs / 1000) : undefined);
  const limits = config.callerLimits;
  const costBuckets = limits.cost.enabled ? await openCostBuckets(config.redisUrl, limits.cost, logger) : null;
  let listeningOrigin = `http://localhost:${config.port}`;
  const publicUrl = () => config.publicUrl ?? listeningOrigin;
  const auth = await createAuth(config, database.prisma);
  const services: AppServices = {
    config,
    db: database.prisma,
    pubsub,
    clock: options.clock ?? systemClock,
    media: createMediaStore(config.mediaDir, publicUrl),
    auth,
    metrics,
    runtime: new Runtime(),
    publicUrl,
  };

  const recorder = operationRecorder(logger, config.observability.metrics ? metrics : null, '/graphql');
  // integration tokens (lsa_…) are looked up by hash; anything else is a user's JWT
  const authenticate = async (authorization: string | null | undefined): Promise<{ viewer: Viewer | null; integration: IntegrationViewer | null }> => {
    const integrationToken = integrationBearer(authorization);
    if (integrationToken) return { viewer: null, integration: await authenticateIntegration(services, integrationToken) };
    return { viewer: await auth.authenticate(authorization), integration: null };
  };

  const yoga = createYoga<{ connectionParams?: Record<string, unknown>; req?: IncomingMessage }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: config.graphiql ? { title: 'livesuite', subscriptionsProtocol: 'WS' } : false,
    renderGraphiQL: offlineGraphiQLRenderer(),
    cors: corsPolicy(config.corsOrigins),
    landingPage: false,
    logging: logger,
    maskedErrors: {
      isDev: config.env === 'development',
      // the database being unreachable is the one retryable SERVICE_UNAVAILABLE, not a masked internal error
      // malformed input (variables, global ids) is BAD_USER_INPUT
      maskError: (error, message, isDev) => (isTransientDatabaseError(error) ? withLocation(transientRefusal(error)!, error) : (codedInputError(error) ?? maskError(error, message, isDev))),
    },
    fetchAPI: createFetch({ formDataLimits: { fileSize: config.maxUploadBytes, files: 20, fieldSize: config.sizeLimits.maxBodyBytes } }),
    // useSizeLimits applies yoga's 25 MB request cap itself (yoga's would wrap every body a second time)
    maxRequestBodySize: false,
    // page sizes before armor: a literal first: 500 is refused for its size, not for its cost
    plugins: [
      // queries and mutations run as compiled functions (graphql-jit); first, since it replaces
      // the executor that the wrappers below wrap
      useCompiledExecution(),
      recorder.plugin,
      ...(config.observability.metrics ? [usePrometheus({ registry: metrics.registry, endpoint: '/metrics', metrics: yogaMetrics })] : []),
      ...(config.observability.tracing ? [await useTracing(options.tracerProvider)] : []),
      useSizeLimits(config.sizeLimits),
      usePageSizeLimit(),
      useNoNulCharacters(),
      useQueryLimits(),
      useMutationAdmission(config.admission, {
        queued: (read) => metrics.gauge('livesuite_admission_queue_length', 'Mutations waiting for an execution slot (MUTATION_CONCURRENCY)', read),
        refused: (reason) => metrics.admissionRefusals.inc({ reason }),
      }),
      // execution wrappers run outermost last: a caller's concurrency slot, then its cost, then admission
      ...(costBuckets ? [useCostBudget(costBuckets, limits.cost)] : []),
      useCallerConcurrency(limits),
      useSharedSubscriptionResults(),
      useETag(),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
    ],
    context: async (initial) => {
      const authorization = initial.request ? initial.request.headers.get('authorization') : bearerFromConnectionParams(initial.connectionParams);
      const { viewer, integration } = await authenticate(authorization);
      return createContext(services, viewer, integration);
    },
  });

  let closing: Promise<void> | undefined;
  const routes = [healthRoute({ db: database.prisma, pubsub, closing: () => closing !== undefined }), ...createRoutes(services)];
  const server = createServer(async (req, res) => {
    try {
      for (const route of routes) if (await route(req, res)) return;
    } catch (error) {
      // the database being away is a retryable 503, as it is for GraphQL requests
      const transient = isTransientDatabaseError(error);
      if (!transient) logger.error(error);
      if (!res.headersSent) res.writeHead(transient ? 503 : 500, transient ? retryAfterHeader : {}).end();
      return;
    }
    void yoga(req, res);
  });

  // listen before the WebSocket server attaches: ws re-emits the HTTP server's errors and
  // graphql-ws prints them as an "internal error" with a stack trace, not our one line
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await pubsub.close();
    await costBuckets?.close();
    await database.close();
    throw listenStartupError(error, config);
  }
  // a WebSocket message is capped like a request body (ws closes the socket with 1009 past it)
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: config.sizeLimits.maxBodyBytes });
  batchSocketWrites(wss);
  wss.on('headers', (headers, req) => recorder.ws.upgradeHeaders(headers, req));
  if (config.observability.metrics) registerStateGauges(metrics, wss, database, services);
  type RootValue = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  const connections = createConnectionCounter(limits.wsConnections);
  const wsServer = useServer(
    {
      onConnect: async (ctx) => {
        let caller;
        try {
          caller = callerKey({ ...(await authenticate(bearerFromConnectionParams(ctx.connectionParams))), req: ctx.extra.request });
        } catch {
          // a bad token: each of its operations is refused; meanwhile it counts by address
          caller = callerKey({ req: ctx.extra.request });
        }
        if (!connections.admit(caller)) {
          ctx.extra.socket.close(TOO_MANY_CONNECTIONS_CLOSE.code, TOO_MANY_CONNECTIONS_CLOSE.reason);
          return false;
        }
        // closed while it was being identified: 'close' has fired already
        if (ctx.extra.socket.readyState >= ctx.extra.socket.CLOSING) {
          connections.release(caller);
          return false;
        }
        ctx.extra.socket.once('close', () => connections.release(caller));
        return true;
      },
      execute: (args) => (args.rootValue as RootValue).execute(args) as never,
      subscribe: (args) => (args.rootValue as RootValue).subscribe(args) as never,
      onNext: (ctx, id, _payload, _args, result) => {
        recorder.ws.next(ctx, id, result as ExecutionResult);
        return sendSharedResult(ctx.extra.socket, id, result as ExecutionResult) as never;
      },
      onOperation: (ctx, id, _payload, args) => recorder.ws.operation(ctx, id, args),
      onError: (ctx, id, _payload, errors) => recorder.ws.error(ctx, id, errors),
      onComplete: (ctx, id) => recorder.ws.complete(ctx, id),
      onClose: (ctx) => recorder.ws.closed(ctx),
      onSubscribe: async (ctx, id, params) => {
        recorder.ws.subscribe(ctx, id, bearerFromConnectionParams(ctx.connectionParams), params.operationName);
        const capped = subscriptionCapRefusal(Object.keys(ctx.subscriptions).length, limits.subscriptionsPerConnection);
        if (capped) return capped;
        const enveloped = yoga.getEnveloped({ connectionParams: ctx.connectionParams, req: ctx.extra.request, params });
        let document;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? withoutHttpStatus(error) : new GraphQLError(String(error))];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors.map(withoutHttpStatus);
        let contextValue;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          const refusal = transientRefusal(error);
          if (refusal) return [refusal];
          throw error;
        }
        return {
          schema: enveloped.schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wss,
  );

  startJobs(services);
  const port = (server.address() as AddressInfo).port;
  listeningOrigin = `http://localhost:${port}`;
  logger.debug({ port }, 'listening');

  return {
    url: `http://localhost:${port}/graphql`,
    port,
    services,
    database,
    close() {
      closing ??= (async () => {
        // /ready answers 503 from now on. Stop taking connections; requests already received
        // (and queries or mutations in flight on WebSockets) finish within the grace period;
        // then subscribers are told to reconnect elsewhere (1001 Going Away), the background
        // jobs drain (the webhook worker finishes its deliveries in flight), and the
        // connections to PostgreSQL and Redis close.
        const graceMs = config.shutdownGraceMs;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // a keep-alive connection whose last response just went out would otherwise stay open
        // until its keep-alive timeout
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        const forced = setTimeout(() => server.closeAllConnections(), graceMs);
        await recorder.ws.settled(graceMs);
        for (const client of wss.clients) client.close(1001, 'Server shutting down');
        await wsServer.dispose();
        await serverClosed;
        clearTimeout(forced);
        clearInterval(sweeper);
        await services.runtime.stopAll();
        await pubsub.close();
        await costBuckets?.close();
        await database.close();
      })();
      return closing;
    },
  };
}
