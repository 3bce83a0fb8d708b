// Per-instance live machinery: STATS at most once per second per session (the claim is a
// conditional update, so several instances never double it), trailing STATS for changes
// inside the throttle window, and REMINDER events every N minutes. Each instance remembers
// when a session's next STATS may come at the earliest, so changes inside the window cost
// no database round trip (the next tick, or change, after it makes the claim). The tick also
// keeps this instance's viewer presence alive and forgets instances that died (viewer-count.ts).
import type { AppServices } from '../../platform/context.ts';
import { isTransientDatabaseError } from '../../platform/errors.ts';
import { PendingEvents } from '../../platform/events.ts';
import { appendEvent } from './event-log.ts';
import { computeStats } from './stats.ts';
import { ViewerCounter } from './viewer-count.ts';

export const STATS_INTERVAL_MS = 1000;
const MINUTE = 60_000;

export class LiveRuntime {
  private readonly dirty = new Set<string>();
  /** session -> app-clock ms before which its STATS claim cannot succeed (lastStatsAt + interval) */
  private readonly notBefore = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();
  /** joins and leaves, written in batches */
  readonly viewers: ViewerCounter;

  constructor(private readonly services: AppServices) {
    this.viewers = new ViewerCounter(services.db, services.clock, (sessionId) => this.statsChanged(sessionId), (error) => {
      if (!services.runtime.isStopped) console.error('viewer presence heartbeat failed', error);
    });
  }

  start(): void {
    if (this.timer || this.services.runtime.isStopped) return;
    this.timer = setInterval(() => void this.tick(), this.services.config.liveTickMs);
    this.timer.unref();
  }

  /** Runs on every tick; subscribers use it as a safety net to poll for missed events. */
  onTick(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something the stats count changed: emit now if the throttle allows, else on a later tick. */
  async statsChanged(sessionId: string): Promise<void> {
    this.dirty.add(sessionId);
    if (this.throttled(sessionId)) return;
    await this.flushStats(sessionId);
  }

  private throttled(sessionId: string): boolean {
    return (this.notBefore.get(sessionId) ?? 0) > this.services.clock.now().getTime();
  }

  private async flushStats(sessionId: string): Promise<void> {
    const { db, clock, pubsub } = this.services;
    const events = new PendingEvents();
    const outcome = await db.$transaction(async (tx) => {
      const now = clock.now();
      const claimed = await tx.liveSession.updateMany({
        where: { id: sessionId, state: 'LIVE', OR: [{ lastStatsAt: null }, { lastStatsAt: { lte: new Date(now.getTime() - STATS_INTERVAL_MS) } }] },
        data: { lastStatsAt: now },
      });
      if (claimed.count === 0) {
        const session = await tx.liveSession.findUnique({ where: { id: sessionId }, select: { state: true, lastStatsAt: true } });
        if (session?.state !== 'LIVE') return 'gone';
        // another instance (or change) emitted within the window
        if (session.lastStatsAt) this.notBefore.set(sessionId, session.lastStatsAt.getTime() + STATS_INTERVAL_MS);
        return 'throttled';
      }
      this.notBefore.set(sessionId, now.getTime() + STATS_INTERVAL_MS);
      await appendEvent(tx, events, sessionId, 'STATS', { ...(await computeStats(tx, sessionId, now)) }, now);
      return 'emitted';
    });
    if (outcome !== 'throttled') this.dirty.delete(sessionId);
    if (outcome === 'gone') this.notBefore.delete(sessionId);
    events.publishTo(pubsub);
  }

  private async emitDueReminders(): Promise<void> {
    const { db, clock, pubsub } = this.services;
    const now = clock.now();
    const sessions = await db.liveSession.findMany({
      where: { state: 'LIVE', reminderIntervalMinutes: { not: null } },
      select: { id: true, reminderIntervalMinutes: true, lastReminderAt: true, startedAt: true, reminderText: true },
    });
    for (const session of sessions) {
      const since = session.lastReminderAt ?? session.startedAt ?? now;
      const due = since.getTime() + session.reminderIntervalMinutes! * MINUTE;
      if (due > now.getTime()) continue;
      const events = new PendingEvents();
      await db.$transaction(async (tx) => {
        // claim this reminder: the first instance to flip lastReminderAt sends it
        const claimed = await tx.liveSession.updateMany({
          where: { id: session.id, state: 'LIVE', lastReminderAt: session.lastReminderAt },
          data: { lastReminderAt: now },
        });
        if (claimed.count === 1) {
          await appendEvent(tx, events, session.id, 'REMINDER', { text: session.reminderText ?? 'Have a question? Send us a direct message!' }, now);
        }
      });
      events.publishTo(pubsub);
    }
  }

  private tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.emitDueReminders();
        await this.viewers.tick();
        for (const sessionId of [...this.dirty]) if (!this.throttled(sessionId)) await this.flushStats(sessionId);
        // forget windows that are over for sessions with nothing pending
        for (const sessionId of this.notBefore.keys()) if (!this.dirty.has(sessionId) && !this.throttled(sessionId)) this.notBefore.delete(sessionId);
      } catch (error) {
        // a database outage is logged once by the pool; the next tick retries
        if (!this.services.runtime.isStopped && !isTransientDatabaseError(error)) console.error('live tick failed', error);
      } finally {
        this.running = undefined;
      }
      for (const listener of this.listeners) listener();
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.viewers.stop();
  }
}

export function liveRuntime(services: AppServices): LiveRuntime {
  return services.runtime.get('live', () => new LiveRuntime(services));
}

/** The app's live runtime if it was started (hooks only have the runtime at hand). */
export function existingLiveRuntime(runtime: AppServices['runtime']): LiveRuntime | undefined {
  return runtime.peek<LiveRuntime>('live');
}
