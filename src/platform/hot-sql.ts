// The hottest raw statements (the DM's pre-check and statement, the inbox page) sent to the
// driver adapter directly. Through `$queryRaw` the Prisma client spends more CPU on a statement
// than the driver does (its request pipeline, async-context bookkeeping and per-value result
// mapping: 12–13 % of a DM's CPU, measured with perf); for a single statement that returns
// plain rows none of that is needed. Same statement, same prepared-statement names (the adapter
// takes them from statement-cache.ts), same values and errors as `$queryRaw` gives: results
// are mapped from the column types the adapter reports, and a database error is raised as the
// client's P2010 carrying the adapter's error, so callers' checks (unique violations, failed
// assertions, outages) see what they saw before. On PGlite, and inside a transaction (a client
// that is not the registered one), it is `$queryRaw`.
import { ColumnTypeEnum, type ArgType, type SqlQueryable, type SqlResultSet } from '@prisma/driver-adapter-utils';
import { Prisma } from '../generated/prisma/client.ts';
import type { Db, Tx } from './db.ts';

const direct = new WeakMap<object, SqlQueryable>();

/** Sends `prisma`'s hot statements through `adapter` (a connected adapter over the same pool). */
export function sendHotStatementsDirectly(prisma: Db, adapter: SqlQueryable): void {
  direct.set(prisma, adapter);
}

/** `db.$queryRaw<T[]>(sql)`, without the client's pipeline when `db` is the registered client. */
export async function hotRows<T>(db: Db | Tx, sql: Prisma.Sql): Promise<T[]> {
  const adapter = direct.get(db);
  if (!adapter) return db.$queryRaw<T[]>(sql);
  let result: SqlResultSet;
  try {
    result = await adapter.queryRaw({ sql: sql.text, args: sql.values.map(argOf), argTypes: sql.values.map(argTypeOf) });
  } catch (error) {
    throw asClientError(error);
  }
  return toObjects<T>(result);
}

// the values this app binds are strings, numbers, booleans, null and arrays of them; a Date is
// what the adapter formats as a timestamp (as the client's own argument typing would ask it to)
const scalar: ArgType = { scalarType: 'unknown', arity: 'scalar' };
const list: ArgType = { scalarType: 'unknown', arity: 'list' };
const dateTime: ArgType = { scalarType: 'datetime', arity: 'scalar' };
const argOf = (value: unknown) => (value === undefined ? null : typeof value === 'bigint' ? value.toString() : value);
const argTypeOf = (value: unknown): ArgType => (Array.isArray(value) ? list : value instanceof Date ? dateTime : scalar);

const toDate = (value: unknown) => (value == null ? value : new Date(value as string));
const toBigInt = (value: unknown) => (value == null ? value : BigInt(value as string));
const toDecimal = (value: unknown) => (value == null ? value : new Prisma.Decimal(value as string));
const toJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
// the adapter gives bytes as a Buffer's JSON form ({ type: 'Buffer', data }); the client as Uint8Array
const toBytes = (value: unknown) => {
  const v = value as { data?: number[] };
  return value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : Array.isArray(v.data) ? Uint8Array.from(v.data) : value;
};
const each = (convert: (value: unknown) => unknown) => (value: unknown) => (Array.isArray(value) ? value.map(convert) : value);

/** How the client turns each kind of column into a JavaScript value (the rest are kept as the adapter gives them). */
const conversions: Partial<Record<number, (value: unknown) => unknown>> = {
  [ColumnTypeEnum.Int64]: toBigInt,
  [ColumnTypeEnum.Numeric]: toDecimal,
  [ColumnTypeEnum.Date]: toDate,
  [ColumnTypeEnum.DateTime]: toDate,
  [ColumnTypeEnum.Json]: toJson,
  [ColumnTypeEnum.Bytes]: toBytes,
  [ColumnTypeEnum.Int64Array]: each(toBigInt),
  [ColumnTypeEnum.NumericArray]: each(toDecimal),
  [ColumnTypeEnum.DateArray]: each(toDate),
  [ColumnTypeEnum.DateTimeArray]: each(toDate),
  [ColumnTypeEnum.JsonArray]: each(toJson),
  [ColumnTypeEnum.BytesArray]: each(toBytes),
};

function toObjects<T>({ columnNames, columnTypes, rows }: SqlResultSet): T[] {
  const convert = columnTypes.map((type) => conversions[type]);
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) {
      const [value, to] = [row[i], convert[i]];
      object[columnNames[i]] = value === null || !to ? value : to(value);
    }
    return object as T;
  });
}

/** The adapter's error as `$queryRaw` raises it (P2010 with the adapter's error in meta); anything else unchanged. */
function asClientError(error: unknown): unknown {
  const e = error as { name?: string; cause?: { originalCode?: string; originalMessage?: string }; message?: string };
  if (e?.name !== 'DriverAdapterError') return error;
  const message = `Raw query failed. Code: \`${e.cause?.originalCode ?? 'N/A'}\`. Message: \`${e.cause?.originalMessage ?? e.message ?? 'N/A'}\``;
  return new Prisma.PrismaClientKnownRequestError(message, { code: 'P2010', clientVersion: Prisma.prismaVersion.client, meta: { driverAdapterError: error } });
}
