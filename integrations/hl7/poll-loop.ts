// The polling channels' loop (SFTP pickup, REST poller): one poll at a time, the next scheduled
// after the last finishes, and stop() waits for the poll in flight. pollOnce never rejects.

export interface PollLoop {
  start(pollMs: number): void;
  stop(): Promise<void>;
}

export function createPollLoop(pollOnce: () => Promise<unknown>): PollLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const loop = (pollMs: number) => {
    if (stopped) return;
    running = pollOnce().finally(() => {
      if (!stopped) timer = setTimeout(() => loop(pollMs), pollMs);
    });
  };
  return {
    start(pollMs) {
      stopped = false;
      loop(pollMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
