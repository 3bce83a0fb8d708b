// Per-operation context: who is asking, and the services a resolver may use.
import DataLoader from 'dataloader';
import type { Config } from '../config.ts';
import { createAccess, createIntegrationAccess, type Access } from './access.ts';
import type { Auth, IntegrationViewer, Viewer } from './auth.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';
import type { MediaStore } from './media.ts';
import type { Metrics } from './metrics.ts';
import type { PubSub } from './pubsub.ts';
import type { Runtime } from './runtime.ts';

/** What lives as long as the app: shared by every operation. */
export interface AppServices {
  config: Config;
  db: Db;
  pubsub: PubSub;
  clock: Clock;
  media: MediaStore;
  auth: Auth;
  /** this instance's Prometheus metrics (its own registry) */
  metrics: Metrics;
  /** per-app background machinery (timers, caches) of the modules */
  runtime: Runtime;
  /** the origin links are built on (PUBLIC_URL or the listening address) */
  publicUrl(): string;
}

export interface Context extends AppServices {
  /** the signed-in user; null for anonymous callers and for integration tokens */
  viewer: Viewer | null;
  /** the integration calling with an access token (then `viewer` is null) */
  integration: IntegrationViewer | null;
  access: Access;
  /** per-operation dataloaders, created on first use */
  loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V>;
}

export function createContext(services: AppServices, viewer: Viewer | null, integration: IntegrationViewer | null = null): Context {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    ...services,
    viewer,
    integration,
    access: integration ? createIntegrationAccess(services.db, integration) : createAccess(services.db, viewer),
    loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>) {
      if (!loaders.has(name)) loaders.set(name, new DataLoader(batch as never));
      return loaders.get(name) as unknown as DataLoader<K, V>;
    },
  };
}
