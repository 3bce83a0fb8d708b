// Real clients: graphql-request over HTTP, multipart uploads with fetch + FormData,
// graphql-ws over a real WebSocket.
import { print, type DocumentNode } from 'graphql';
import { GraphQLClient } from 'graphql-request';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

type Doc<R, V> = TypedDocumentNode<R, V> | DocumentNode | string;

export interface GraphQLResponse<R> {
  status: number;
  data?: R | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

export interface Api {
  /** runs an operation; throws when the response has errors */
  request<R = any, V extends object = Record<string, unknown>>(document: Doc<R, V>, variables?: V): Promise<R>;
  /** runs an operation and returns the raw response, errors included */
  raw<R = any, V extends object = Record<string, unknown>>(document: Doc<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  /** GraphQL multipart request: `files` maps a variable path (e.g. "files.0") to its bytes */
  upload<R = any>(document: Doc<R, any>, variables: Record<string, unknown>, files: Record<string, { bytes: Uint8Array; name?: string; type?: string }>): Promise<GraphQLResponse<R>>;
  /** a graphql-ws client carrying this user's token in connectionParams */
  ws(): Client;
  url: string;
}

const source = (doc: Doc<any, any>) => (typeof doc === 'string' ? doc : print(doc as DocumentNode));

export function createApi(url: string, token: () => Promise<string | null>): Api {
  const headers = async (): Promise<Record<string, string>> => {
    const t = await token();
    return t ? { authorization: `Bearer ${t}` } : {};
  };
  const raw = async (document: Doc<any, any>, variables?: object) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(await headers()) },
      body: JSON.stringify({ query: source(document), variables }),
    });
    return { status: response.status, ...(await response.json()) };
  };
  return {
    url,
    async request(document, variables) {
      const client = new GraphQLClient(url, { headers: await headers() });
      return client.request<any>(source(document), variables as Record<string, unknown>);
    },
    raw,
    async upload(document, variables, files) {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: source(document), variables }));
      const map: Record<string, string[]> = {};
      Object.keys(files).forEach((key, index) => (map[String(index)] = [`variables.${key}`]));
      form.append('map', JSON.stringify(map));
      Object.entries(files).forEach(([, file], index) => {
        form.append(String(index), new Blob([file.bytes as BlobPart], { type: file.type ?? 'application/octet-stream' }), file.name ?? `file${index}`);
      });
      const response = await fetch(url, { method: 'POST', body: form, headers: { ...(await headers()), 'graphql-preflight': '1' } });
      const text = await response.text();
      try {
        return { status: response.status, ...JSON.parse(text) };
      } catch {
        return { status: response.status, errors: [{ message: text }] };
      }
    },
    ws() {
      return createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        connectionParams: async () => {
          const t = await token();
          return t ? { authorization: `Bearer ${t}` } : {};
        },
      });
    },
  };
}

/** Subscribes and collects results; `next()` waits for the next one (or fails after a timeout). */
export function subscribe<R = any>(client: Client, document: Doc<R, any>, variables?: Record<string, unknown>) {
  const queue: { data?: R | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }[] = [];
  const waiters: ((value: (typeof queue)[number]) => void)[] = [];
  let failure: unknown;
  let completed = false;
  const push = (value: (typeof queue)[number]) => {
    const waiter = waiters.shift();
    if (waiter) waiter(value);
    else queue.push(value);
  };
  const dispose = client.subscribe<R>(
    { query: source(document), variables },
    {
      next: (value) => push(value as never),
      error: (error) => {
        failure = error;
        push({ errors: Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? (error as CloseEvent)?.reason ?? error) }] });
      },
      complete: () => {
        completed = true;
      },
    },
  );
  return {
    next(timeoutMs = 15000): Promise<(typeof queue)[number]> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const waiter = (value: (typeof queue)[number]) => {
          clearTimeout(timer);
          resolve(value);
        };
        const timer = setTimeout(() => {
          // stop waiting, or this waiter would swallow the next event after the timeout
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no subscription event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    /** resolves true if nothing arrives within the time */
    async quiet(ms = 300): Promise<boolean> {
      if (queue.length) return false;
      await new Promise((r) => setTimeout(r, ms));
      return queue.length === 0;
    },
    get failure() {
      return failure;
    },
    get completed() {
      return completed;
    },
    dispose,
  };
}
