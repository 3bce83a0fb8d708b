// The real-time campaign performance stream. Per instance, one channel per campaign and
// organization with local subscribers: it follows the `campaignPerformance` topic (raised
// after commit by the rollup hooks), and when something changed it reads the figures once
// (two indexed statements on the rollups) for all its subscribers, at most once a second.
// Nothing runs while nothing changes: no timer queries the database per subscriber. Each
// subscriber receives only figures whose version is higher than the last it got.
import { Repeater } from '@repeaterjs/repeater';
import type { AppServices } from '../../platform/context.ts';
import { campaignFigures, type Figures } from './analytics.ts';
import { performanceTopicId } from './events.ts';

export const PUSH_INTERVAL_MS = 1000;

interface Channel {
  campaignId: string;
  organizationId: string;
  subscribers: Set<(figures: Figures) => void>;
  upstream: AsyncIterator<unknown>;
  lastPushAt: number;
  timer?: NodeJS.Timeout;
  computing: boolean;
  changed: boolean;
}

export class PerformanceFeed {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly services: AppServices) {}

  /** The figures now, then each change (at most one a second), with increasing versions. */
  subscribe(campaignId: string, organizationId: string): AsyncIterableIterator<Figures> {
    return new Repeater<Figures>(async (push, stop) => {
      const channel = this.channel(campaignId, organizationId);
      let lastVersion = -1;
      const deliver = (figures: Figures) => {
        if (figures.version <= lastVersion) return;
        lastVersion = figures.version;
        void push(figures);
      };
      channel.subscribers.add(deliver);
      try {
        const figures = await campaignFigures(this.services.db, campaignId, organizationId);
        channel.lastPushAt = Date.now();
        deliver(figures);
      } catch (error) {
        stop(error);
      }
      await stop;
      channel.subscribers.delete(deliver);
      if (channel.subscribers.size === 0) this.close(channel);
    });
  }

  private channel(campaignId: string, organizationId: string): Channel {
    const key = performanceTopicId(campaignId, organizationId);
    const existing = this.channels.get(key);
    if (existing) return existing;
    const upstream = this.services.pubsub.subscribe('campaignPerformance', key);
    const channel: Channel = { campaignId, organizationId, subscribers: new Set(), upstream, lastPushAt: 0, computing: false, changed: false };
    this.channels.set(key, channel);
    void (async () => {
      for (;;) {
        const next = await upstream.next().catch(() => ({ done: true }) as const);
        if (next.done) return;
        this.changed(channel);
      }
    })();
    return channel;
  }

  private changed(channel: Channel): void {
    channel.changed = true;
    if (channel.timer || channel.computing) return;
    const wait = Math.max(0, channel.lastPushAt + PUSH_INTERVAL_MS - Date.now());
    channel.timer = setTimeout(() => void this.flush(channel), wait);
  }

  private async flush(channel: Channel): Promise<void> {
    channel.timer = undefined;
    channel.changed = false;
    channel.computing = true;
    try {
      const figures = await campaignFigures(this.services.db, channel.campaignId, channel.organizationId);
      channel.lastPushAt = Date.now();
      for (const deliver of channel.subscribers) deliver(figures);
    } catch (error) {
      if (!this.services.runtime.isStopped) console.error('campaign performance read failed', error);
    } finally {
      channel.computing = false;
    }
    if (channel.changed && this.channels.get(performanceTopicId(channel.campaignId, channel.organizationId)) === channel) this.changed(channel);
  }

  private close(channel: Channel): void {
    const key = performanceTopicId(channel.campaignId, channel.organizationId);
    if (this.channels.get(key) === channel) this.channels.delete(key);
    clearTimeout(channel.timer);
    void channel.upstream.return?.()?.catch?.(() => {});
  }

  stop(): void {
    for (const channel of [...this.channels.values()]) this.close(channel);
  }
}

export function performanceFeed(services: AppServices): PerformanceFeed {
  return services.runtime.get('campaignPerformance', () => new PerformanceFeed(services));
}
