// Size caps on what a client sends, checked before anything is parsed:
// - a request body that is not an upload (JSON, application/graphql, form-urlencoded) is at
//   most MAX_BODY_BYTES: refused from its Content-Length at once, or when the streamed bytes
//   pass the cap (chunked bodies), so an oversized body is never buffered;
// - a GraphQL document is at most MAX_DOCUMENT_BYTES, over HTTP (any body type, GET included)
//   and WebSocket alike (the check runs in the envelop parse phase both transports share).
// Multipart uploads keep their own caps (MAX_UPLOAD_BYTES per file, 25 MB per request: yoga's
// cap, which this plugin applies in its place so that a body is never wrapped twice).
// A body with a Content-Length is not counted: Node's HTTP parser reads exactly that many
// bytes as the body. Only one without (chunked) streams through a counter.
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

/** yoga's cap on a whole request, uploads included (createYoga's maxRequestBodySize is off: this plugin applies it) */
export const MAX_REQUEST_BYTES = 25_000_000;

/** yoga's refusal for a request past MAX_REQUEST_BYTES, word for word */
const requestTooLarge = () => new GraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: BODY_TOO_LARGE } });

/** only a single non-negative integer is a Content-Length (as yoga checks it: comma-joined values are smuggling attempts) */
const CONTENT_LENGTH = /^\d+$/;
const invalidContentLength = () => new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });

/** The request with a body that errors once more than `limit` bytes have streamed through. */
function countingRequest(request: Request, limit: number, tooLarge: () => GraphQLError, fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream }): Request {
  let bytes = 0;
  // a native stream needs the native TransformStream, a ponyfilled one the ponyfill (as yoga does)
  const Transform = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge());
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
      const bodyCapped = request.method === 'POST' && !isMultipart(request);
      const limit = bodyCapped ? limits.maxBodyBytes : MAX_REQUEST_BYTES;
      const tooLarge = bodyCapped ? () => bodyTooLarge(limits.maxBodyBytes) : requestTooLarge;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > limit) throw tooLarge();
        if (!CONTENT_LENGTH.test(declared)) throw invalidContentLength();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(countingRequest(req, limit, tooLarge, fetchAPI)));
    },
  };
}
