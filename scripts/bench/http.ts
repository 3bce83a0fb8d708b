// Helpers the benchmarks share: GraphQL over HTTP with a bearer token, refusals as failures,
// latency percentiles, a throwaway PostgreSQL database.

/** Runs an operation; throws on GraphQL errors. */
export async function gql<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** The payload, or a failure naming its user errors. */
export function accepted<T extends { userErrors: unknown[] }>(payload: T, what: string): T {
  if (payload.userErrors.length > 0) throw new Error(`${what}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** The p-th percentile of ascending values. */
export const percentile = (sorted: ArrayLike<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

