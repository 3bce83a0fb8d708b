// The hot statements' direct path (platform/hot-sql.ts) gives what `$queryRaw` gives: the same
// JavaScript values for every kind of column the app reads, the same parameters, and the same
// errors for the refusals callers act on. PostgreSQL pass only: on PGlite hotRows is $queryRaw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { isUniqueViolation, isTransientDatabaseError } from '../../src/platform/errors.ts';
import { hotRows } from '../../src/platform/hot-sql.ts';
import { isFailedAssertion } from '../../src/modules/messaging/inbound-statement.ts';
import { onPostgres, startApp, type TestApp } from '../support/app.ts';
import { dmTeam, inbox, sendDm } from '../support/messaging.ts';

let t: TestApp;
beforeAll(async () => {
  if (onPostgres) t = await startApp();
});
afterAll(async () => {
  await t?.close();
});

const both = async (sql: Prisma.Sql) => [await hotRows<Record<string, unknown>>(t.db, sql), await t.db.$queryRaw<Record<string, unknown>[]>(sql)] as const;
const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe.runIf(onPostgres)('hot statements sent directly', () => {
  it('read every kind of column as $queryRaw does', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const [direct, client] = await both(Prisma.sql`
      SELECT '2026-01-02 03:04:05.678'::timestamp(3) AS ts, '2026-01-02 03:04:05.678+00'::timestamptz AS tstz, '2026-01-02'::date AS d,
             9007199254740993::int8 AS big, (SELECT count(*) FROM "User") AS cnt, 1.50::numeric(10,2) AS num,
             '{"a":[1,"x"],"t":"2026-01-02"}'::jsonb AS jb, '{"b":null}'::json AS j, 'null'::jsonb AS jnull,
             ARRAY['a','b']::text[] AS ta, ARRAY['01a23368-d4a1-70fd-8a7f-6390b2f6c750']::uuid[] AS ua, ARRAY[1,2]::int8[] AS ia, ARRAY[]::text[] AS empty,
             ARRAY['2026-01-02 03:04:05.678'::timestamp(3)] AS tsa, ARRAY[1.5]::numeric[] AS na, ARRAY['{"c":1}'::jsonb] AS ja,
             '\\x0102'::bytea AS bytes, true AS yes, 7::int4 AS small, 1.5::float8 AS dbl, 2.5::float4 AS flt, NULL::text AS nothing,
             'OPEN'::"ConversationState" AS state, ARRAY['OPEN','CLOSED']::"ConversationState"[] AS states,
             '01a23368-d4a1-70fd-8a7f-6390b2f6c750'::uuid AS id, 'text'::text AS txt, 'c'::char(1) AS ch,
             ${'str'}::text AS p_text, ${5}::int AS p_int, ${1.25}::float8 AS p_float, ${true} AS p_bool, ${null}::text AS p_null,
             ${['a', 'b']}::text[] AS p_list, ${at}::timestamp(3) AS p_date, ${at.toISOString()}::timestamp(3) AS p_iso,
             ${JSON.stringify({ k: [1, 2] })}::jsonb AS p_json`);
    expect(direct).toEqual(client);
    // and the values are of the types the app relies on
    const [row] = direct;
    expect(row.ts).toEqual(at);
    expect(row.p_date).toEqual(at);
    expect(row.big).toBe(9007199254740993n);
    expect(row.ia).toEqual([1n, 2n]);
    expect(Prisma.Decimal.isDecimal(row.num)).toBe(true);
    expect(row.jb).toEqual({ a: [1, 'x'], t: '2026-01-02' });
  });

  it('read no rows, and rows of a table, as $queryRaw does', async () => {
    const team = await dmTeam(t);
    expect((await sendDm(t.as('hot_a'), team.shopHandle, { kind: 'TEXT', text: 'Hello' })).userErrors).toEqual([]);
    const [none, noneClient] = await both(Prisma.sql`SELECT * FROM "Message" WHERE false`);
    expect(none).toEqual([]);
    expect(noneClient).toEqual([]);
    const [rows, clientRows] = await both(Prisma.sql`SELECT m.*, c.* FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" ORDER BY m."createdAt"`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(clientRows);
    // the API reads through it: the inbox shows the DM
    const page = await inbox(team.as('agent'), team.shop);
    expect(page.edges.map((edge: { node: { lastMessage: { text: string } } }) => edge.node.lastMessage.text)).toEqual(['Hello']);
  });

  it('fail as $queryRaw fails, for the refusals callers act on', async () => {
    const [taken] = await t.db.$queryRaw<{ subject: string }[]>`SELECT subject FROM "User" LIMIT 1`;
    const before = await t.db.user.count();
    const duplicate = Prisma.sql`INSERT INTO "User" (id, subject, handle, "createdAt") VALUES (gen_random_uuid(), ${taken.subject}, ${'hot_dup'}, now()) RETURNING id`;
    const [unique, uniqueClient] = [await failure(hotRows(t.db, duplicate)), await failure(t.db.$queryRaw(duplicate))];
    expect(unique).toMatchObject({ code: 'P2010' });
    expect(isUniqueViolation(unique)).toBe(true);
    expect(isUniqueViolation(uniqueClient)).toBe(true);
    // the same text, without the client's "Invalid `prisma.$queryRaw()` invocation" heading
    expect((uniqueClient as Error).message.endsWith((unique as Error).message)).toBe(true);

    const divide = Prisma.sql`SELECT 1 / ${0}::int AS x`;
    const [assertion, assertionClient] = [await failure(hotRows(t.db, divide)), await failure(t.db.$queryRaw(divide))];
    expect(isFailedAssertion(assertion)).toBe(true);
    expect(isFailedAssertion(assertionClient)).toBe(true);
    expect((assertionClient as Error).message.endsWith((assertion as Error).message)).toBe(true);
    expect(isTransientDatabaseError(assertion)).toBe(false);
    // nothing was stored by the refused insert
    expect(await t.db.user.count()).toBe(before);
  });
});
