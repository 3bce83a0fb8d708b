// Limits on a query's shape (GraphQL Armor): depth, aliases, directives, tokens and cost.
// Armor's own refusals read "Syntax Error: …" without a code; each gets its own code here and
// armor's message without the misleading prefix. A document already refused for a literal page
// size (limits.ts) is not also refused for its cost: the page size is the specific answer.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { pageSizeRefused } from './limits.ts';

const QUERY_LIMITS = { maxDepth: 12, maxAliases: 20, maxDirectives: 20, maxTokens: 5000, maxCost: 20000 };

const coded = (code: string, error: GraphQLError) => new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } });

/** a validation-rule limit reports its refusal with the other validation errors */
const report = (code: string) => ({
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(coded(code, error))],
});

export function useQueryLimits() {
  return EnvelopArmorPlugin({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ...report('QUERY_TOO_DEEP') },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...report('TOO_MANY_ALIASES') },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...report('TOO_MANY_DIRECTIVES') },
    // counted while parsing: stop the parser at the first token over the limit
    maxTokens: {
      n: QUERY_LIMITS.maxTokens,
      propagateOnRejection: false,
      onReject: [
        (_context: unknown, error: GraphQLError) => {
          throw coded('TOO_MANY_TOKENS', error);
        },
      ],
    },
    costLimit: {
      maxCost: QUERY_LIMITS.maxCost,
      propagateOnRejection: false,
      onReject: [
        (context: ValidationContext | null, error: GraphQLError) => {
          if (context && !pageSizeRefused(context.getDocument())) context.reportError(coded('QUERY_TOO_COMPLEX', error));
        },
      ],
    },
  });
}
