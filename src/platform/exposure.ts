// What the API shows beyond answering operations: the GraphiQL page, schema introspection
// and which browser origins may call it (CORS). Development shows all; production none
// unless configured (GRAPHIQL, INTROSPECTION, CORS_ORIGINS).
import type { Plugin } from '@envelop/core';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationRule } from 'graphql';
import type { GraphiQLOptions } from 'graphql-yoga';

/** yoga's CORS settings (its `cors` option): an object, or false for no CORS headers. */
type CORSOptions = { origin?: string[] | string; credentials?: boolean } | false;

/**
 * GraphiQL served from the installed @graphql-yoga/render-graphiql: its page inlines the
 * scripts, styles and editor workers, so it works offline (yoga's default page loads them
 * from a CDN and stays blank without internet). The package (~9 MB of inlined assets) is
 * imported on the first page request only, and the page is rendered once.
 */
export function offlineGraphiQLRenderer(): (options?: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | undefined;
  return (options) => {
    page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
    return page;
  };
}

/** graphql's rule that refuses `__schema` and `__type`, with a code, the setting to change, and one error per document. */
const noIntrospection: ValidationRule = (context) => {
  const coded = Object.create(context) as typeof context;
  let reported = false;
  coded.reportError = (error) => {
    // the rule flags every field of an introspection type (`__schema` and each field under it)
    if (reported) return;
    reported = true;
    context.reportError(new GraphQLError(`${error.message} Introspection is off on this server (INTROSPECTION=false).`, { nodes: error.nodes, extensions: { code: 'INTROSPECTION_DISABLED' } }));
  };
  return NoSchemaIntrospectionCustomRule(coded);
};

/** Refuses introspection queries over HTTP and WebSocket (both validate through envelop). */
export function useDisableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}

/**
 * `'*'`: any origin may call the API from a browser; a list: only those origins; an empty
 * list: no cross-origin browser calls. Credentials are never allowed: the API authenticates
 * with the Authorization header, not cookies, so a page on another origin gains nothing
 * from the visitor's browser state.
 */
export function corsPolicy(origins: '*' | string[]): CORSOptions | ((request: Request) => CORSOptions) {
  if (origins === '*') return { origin: '*', credentials: false };
  if (origins.length === 0) return false;
  const allowed = new Set(origins);
  // origin '*' makes yoga echo the request's origin and add `Vary: Origin`
  return (request) => (allowed.has(request.headers.get('origin') ?? '') ? { origin: '*', credentials: false } : false);
}
