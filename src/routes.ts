// Plain HTTP routes served beside /graphql: media files and CSV downloads.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppServices } from './platform/context.ts';
import { leadExportRoute } from './modules/leads/export.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createRoutes(services: AppServices): Route[] {
  return [(req, res) => services.media.serve(req, res), leadExportRoute(services)];
}
