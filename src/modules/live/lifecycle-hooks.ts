// Other modules' reactions to a live starting and to a sale, run inside the live's own
// transaction (campaign attribution, campaign rollups), so they commit or roll back with it.
import type { LiveOrder, LiveSession } from '../../generated/prisma/client.ts';
import type { Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';

export interface LiveStartedEvent {
  session: LiveSession;
  now: Date;
  events: PendingEvents;
}
export interface OrderRecordedEvent {
  order: LiveOrder;
  events: PendingEvents;
}

const startHooks: ((tx: Tx, event: LiveStartedEvent) => Promise<void>)[] = [];
const orderHooks: ((tx: Tx, event: OrderRecordedEvent) => Promise<void>)[] = [];

export function registerLiveStartHook(hook: (tx: Tx, event: LiveStartedEvent) => Promise<void>): void {
  startHooks.push(hook);
}
/** Runs once per stored order (an idempotent retry that stores nothing does not run it). */
export function registerOrderHook(hook: (tx: Tx, event: OrderRecordedEvent) => Promise<void>): void {
  orderHooks.push(hook);
}

export async function runLiveStartHooks(tx: Tx, event: LiveStartedEvent): Promise<void> {
  for (const hook of startHooks) await hook(tx, event);
}
export async function runOrderHooks(tx: Tx, event: OrderRecordedEvent): Promise<void> {
  for (const hook of orderHooks) await hook(tx, event);
}
