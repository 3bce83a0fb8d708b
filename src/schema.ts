// Assembles the GraphQL schema from every module.
import { builder } from './platform/builder.ts';
import { assertNodesDeclareLoaders } from './platform/nodes.ts';
import './platform/payload.ts';
import './modules/accounts/schema.ts';
import './modules/business-page/schema.ts';
import './modules/notifications/schema.ts';
import './modules/reviews/schema.ts';
import './modules/leads/schema.ts';
import './modules/automation/schema.ts';
import './modules/messaging/schema.ts';
import './modules/live/schema.ts';
import './modules/ads/schema.ts';
import './modules/campaigns/schema.ts';
import './modules/integrations/schema.ts';

export const schema = builder.toSchema({ sortSchema: false });
// deny by default: a Node type that does not say who may load it stops the build
assertNodesDeclareLoaders(schema);
