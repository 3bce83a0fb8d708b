// The SQL statements an app sends, counted at the driver (PGlite's query/exec, inside its
// transactions too, or every pg client of the process: BEGIN and COMMIT are statements), as
// scripts/bench/inbox.ts counts them (with the same hooks). Tests assert how many round trips an operation takes,
// and may hold the operation right after one of its statements to let a concurrent change
// commit in between (nothing is mocked: the statements run as sent).
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestApp } from './app.ts';

export interface StatementWatch {
  /** runs `operation` and returns its result with the statements sent meanwhile */
  during<T>(operation: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** once, after the first statement matching `pattern` answers, runs `action` before the app sees the answer */
  holdAfter(pattern: RegExp, action: () => Promise<unknown>): void;
}

export function watchStatements(t: TestApp): StatementWatch {
  let recording: string[] | null = null;
  let hold: { pattern: RegExp; action: () => Promise<unknown> } | null = null;
  const seen: Seen = (sql) => {
    const text = String(sql).replace(/\s+/g, ' ').trim();
    recording?.push(text);
    const held = hold && hold.pattern.test(text) ? hold : null;
    if (held) hold = null;
    return held?.action ?? null;
  };
  const pglite = t.app.database.pglite as PGlite | undefined;
  if (pglite) wrapPglite(pglite, seen);
  else wrapPg(seen);
  return {
    async during(operation) {
      recording = [];
      try {
        const result = await operation();
        return { result, statements: recording };
      } finally {
        recording = null;
      }
    },
    holdAfter(pattern, action) {
      hold = { pattern, action };
    },
  };
}

/** records a statement; returns the action to run before its answer is handed back, if any */
export type Seen = (sql: unknown) => (() => Promise<unknown>) | null;

/** the answer (a promise) handed back once `action` has run */
const after = <R>(answer: R, action: (() => Promise<unknown>) | null): R =>
  action && answer instanceof Promise ? (answer.then(async (value) => (await action(), value)) as R) : answer;

/** Hooks every statement PGlite runs, inside its transactions too (scripts/bench/inbox.ts counts with it as well). */
export function wrapPglite(pglite: PGlite, seen: Seen) {
  const wrap = <T extends { query: PGlite['query']; exec: PGlite['exec'] }>(target: T) => {
    const query = target.query.bind(target) as (...a: unknown[]) => unknown;
    const exec = target.exec.bind(target) as (...a: unknown[]) => unknown;
    target.query = ((sql: string, ...rest: unknown[]) => after(query(sql, ...rest), seen(sql))) as T['query'];
    target.exec = ((sql: string, ...rest: unknown[]) => after(exec(sql, ...rest), seen(sql))) as T['exec'];
  };
  wrap(pglite);
  const transaction = pglite.transaction.bind(pglite);
  pglite.transaction = ((callback: (tx: never) => unknown) =>
    transaction(async (tx) => {
      wrap(tx as never);
      return callback(tx as never);
    })) as PGlite['transaction'];
}

let pgWrapped: Seen | null = null;
/** Hooks every statement the pg driver sends from this process (the pool's clients included). */
export function wrapPg(seen: Seen) {
  // one wrapper per process (test files run in their own workers); the latest watch counts
  const first = !pgWrapped;
  pgWrapped = seen;
  if (!first) return;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const sql = args[0] as string | { text?: string };
    const action = pgWrapped!(typeof sql === 'string' ? sql : sql?.text);
    // the pool passes a callback; a client used directly answers with a promise
    const callback = args.at(-1);
    if (action && typeof callback === 'function') {
      args[args.length - 1] = (...result: unknown[]) => void action().then(() => callback(...result));
    }
    return after((query as (...a: unknown[]) => unknown).apply(this, args), typeof callback === 'function' ? null : action);
  } as typeof query;
}
