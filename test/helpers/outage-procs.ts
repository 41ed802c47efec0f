// Child-process handles for the outage test: the sandbox clearinghouse and the appliance, each
// startable, killable with SIGKILL at any instant, and restartable on the same state.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const HELPERS = import.meta.dirname;

export interface Status {
  claims: Record<string, number>;
  batches: Record<string, number>;
  newResponses: number;
  settled: boolean;
}

interface Child {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  kill(): Promise<void>;
}

function launch(script: string, args: string[], onLine: (line: string) => void): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(HELPERS, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let buf = '';
  proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    exited,
    stderr: () => err,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface SandboxChild extends Child {
  url: string;
  port: number;
  /** Uploads it swallowed so far. */
  lost(): number;
}

/** Start the sandbox on `port` (0 the first time) and wait until it listens; see outage-sandbox-child.ts. */
export async function startSandboxChild(
  stateFile: string,
  port: number,
  stallMs: number,
  loseUploads = 0,
): Promise<SandboxChild> {
  let ready!: (url: string) => void;
  let lost = 0;
  const listening = new Promise<string>((r) => (ready = r));
  const child = launch(
    'outage-sandbox-child.ts',
    [stateFile, String(port), String(stallMs), String(loseUploads)],
    (line) => {
      if (line.startsWith('url ')) ready(line.slice(4));
      if (line === 'lost upload') lost++;
    },
  );
  const url = await Promise.race([
    listening,
    child.exited.then(({ code }) => {
      throw new Error(`sandbox exited ${code} before listening: ${child.stderr()}`);
    }),
  ]);
  return { ...child, url, port: Number(new URL(url).port), lost: () => lost };
}

export interface ApplianceChild extends Child {
  last(): Status | undefined;
  /** Resolves with the first status line that satisfies `pred`. */
  until(pred: (s: Status) => boolean, timeoutMs: number): Promise<Status>;
}

export function startApplianceChild(
  dataDir: string,
  sandboxUrl: string,
  count: number,
  exitWhenSettled: boolean,
): ApplianceChild {
  let latest: Status | undefined;
  const waiters = new Set<(s: Status) => void>();
  const child = launch(
    'outage-appliance-child.ts',
    [dataDir, sandboxUrl, String(count), exitWhenSettled ? '1' : '0'],
    (line) => {
      if (!line.startsWith('{')) return;
      latest = JSON.parse(line) as Status;
      for (const w of [...waiters]) w(latest);
    },
  );
  return {
    ...child,
    last: () => latest,
    until(pred, timeoutMs) {
      return new Promise<Status>((resolve, reject) => {
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        const check = (s: Status) => {
          if (pred(s)) done(() => resolve(s));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`appliance status not reached; last ${JSON.stringify(latest)}`))),
          timeoutMs,
        );
        waiters.add(check);
        void child.exited.then(({ code, signal }) =>
          done(() =>
            reject(new Error(`appliance exited (${code ?? signal}) while waiting: ${child.stderr()}`)),
          ),
        );
        if (latest) check(latest);
      });
    },
  };
}
