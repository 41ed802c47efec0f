// Bind the hono app to a socket (HTTP, or HTTPS when a certificate is configured).
import { getRequestListener } from '@hono/node-server';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

export interface Bound {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A response served straight from memory, without building a fetch Request/Response. */
export type FastPath = () => { status: number; contentType: string; body: string };

export function serveApp(
  app: { fetch: Hono['fetch'] },
  opts: {
    host: string;
    port: number;
    tlsCert?: string;
    tlsKey?: string;
    /**
     * Exact GET paths answered from a cache (/health: RMMs poll it every few seconds and the
     * report is refreshed in the background), skipping the fetch-API adaptation that costs more
     * than the answer itself.
     */
    fastPaths?: Record<string, FastPath>;
  },
): Promise<Bound> {
  const listener = getRequestListener(app.fetch);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const fast = req.method === 'GET' && req.url ? opts.fastPaths?.[req.url] : undefined;
    if (fast) {
      const r = fast();
      res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body) });
      res.end(r.body);
      return;
    }
    void listener(req, res);
  };
  const tls = opts.tlsCert && opts.tlsKey;
  const server = tls
    ? createHttpsServer({ cert: readFileSync(opts.tlsCert!), key: readFileSync(opts.tlsKey!) }, handler)
    : createHttpServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      const info = server.address() as AddressInfo;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        port: info.port,
        url: `${tls ? 'https' : 'http'}://${host}:${info.port}`,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
