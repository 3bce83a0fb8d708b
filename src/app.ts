// createApp(config): HTTP GraphQL (yoga, GraphiQL) and graphql-ws subscriptions on one port
// and path, plus the media route. Used by main, by tests and by benchmarks alike.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createFetch } from '@whatwg-node/fetch';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Config } from './config.ts';
import { createAuth, integrationBearer, type Viewer } from './platform/auth.ts';
import { authenticateIntegration } from './modules/integrations/tokens.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createContext, type AppServices, type Context } from './platform/context.ts';
import { openDatabase, type Database } from './platform/db.ts';
import { createMediaStore } from './platform/media.ts';
import { useMutationAdmission } from './platform/admission.ts';
import { usePageSizeLimit } from './platform/limits.ts';
import { useSharedSubscriptionResults } from './platform/shared-results.ts';
import { openPubSub } from './platform/pubsub.ts';
import { Runtime } from './platform/runtime.ts';
import { startJobs } from './jobs.ts';
import { createRoutes } from './routes.ts';
import { schema } from './schema.ts';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** a PGlite dump to start from instead of DATA_DIR's contents (tests) */
  loadDataDir?: Blob;
  /** PGlite location override (tests use memory://) */
  pgliteDataDir?: string;
}

export interface App {
  /** http://host:port/graphql */
  url: string;
  port: number;
  services: AppServices;
  database: Database;
  close(): Promise<void>;
}

const armor = EnvelopArmorPlugin({
  maxDepth: { n: 12 },
  maxAliases: { n: 20 },
  maxDirectives: { n: 20 },
  maxTokens: { n: 5000 },
  costLimit: { maxCost: 20000 },
});

function bearerFromConnectionParams(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization ?? (params?.token ? `Bearer ${String(params.token)}` : undefined);
  return typeof value === 'string' ? value : undefined;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: undefined });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.poolSize, dataDir: config.dataDir, loadDataDir: options.loadDataDir, pgliteDataDir: options.pgliteDataDir });
  const pubsub = await openPubSub(config.redisUrl);
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
    runtime: new Runtime(),
    publicUrl,
  };

  const yoga = createYoga<{ connectionParams?: Record<string, unknown>; req?: IncomingMessage }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'livesuite', subscriptionsProtocol: 'WS' },
    landingPage: false,
    logging: logger,
    maskedErrors: { isDev: config.env === 'development' },
    fetchAPI: createFetch({ formDataLimits: { fileSize: config.maxUploadBytes, files: 20, fieldSize: 1024 * 1024 } }),
    plugins: [armor, usePageSizeLimit(), useMutationAdmission(config.admission), useSharedSubscriptionResults()],
    context: async (initial) => {
      const authorization = initial.request ? initial.request.headers.get('authorization') : bearerFromConnectionParams(initial.connectionParams);
      // integration tokens (lsa_…) are looked up by hash; anything else is a user's JWT
      const integrationToken = integrationBearer(authorization);
      if (integrationToken) return createContext(services, null, await authenticateIntegration(services, integrationToken));
      const viewer: Viewer | null = await auth.authenticate(authorization);
      return createContext(services, viewer);
    },
  });

  const routes = createRoutes(services);
  const server = createServer(async (req, res) => {
    try {
      for (const route of routes) if (await route(req, res)) return;
    } catch (error) {
      logger.error(error);
      if (!res.headersSent) res.writeHead(500).end();
      return;
    }
    void yoga(req, res);
  });

  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  type RootValue = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
  const wsServer = useServer(
    {
      execute: (args) => (args.rootValue as RootValue).execute(args) as never,
      subscribe: (args) => (args.rootValue as RootValue).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = yoga.getEnveloped({ connectionParams: ctx.connectionParams, req: ctx.extra.request, params });
        let document;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        let contextValue;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  startJobs(services);
  const port = (server.address() as AddressInfo).port;
  listeningOrigin = `http://localhost:${port}`;
  logger.debug({ port }, 'listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    services,
    database,
    close() {
      closing ??= (async () => {
        // stop taking connections, tell WebSocket clients we are going away, then drain
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const client of wss.clients) client.close(1001, 'Server shutting down');
        await wsServer.dispose();
        server.closeIdleConnections();
        const forced = setTimeout(() => server.closeAllConnections(), 5000);
        await serverClosed;
        clearTimeout(forced);
        await services.runtime.stopAll();
        await pubsub.close();
        await database.close();
      })();
      return closing;
    },
  };
}
