// ETag and If-None-Match for anonymous GET queries (the public business page is read this way
// by browsers and CDNs): the response carries a hash of its body, and a client that sends the
// hash it holds gets 304 Not Modified without the body. Only anonymous requests: their answer is
// public, the same for everyone. POST requests are never cached by HTTP, so they are left alone.
import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const matches = (ifNoneMatch: string | null, etag: string) =>
  ifNoneMatch !== null && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);

export function useETag(): Plugin {
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (request.method !== 'GET' || response.status !== 200 || request.headers.has('authorization')) return;
      if (!/json/.test(response.headers.get('content-type') ?? '')) return; // not GraphiQL's page, not streams
      const body = await response.text();
      const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('etag', etag);
      if (matches(request.headers.get('if-none-match'), etag)) {
        headers.delete('content-length');
        headers.delete('content-type');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
      } else setResponse(new fetchAPI.Response(body, { status: 200, headers }));
    },
  };
}
