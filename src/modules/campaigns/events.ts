// Events of the campaigns module.
import type { PendingEvents } from '../../platform/events.ts';

declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: `<campaignId>:<organizationId>`; the organization's figures in the campaign changed */
    campaignPerformance: { campaignId: string; organizationId: string };
  }
}

export const performanceTopicId = (campaignId: string, organizationId: string) => `${campaignId}:${organizationId}`;

/** Raised in the transaction of the change; published after it commits. */
export function performanceChanged(events: PendingEvents, campaignId: string, organizationId: string): void {
  events.add('campaignPerformance', performanceTopicId(campaignId, organizationId), { campaignId, organizationId });
}
