// Size caps on what a client sends, checked before anything is parsed:
// - a request body that is not an upload (JSON, application/graphql, form-urlencoded) is at
//   most MAX_BODY_BYTES: refused from its Content-Length at once, or when the streamed bytes
//   pass the cap (chunked bodies), so an oversized body is never buffered;
// - a GraphQL document is at most MAX_DOCUMENT_BYTES, over HTTP (any body type, GET included)
//   and WebSocket alike (the check runs in the envelop parse phase both transports share).
// Multipart uploads keep their own caps (MAX_UPLOAD_BYTES per file, yoga's 25 MB per request).
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface SizeLimits {
  maxBodyBytes: number;
  maxDocumentBytes: number;
}

/** yoga's own code for its request cap, so clients handle one code for any oversized body */
export const BODY_TOO_LARGE = 'REQUEST_ENTITY_TOO_LARGE';
export const DOCUMENT_TOO_LARGE = 'DOCUMENT_TOO_LARGE';

const bodyTooLarge = (limit: number) =>
  new GraphQLError(`The request body is larger than ${limit} bytes (MAX_BODY_BYTES). Files go in a multipart upload.`, {
    extensions: { code: BODY_TOO_LARGE, http: { status: 413 } },
  });

function documentTooLarge(limit: number) {
  return new GraphQLError(`The GraphQL document is larger than ${limit} bytes (MAX_DOCUMENT_BYTES).`, {
    extensions: { code: DOCUMENT_TOO_LARGE, http: { status: 413 } },
  });
}

const isMultipart = (request: Request) => request.headers.get('content-type')?.toLowerCase().startsWith('multipart/') ?? false;

/** The request with a body that errors once more than `limit` bytes have streamed through. */
function countingRequest(request: Request, limit: number, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  let bytes = 0;
  // a native stream needs the native TransformStream, a ponyfilled one the ponyfill (as yoga does)
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(bodyTooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}

export function useSizeLimits(limits: SizeLimits): Plugin {
  return {
    onParse({ params }) {
      // a string has at least as many UTF-8 bytes as UTF-16 units: no need to count past the cap
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (text.length > limits.maxDocumentBytes || Buffer.byteLength(text, 'utf8') > limits.maxDocumentBytes) throw documentTooLarge(limits.maxDocumentBytes);
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== 'POST' || isMultipart(request)) return;
      const declared = Number(request.headers.get('content-length'));
      if (declared > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
      // a declared length within the cap is all Node's HTTP parser reads as this body (bytes past
      // it are the next request's): only a body without one (chunked) needs counting
      if (request.headers.has('content-length') || !requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(countingRequest(req, limits.maxBodyBytes, fetchAPI)));
    },
  };
}
