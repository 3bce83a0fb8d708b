// The floor of the inbox page on the chosen stack: the same `inbox(first: 20)` request through
// graphql-yoga and graphql-js (an SDL schema of the fields the benchmark selects, default field
// resolvers), the bearer token verified with jose in yoga's context (key imported once), and the
// app's own SQL statement (recorded from the app by reads.ts, BARE_STATEMENT) run as a prepared
// statement over a pg pool. No Pothos, no Prisma, no authorization plugins, no logging: what the
// app's inbox would cost if everything it adds to yoga and pg were free. POST on PORT;
// DATABASE_URL, AUTH_SECRET.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { useJit } from './floor-jit.mjs';
import { jwtVerify } from 'jose';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const key = createSecretKey(Buffer.from(process.env.AUTH_SECRET ?? ''));
const statement = process.env.BARE_STATEMENT ? JSON.parse(process.env.BARE_STATEMENT) : null;

const typeDefs = /* GraphQL */ `
  type Query { inbox(accountId: ID!, first: Int): InboxConnection! }
  type InboxConnection { edges: [InboxEdge!]! pageInfo: PageInfo! }
  type InboxEdge { node: Conversation! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  enum ConversationState { OPEN REQUEST CLOSED }
  type Conversation { id: ID! contact: Contact! lastMessage: Message state: ConversationState! unread: Boolean! repliesLeft: Int! }
  type Contact { handle: String! }
  type Message { text: String createdAt: String! }
`;
const resolvers = {
  Query: {
    async inbox(_root, args, context) {
      if (!context.subject || !statement) throw new GraphQLError('forbidden');
      const { rows } = await pool.query({ name: 'inbox', text: statement.text, values: statement.values });
      if (rows.length === 0 || rows[0]['acc.membershipId'] == null) throw new GraphQLError('forbidden');
      const first = args.first ?? 20;
      const page = rows[0].id == null ? [] : rows.slice(0, first);
      return { edges: page.map((row) => ({ node: row })), pageInfo: { hasNextPage: rows.length > first, endCursor: page.at(-1)?.id ?? null } };
    },
  },
  Conversation: {
    contact: (row) => ({ handle: row['u.handle'] }),
    lastMessage: (row) => (row['m.id'] ? { text: row['m.text'], createdAt: row['m.createdAt'].toISOString() } : null),
    repliesLeft: () => 0,
  },
};

const yoga = createYoga({
  schema: createSchema({ typeDefs, resolvers }),
  logging: false,
  landingPage: false,
  graphiql: false,
  plugins: process.env.YOGA_JIT ? [useJit()] : [],
  context: async ({ request }) => {
    const bearer = request.headers.get('authorization')?.slice(7);
    if (!bearer) return { subject: null };
    const { payload } = await jwtVerify(bearer, key);
    return { subject: payload.sub };
  },
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => process.send?.({ ready: true }));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
