// Viewer counting with one UPDATE per session per batch instead of one per join or leave.
// When a room opens or closes for thousands of viewers at once (a popular live starting,
// a reconnect storm, an instance shutting down), one row takes every write: a statement
// each made joins slow on PostgreSQL and, on the embedded PGlite, a burst of them could
// wedge the engine. Joins and leaves that arrive while a batch is being written wait for the
// next one; each caller's promise settles once its change is stored, so a viewer's first
// room still comes after it was counted.
import type { Db } from '../../platform/db.ts';

interface Pending {
  joins: number;
  leaves: number;
  waiters: { resolve: (counted: boolean) => void; reject: (error: unknown) => void }[];
}

export class ViewerCounter {
  private readonly pending = new Map<string, Pending>();
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    /** called once per stored batch that changed the count */
    private readonly changed: (sessionId: string) => Promise<void>,
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

  private async writeAll(): Promise<void> {
    // let the joins and leaves of this turn of the event loop gather first
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending];
        this.pending.clear();
        for (const [sessionId, entry] of batch) await this.write(sessionId, entry);
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async write(sessionId: string, { joins, leaves, waiters }: Pending): Promise<void> {
    try {
      // the peak assumes the batch's joins came before its leaves
      const count = await this.db.$executeRaw`
        UPDATE "LiveSession"
        SET "viewerCount" = GREATEST(0, "viewerCount" + ${joins} - ${leaves}),
            "peakViewers" = GREATEST("peakViewers", "viewerCount" + ${joins}),
            "totalViewers" = "totalViewers" + ${joins}
        WHERE id = ${sessionId}::uuid AND state <> 'ENDED'`;
      if (count > 0 && joins !== leaves) await this.changed(sessionId).catch(() => {});
      for (const waiter of waiters) waiter.resolve(count > 0);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
