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

/** A TCP proxy to `target` (host:port) that can refuse and cut every connection, then accept again. */
export interface CuttableProxy {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** destroys every open connection and refuses new ones */
  cut(): void;
  /** accepts (and forwards) connections again */
  restore(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
