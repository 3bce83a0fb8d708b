// The floor of the viewer DM on the chosen stack: one DM as graphql-yoga and graphql-ws do it
// without the app — a `send` mutation over HTTP (compiled by graphql-jit, as the app's are; default field resolvers), the
// sender's bearer token verified with jose in yoga's context (key imported once), one INSERT into
// "Message" over a pg pool as large as the app's, the message published on yoga's in-process
// pub/sub and delivered over graphql-ws to the host console's subscription, as the app delivers
// a viewer DM to the console. No Pothos, Prisma, rules, authorization, log or metrics: what the
// app's DM would cost if everything it adds to the stack were free. POST and WebSocket on PORT;
// DATABASE_URL, AUTH_SECRET.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { useJit } from './floor-jit.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const key = createSecretKey(Buffer.from(process.env.AUTH_SECRET ?? ''));
const pubsub = createPubSub();

const typeDefs = /* GraphQL */ `
  type Query { ok: Boolean }
  type Mutation { send(conversationId: ID!, text: String!): SendPayload! }
  type SendPayload { message: Message! }
  type Message { id: ID! text: String! createdAt: String! }
  type Subscription { console(conversationId: ID!): Message! }
`;
const resolvers = {
  Mutation: {
    async send(_root, { conversationId, text }, context) {
      if (!context.subject) throw new GraphQLError('unauthenticated');
      const {
        rows: [message],
      } = await pool.query({
        name: 'send',
        text: `INSERT INTO "Message" (id, "conversationId", direction, kind, text, "senderId", "createdAt") SELECT gen_random_uuid(), c.id, 'INBOUND', 'TEXT', $2, c."userId", now() FROM "Conversation" c WHERE c.id = $1 RETURNING id, text, "createdAt"`,
        values: [conversationId, text],
      });
      const event = { id: message.id, text: message.text, createdAt: message.createdAt.toISOString() };
      pubsub.publish(`console:${conversationId}`, event);
      return { message: event };
    },
  },
  Subscription: {
    console: { subscribe: (_root, { conversationId }) => pubsub.subscribe(`console:${conversationId}`), resolve: (event) => event },
  },
};

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  logging: false,
  landingPage: false,
  graphiql: false,
  // the mutation compiled by graphql-jit, as the app runs it (the subscription on yoga's executor)
  plugins: [useJit()],
  context: async ({ request, connectionParams }) => {
    const authorization = request?.headers.get('authorization') ?? connectionParams?.authorization;
    if (!authorization) return { subject: null };
    const { payload } = await jwtVerify(authorization.slice(7), key);
    return { subject: payload.sub };
  },
});
const server = createServer(yoga);
useServer(
  {
    execute: (args) => args.rootValue.execute(args),
    subscribe: (args) => args.rootValue.subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, connectionParams: ctx.connectionParams });
      const args = { schema, operationName: params.operationName, document: parse(params.query), variableValues: params.variables, contextValue: await contextFactory(), rootValue: { execute, subscribe } };
      const errors = validate(args.schema, args.document);
      return errors.length ? errors : args;
    },
  },
  new WebSocketServer({ server, path: '/graphql' }),
);
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => process.send?.({ ready: true }));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
