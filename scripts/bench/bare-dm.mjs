// The floor of the DM write for the scaling figures: what the bare stack does for one DM, without
// GraphQL, tokens or rules — an HTTP POST with a JSON body, one INSERT into "Message" over a pg
// pool as large as the app's, one PUBLISH to Redis (the fan-out's half), a JSON answer. Run as
// one and as two processes under the same closed-loop load, it measures how much a second
// process can add on this machine, and at the app's sustained rates what a DM costs the bare
// stack's process (POST on PORT; DATABASE_URL; REDIS_URL, without which the event is handed to
// an in-process emitter, as the app's one-instance pub/sub does).
import { createServer } from 'node:http';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : null;
const local = new EventEmitter();
const server = createServer(async (request, response) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  try {
    const { conversationId, senderId, text } = JSON.parse(body || '{}');
    if (!conversationId) {
      // the readiness probe of startAppProcess ({ __typename })
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}');
      return;
    }
    const {
      rows: [row],
    } = await pool.query(`INSERT INTO "Message" (id, "conversationId", direction, kind, text, "senderId", "createdAt") VALUES (gen_random_uuid(), $1, 'INBOUND', 'TEXT', $2, $3, now()) RETURNING id`, [
      conversationId,
      text,
      senderId,
    ]);
    const event = JSON.stringify({ id: row.id, text });
    if (redis) await redis.publish('bare-dm', event);
    else local.emit('bare-dm', event);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { id: row.id } }));
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1', () => process.send?.({ ready: true }));
process.on('SIGTERM', () => server.close(() => Promise.all([pool.end(), redis?.quit()]).then(() => process.exit(0))));
