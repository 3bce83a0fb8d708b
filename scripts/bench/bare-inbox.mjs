// The floor of the inbox page for the read figures: what the bare stack does for one
// `inbox(first: 20)` request, without GraphQL — an HTTP POST with a JSON body, the bearer token
// verified with jose (key imported once), the app's own SQL statement (access and page in one,
// recorded from the app by reads.ts and handed over in BARE_STATEMENT) run as a prepared
// statement over a pg pool, and the same JSON answer the app gives. POST on PORT; DATABASE_URL,
// AUTH_SECRET.
import { createSecretKey } from 'node:crypto';
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const key = createSecretKey(Buffer.from(process.env.AUTH_SECRET ?? ''));
const statement = process.env.BARE_STATEMENT ? JSON.parse(process.env.BARE_STATEMENT) : null;
const iso = (value) => (value instanceof Date ? value.toISOString() : value);

const server = createServer(async (request, response) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  try {
    const { variables } = JSON.parse(body || '{}');
    if (!variables?.a || !statement) {
      // the readiness probe of startAppProcess ({ __typename })
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}');
      return;
    }
    await jwtVerify((request.headers.authorization ?? '').slice(7), key);
    const { rows } = await pool.query({ name: 'inbox', text: statement.text, values: statement.values });
    if (rows.length === 0 || rows[0]['acc.membershipId'] == null) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"errors":[{"message":"forbidden"}]}');
      return;
    }
    const page = rows[0].id == null ? [] : rows.slice(0, 20);
    const edges = page.map((row) => ({
      node: {
        id: row.id,
        contact: { handle: row['u.handle'] },
        lastMessage: row['m.id'] ? { text: row['m.text'], createdAt: iso(row['m.createdAt']) } : null,
        state: row.state,
        unread: row.unread,
        repliesLeft: 0,
      },
    }));
    const pageInfo = { hasNextPage: rows.length > 20, endCursor: page.at(-1)?.id ?? null };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { inbox: { edges, pageInfo } } }));
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => process.send?.({ ready: true }));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
