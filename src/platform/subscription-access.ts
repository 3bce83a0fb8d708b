// Subscriptions keep checking who may receive them. Scope-auth evaluates a subscription
// field's `authScopes` once, when it starts; a member removed from the organization (or
// restricted away from the account) afterwards would keep receiving. This plugin
// re-evaluates the field's own `authScopes` with freshly read memberships before an event
// is delivered (at most once per MEMBERSHIP_RECHECK_MS per subscription) and ends the
// stream with FORBIDDEN once they fail. Every subscription gets it by declaring its scopes,
// so no stream can forget it. Scopes that depend only on the token (authenticated,
// reviewer, platformAdmin) cannot change during a connection and are not re-read.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { GraphQLFieldResolver } from 'graphql';
import { freshAccess } from './access.ts';
import { createContext, type Context } from './context.ts';
import { forbidden } from './errors.ts';
import { relay } from './streams.ts';

/** How stale a subscriber's access may be before it is read again. */
export const MEMBERSHIP_RECHECK_MS = 1000;

const tokenScopes = new Set(['authenticated', 'platformAdmin', 'reviewer']);

/** True when the scopes can only change with the token (or are static booleans). */
function fixedForConnection(scopes: unknown): boolean {
  if (typeof scopes === 'boolean') return true;
  if (!scopes || typeof scopes !== 'object') return false;
  return Object.entries(scopes).every(([key, value]) => (key === '$any' || key === '$all' ? fixedForConnection(value) : tokenScopes.has(key)));
}

type Scopes = ((parent: unknown, args: object, ctx: Context, info: unknown) => unknown) | object | boolean | undefined;

export class SubscriptionAccessPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    const scopes = (fieldConfig.pothosOptions as { authScopes?: Scopes }).authScopes;
    if (!subscribe || fieldConfig.kind !== 'Subscription' || scopes === undefined || fixedForConnection(scopes)) return subscribe;
    const builder = this.builder;
    const stillAllowed = async (parent: unknown, args: object, ctx: Context, info: Parameters<GraphQLFieldResolver<unknown, unknown>>[3]) => {
      // a new context reads memberships (or an integration's grant) afresh: the operation's
      // loaders would answer from cache
      const fresh = { ...createContext(ctx, ctx.viewer, ctx.integration), access: freshAccess(ctx) };
      try {
        const map = typeof scopes === 'function' ? await scopes(parent, args, fresh, info) : scopes;
        return (await RequestCache.fromContext(fresh, builder as never).evaluateScopeMap(map as never, info)) === null;
      } catch {
        return false;
      }
    };
    return async (parent, args, ctx, info) => {
      const source = await subscribe(parent, args, ctx, info);
      if (!source || typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') return source;
      let checkedAt = 0;
      return relay(source as AsyncIterable<unknown>, {
        beforeEach: async () => {
          if (Date.now() - checkedAt < MEMBERSHIP_RECHECK_MS) return;
          if (!(await stillAllowed(parent, args, ctx as Context, info))) throw forbidden('Your access to this stream has ended.');
          checkedAt = Date.now();
        },
      });
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      subscriptionAccess: SubscriptionAccessPlugin<Types>;
    }
  }
}

const pluginName = 'subscriptionAccess';
SchemaBuilder.registerPlugin(pluginName, SubscriptionAccessPlugin);
export default pluginName;
