// Bind the sandbox app to a socket (port 0 in tests; config sandbox.port, default 8091, otherwise).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createSandbox, type Sandbox, type SandboxOptions } from './app.js';
import { openSandboxState } from './state.js';

export interface RunningSandbox {
  sandbox: Sandbox;
  /** e.g. 'http://127.0.0.1:8091' (what createSandboxTransport takes). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeSandboxOptions extends SandboxOptions {
  host?: string;
  port?: number;
  /** SQLite file for durable state (config sandbox.state_file under data.dir); absent = memory. */
  stateFile?: string;
}

export function serveSandbox(opts: ServeSandboxOptions): Promise<RunningSandbox> {
  const persistence = opts.persistence ?? (opts.stateFile ? openSandboxState(opts.stateFile) : undefined);
  const sandbox = createSandbox({ ...opts, ...(persistence ? { persistence } : {}) });
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: sandbox.app.fetch, hostname: host, port: opts.port ?? 0 },
      (info: AddressInfo) => {
        const urlHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          sandbox,
          url: `http://${urlHost}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              // Stalled test replies must not hold the process: drop open connections too.
              server.closeAllConnections();
              server.close(() => {
                persistence?.close();
                done();
              });
            }),
        });
      },
    ) as Server;
    server.once('error', reject);
  });
}
