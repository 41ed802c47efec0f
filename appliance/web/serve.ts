// Bind the hono app to a socket (HTTP, or HTTPS when a certificate is configured).
import { serve, type ServerType } from '@hono/node-server';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Bound {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function serveApp(
  app: { fetch: Hono['fetch'] },
  opts: { host: string; port: number; tlsCert?: string; tlsKey?: string },
): Promise<Bound> {
  return new Promise((resolve, reject) => {
    const tls = opts.tlsCert && opts.tlsKey;
    const onListen = (info: AddressInfo) => {
      const scheme = tls ? 'https' : 'http';
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        port: info.port,
        url: `${scheme}://${host}:${info.port}`,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    };
    const server: ServerType = tls
      ? serve(
          {
            fetch: app.fetch,
            port: opts.port,
            hostname: opts.host,
            createServer: createHttpsServer,
            serverOptions: { cert: readFileSync(opts.tlsCert!), key: readFileSync(opts.tlsKey!) },
          },
          onListen,
        )
      : serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, onListen);
    server.once('error', reject);
  });
}
