// Viewer presence: each instance counts the viewers it serves, per session, and stores that
// count in one row of its own (LiveViewerPresence: session, instance, viewers, heartbeat).
// A session's viewers are the sum over the instances whose heartbeat is fresh, so the
// viewers of an instance that dies without saying goodbye stop counting once its rows
// expire (PRESENCE_TTL_MS); the tick of any surviving instance then deletes them and emits
// STATS. Joins and leaves are written in batches, one statement per session per turn of
// the event loop, so a crowd arriving or leaving at once (a popular live starting, a
// reconnect storm, an instance shutting down) costs a handful of statements, not one each;
// each caller's promise settles once its change is stored, so a viewer's first room still
// comes after it was counted. Heartbeats refresh every row of the instance in one statement.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';

/** An instance whose presence rows were not refreshed for this long no longer counts. */
export const PRESENCE_TTL_MS = 30_000;
/** How often an instance refreshes its rows (and reconciles expired ones). */
export const HEARTBEAT_MS = PRESENCE_TTL_MS / 3;

interface Pending {
  joins: number;
  leaves: number;
  waiters: { resolve: (counted: boolean) => void; reject: (error: unknown) => void }[];
}

/** Viewers of a session counted through instances that are still alive, at `now`. */
export async function presentViewers(db: Db | Tx, sessionId: string, now: Date): Promise<number> {
  const [{ viewers }] = await db.$queryRaw<{ viewers: number }[]>`
    SELECT COALESCE(SUM("viewers"), 0)::int AS viewers FROM "LiveViewerPresence"
    WHERE "sessionId" = ${sessionId}::uuid AND "heartbeatAt" > ${new Date(now.getTime() - PRESENCE_TTL_MS).toISOString()}::timestamp(3)`;
  return viewers;
}

export class ViewerCounter {
  /** this instance's identity in the presence rows */
  readonly instanceId = randomUUID();
  /** session -> viewers counted here, as stored */
  private readonly here = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private beatDue = false;
  private lastBeat = -Infinity;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** called once per stored change of a session's count */
    private readonly changed: (sessionId: string) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves true once the change is stored, false if the session has ended (nothing counted). */
  add(sessionId: string, delta: 1 | -1): Promise<boolean> {
    let entry = this.pending.get(sessionId);
    if (!entry) this.pending.set(sessionId, (entry = { joins: 0, leaves: 0, waiters: [] }));
    if (delta > 0) entry.joins += 1;
    else entry.leaves += 1;
    const stored = new Promise<boolean>((resolve, reject) => entry.waiters.push({ resolve, reject }));
    this.writing ??= this.writeAll();
    return stored;
  }

  /**
   * On the live tick: every HEARTBEAT_MS, refresh this instance's rows, then delete the rows
   * that expired (instances that died) and report the sessions whose count they changed.
   */
  async tick(): Promise<void> {
    if (this.clock.now().getTime() - this.lastBeat < HEARTBEAT_MS) return;
    this.beatDue = true;
    this.writing ??= this.writeAll();
    await this.writing;
  }

  /** A graceful stop: what is pending is written, then this instance's rows expire at once. */
  async stop(): Promise<void> {
    await this.writing?.catch(() => {});
    await this.db.$executeRaw`UPDATE "LiveViewerPresence" SET "heartbeatAt" = 'epoch' WHERE "instanceId" = ${this.instanceId}::uuid`.catch(() => {});
  }

  // joins, leaves and heartbeats are written one after the other, so a heartbeat never
  // stores a count older than the one a batch just wrote
  private async writeAll(): Promise<void> {
    // let the joins and leaves of this turn of the event loop gather first
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0 || this.beatDue) {
        const batch = [...this.pending];
        this.pending.clear();
        for (const [sessionId, entry] of batch) await this.write(sessionId, entry);
        if (this.beatDue) {
          this.beatDue = false;
          // a failed heartbeat is retried on the next tick; the joins waiting behind it are not held up
          try {
            await this.heartbeat();
          } catch (error) {
            this.lastBeat = -Infinity;
            this.onError(error);
          }
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async write(sessionId: string, { joins, leaves, waiters }: Pending): Promise<void> {
    try {
      const now = this.clock.now();
      const before = this.here.get(sessionId) ?? 0;
      const after = Math.max(0, before + joins - leaves);
      // one statement: the peak (assuming the batch's joins came before its leaves, and adding
      // the other live instances' viewers) and this instance's row; nothing once the live ended
      const stored = await this.db.$executeRaw`
        WITH session AS (
          UPDATE "LiveSession" SET "totalViewers" = "totalViewers" + ${joins}::int, "peakViewers" = GREATEST("peakViewers", ${before + joins}::int + (
            SELECT COALESCE(SUM(p."viewers"), 0)::int FROM "LiveViewerPresence" p
            WHERE p."sessionId" = ${sessionId}::uuid AND p."instanceId" <> ${this.instanceId}::uuid
              AND p."heartbeatAt" > ${new Date(now.getTime() - PRESENCE_TTL_MS).toISOString()}::timestamp(3)))
          WHERE id = ${sessionId}::uuid AND state <> 'ENDED'
          RETURNING id)
        INSERT INTO "LiveViewerPresence" ("sessionId", "instanceId", "viewers", "heartbeatAt")
        SELECT id, ${this.instanceId}::uuid, ${after}::int, ${now.toISOString()}::timestamp(3) FROM session
        ON CONFLICT ("sessionId", "instanceId") DO UPDATE SET "viewers" = EXCLUDED."viewers", "heartbeatAt" = EXCLUDED."heartbeatAt"`;
      if (stored > 0 && joins > 0) {
        // instances joining at the same moment each read the other's row before it committed;
        // the peak is settled again from the committed rows (the later of two such statements
        // sees both)
        await this.db.$executeRaw`
          UPDATE "LiveSession" SET "peakViewers" = GREATEST("peakViewers", (
            SELECT COALESCE(SUM(p."viewers"), 0)::int FROM "LiveViewerPresence" p
            WHERE p."sessionId" = ${sessionId}::uuid AND p."heartbeatAt" > ${new Date(now.getTime() - PRESENCE_TTL_MS).toISOString()}::timestamp(3)))
          WHERE id = ${sessionId}::uuid AND state <> 'ENDED'`;
      }
      if (stored > 0 && after > 0) this.here.set(sessionId, after);
      else this.here.delete(sessionId);
      if (stored > 0 && after !== before) await this.changed(sessionId).catch(() => {});
      for (const waiter of waiters) waiter.resolve(stored > 0);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  private async heartbeat(): Promise<void> {
    const now = this.clock.now();
    this.lastBeat = now.getTime();
    const sessions = [...this.here];
    if (sessions.length > 0) {
      // rows deleted by another instance (after a stall) come back with the count kept here
      await this.db.$executeRaw`
        INSERT INTO "LiveViewerPresence" ("sessionId", "instanceId", "viewers", "heartbeatAt")
        SELECT s.id, ${this.instanceId}::uuid, c.viewers, ${now.toISOString()}::timestamp(3)
        FROM jsonb_to_recordset(${JSON.stringify(sessions.map(([id, viewers]) => ({ id, viewers })))}::jsonb) AS c(id uuid, viewers int)
        JOIN "LiveSession" s ON s.id = c.id AND s.state <> 'ENDED'
        ON CONFLICT ("sessionId", "instanceId") DO UPDATE SET "viewers" = EXCLUDED."viewers", "heartbeatAt" = EXCLUDED."heartbeatAt"`;
    }
    const expired = await this.db.$queryRaw<{ sessionId: string; viewers: number }[]>`
      DELETE FROM "LiveViewerPresence" WHERE "heartbeatAt" <= ${new Date(now.getTime() - PRESENCE_TTL_MS).toISOString()}::timestamp(3)
      RETURNING "sessionId", "viewers"`;
    for (const sessionId of new Set(expired.filter((row) => row.viewers > 0).map((row) => row.sessionId))) await this.changed(sessionId).catch(() => {});
  }
}
