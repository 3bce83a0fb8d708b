// Real faults for the resilience tests: PostgreSQL dropping the app's connections (what a
// restart does to them: 57P01 "terminating connection due to administrator command") and a
// TCP proxy between an instance and Redis that the test cuts and restores.
import net from 'node:net';
import pg from 'pg';
import type { TestApp } from './app.ts';

/** Terminates every connection to the app's database but this one: exactly what a PostgreSQL restart does to them. */
export async function terminateBackends(t: TestApp): Promise<number> {
  const url = t.app.services.config.databaseUrl!;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.filter((row) => row.terminated).length;
  } finally {
    await client.end();
  }
}

/** A TCP proxy to a service that the test can take away (connections refused, open ones cut) and bring back. */
export interface CuttableProxy {
  /** the service's URL with the proxy's host and port */
  url: string;
  /** destroys every open connection and stops listening: new connections are refused */
  cut(): Promise<void>;
  /** listens (and forwards) again, on the same port */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function cuttableProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || (target.protocol.startsWith('postgres') ? 5432 : 6379));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const stop = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    return closed;
  };
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut: stop,
    restore: () => listen(port),
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
