// Background jobs every instance runs (each is safe to run on several instances at once).
import type { AppServices } from './platform/context.ts';
import { liveRuntime } from './modules/live/runtime.ts';
import { publicPageCache } from './modules/business-page/public-cache.ts';
import { webhookWorker } from './modules/integrations/worker.ts';

export function startJobs(services: AppServices): void {
  liveRuntime(services).start();
  webhookWorker(services).start();
  // listening for page changes from the start, so no change is missed before the first visit
  publicPageCache(services);
}
