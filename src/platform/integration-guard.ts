// What an integration token may reach, enforced for every field in one place. Integrations
// are denied by default: a root field (query, mutation, subscription) or a protected type
// (one with auth scopes) serves them only when a rule allows it, and only with one of the
// rule's scopes (FORBIDDEN naming the missing scope otherwise). A rule may name the business
// account a field or object concerns: it must be one of the grant's accounts, and for direct
// messages the account's region must allow integrations (REGION_RESTRICTED otherwise).
// The integrations module registers the rules; scope-auth then applies the usual scopes
// (the `account` scope answers for integrations from their grant, see access.ts).
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { IntegrationViewer } from './auth.ts';

type AccountOf = (parent: any, args: any, ctx: any) => string | null | undefined | Promise<string | null | undefined>;

export interface IntegrationRule {
  /** any one of these scopes admits the integration; empty: any integration token */
  scopes: readonly string[];
  /** the business account concerned (must be granted) */
  account?: AccountOf;
  /** direct messages: refused on accounts the region rule closes to integrations */
  directMessages?: boolean;
}

const rules = new Map<string, IntegrationRule>();

/** Opens a type ("Conversation") or a field ("Query.inbox") to integrations under a rule. */
export function allowIntegrations(coordinate: string, rule: IntegrationRule): void {
  rules.set(coordinate, rule);
}

/** The rules in force, for tests that check every coordinate exists. */
export function integrationRules(): ReadonlyMap<string, IntegrationRule> {
  return rules;
}

export function missingScope(scopes: readonly string[]): GraphQLError {
  const names = scopes.join(' or ');
  return new GraphQLError(`This integration token lacks the ${names} scope.`, { extensions: { code: 'FORBIDDEN', missingScope: names } });
}

export function regionRestricted(): GraphQLError {
  return new GraphQLError('Accounts registered in the EEA, Switzerland or the UK cannot use direct messages through integrations.', {
    extensions: { code: 'REGION_RESTRICTED' },
  });
}

const notGranted = () => new GraphQLError('This integration is not granted this business account.', { extensions: { code: 'FORBIDDEN' } });
const notForIntegrations = (coordinate: string) =>
  new GraphQLError(`${coordinate} is not available to integration tokens.`, { extensions: { code: 'FORBIDDEN' } });

function checkAccount(integration: IntegrationViewer, rule: IntegrationRule, accountId: string | null | undefined): void {
  if (!accountId) return;
  if (!integration.accountIds.has(accountId)) throw notGranted();
  if (rule.directMessages && integration.dmRestrictedAccountIds.has(accountId)) throw regionRestricted();
}

function applyRule(integration: IntegrationViewer, rule: IntegrationRule, parent: unknown, args: unknown, ctx: unknown): void | Promise<void> {
  if (rule.scopes.length > 0 && !rule.scopes.some((scope) => integration.scopes.has(scope))) throw missingScope(rule.scopes);
  if (!rule.account) return;
  const accountId = rule.account(parent, args, ctx);
  if (accountId instanceof Promise) return accountId.then((id) => checkAccount(integration, rule, id));
  checkAccount(integration, rule, accountId);
}

/** A type's rule is checked once per object and operation, not once per field. */
const objectChecks = new WeakMap<object, WeakMap<object, void | Promise<void>>>();
function checkObject(integration: IntegrationViewer, rule: IntegrationRule, parent: unknown, ctx: object): void | Promise<void> {
  if (!rule.account || typeof parent !== 'object' || parent === null) return applyRule(integration, rule, parent, {}, ctx);
  let seen = objectChecks.get(ctx);
  if (!seen) objectChecks.set(ctx, (seen = new WeakMap()));
  if (!seen.has(parent)) {
    const result = applyRule(integration, rule, parent, {}, ctx);
    seen.set(parent, result);
    return result;
  }
  return seen.get(parent);
}

const rootKinds = new Set(['Query', 'Mutation', 'Subscription']);

/** Throws (or rejects) when the integration may not use this field on this parent. */
function guard(coordinate: string, typeName: string, root: boolean, integration: IntegrationViewer, parent: unknown, args: unknown, ctx: object): void | Promise<void> {
  const fieldRule = rules.get(coordinate);
  const typeRule = root ? undefined : rules.get(typeName);
  if (!fieldRule && !typeRule) throw notForIntegrations(coordinate);
  const first = typeRule ? checkObject(integration, typeRule, parent, ctx) : undefined;
  if (!fieldRule) return first;
  if (first) return first.then(() => applyRule(integration, fieldRule, parent, args, ctx));
  return applyRule(integration, fieldRule, parent, args, ctx);
}

export class IntegrationGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private guarded(fieldConfig: PothosOutputFieldConfig<Types>): { root: boolean; coordinate: string } | null {
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const root = rootKinds.has(typeConfig.kind);
    const coordinate = `${typeConfig.name}.${fieldConfig.name}`;
    const guardedType = (typeConfig.pothosOptions as { authScopes?: unknown }).authScopes !== undefined || rules.has(typeConfig.name);
    const guardedField = (fieldConfig.pothosOptions as { authScopes?: unknown }).authScopes !== undefined || rules.has(coordinate);
    return root || guardedType || guardedField ? { root, coordinate } : null;
  }

  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>, fieldConfig: PothosOutputFieldConfig<Types>) {
    const guarded = this.guarded(fieldConfig);
    // subscriptions are checked when they start (wrapSubscribe), not on every event
    if (!guarded || this.buildCache.getTypeConfig(fieldConfig.parentType).kind === 'Subscription') return resolver;
    const typeName = this.buildCache.getTypeConfig(fieldConfig.parentType).name;
    return (parent: unknown, args: object, ctx: Types['Context'], info: Parameters<typeof resolver>[3]) => {
      const integration = (ctx as { integration?: IntegrationViewer | null }).integration;
      if (!integration) return resolver(parent, args, ctx, info);
      const check = guard(guarded.coordinate, typeName, guarded.root, integration, parent, args, ctx as object);
      return check ? check.then(() => resolver(parent, args, ctx, info)) : resolver(parent, args, ctx, info);
    };
  }

  override wrapSubscribe(subscribe: ((...args: any[]) => unknown) | undefined, fieldConfig: PothosOutputFieldConfig<Types>) {
    const guarded = this.guarded(fieldConfig);
    if (!subscribe || !guarded) return subscribe as never;
    const typeName = this.buildCache.getTypeConfig(fieldConfig.parentType).name;
    return ((parent: unknown, args: object, ctx: object, info: unknown) => {
      const integration = (ctx as { integration?: IntegrationViewer | null }).integration;
      if (!integration) return subscribe(parent, args, ctx, info);
      const check = guard(guarded.coordinate, typeName, true, integration, parent, args, ctx);
      return check ? check.then(() => subscribe(parent, args, ctx, info)) : subscribe(parent, args, ctx, info);
    }) as never;
  }
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      integrationGuard: IntegrationGuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('integrationGuard', IntegrationGuardPlugin);

export default 'integrationGuard' as const;
