// The WebSocket send path of subscriptions, for a room with thousands of viewers on one
// instance. graphql-ws serialises every subscriber's `next` message separately and writes each
// frame with its own syscall: at 10,000 viewers that was ~10× a raw broadcast of the same
// bytes. Here (1) a result shared by many subscribers (shared-results.ts) is serialised once
// and each subscriber's frame is that JSON with its subscription id spliced in, and (2) the
// frames a socket sends in one tick leave in one write (the socket is corked until the tick
// ends).
import type { ExecutionResult } from 'graphql';
import type { WebSocket, WebSocketServer } from 'ws';
import { sharedResultJson } from './shared-results.ts';

/** What `onNext` hands graphql-ws for a frame it already sent: graphql-ws's own message is then dropped. */
const ALREADY_SENT = '\u0000sent';
const alreadySentPayload = { toJSON: () => ALREADY_SENT };
const alreadySentSuffix = `"payload":${JSON.stringify(ALREADY_SENT)}}`;

const corked = new WeakSet<WebSocket>();

/** Holds the socket's writes until the current tick's work is done, then writes them at once. */
function corkForTick(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  if (!raw || corked.has(socket)) return;
  corked.add(socket);
  raw.cork();
  process.nextTick(() => {
    corked.delete(socket);
    raw.uncork();
  });
}

/** Installs the batched send on every connection of `wss` (call before graphql-ws's useServer). */
export function batchSocketWrites(wss: WebSocketServer): void {
  wss.on('connection', (socket) => {
    const send = socket.send.bind(socket) as (data: unknown, cb?: (error?: Error) => void) => void;
    socket.send = ((data: unknown, cb?: (error?: Error) => void) => {
      if (typeof data === 'string' && data.endsWith(alreadySentSuffix)) return cb?.();
      corkForTick(socket);
      send(data, cb);
    }) as WebSocket['send'];
  });
}

/**
 * graphql-ws `onNext` hook: a shared result goes out as its pre-serialised JSON with this
 * subscription's id spliced in. Returns what graphql-ws must send instead (nothing).
 */
export function sendSharedResult(socket: WebSocket, id: string, result: ExecutionResult): unknown {
  const json = sharedResultJson(result);
  if (json === undefined) return undefined; // executed for this subscriber alone: the usual path
  if (socket.readyState !== socket.OPEN) return alreadySentPayload;
  socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${json}}`);
  return alreadySentPayload;
}
