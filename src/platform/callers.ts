// Who a per-caller limit counts against: the signed-in user, the integration's grant (so
// refreshing its token does not reset its limits), or, for anonymous callers, the address the
// connection comes from. Behind a proxy every anonymous caller shares the proxy's address.
import type { IncomingMessage } from 'node:http';
import type { IntegrationViewer, Viewer } from './auth.ts';

export interface CallerSource {
  viewer?: Viewer | null;
  integration?: IntegrationViewer | null;
  /** the HTTP request (yoga's node server context; the upgrade request for WebSockets) */
  req?: IncomingMessage;
}

export function callerKey({ viewer, integration, req }: CallerSource): string {
  if (integration) return `grant:${integration.grantId}`;
  if (viewer) return `user:${viewer.userId}`;
  return `ip:${req?.socket?.remoteAddress ?? 'unknown'}`;
}
