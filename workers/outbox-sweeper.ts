import { sweepOutbox } from "~/modules/outbox/outbox.server";

/** Re-enqueues outbox rows Redis never got (or lost) every `intervalMs`; returns a stop function. */
export function startOutboxSweeper(intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() =>
      sweepOutbox({ staleAfterMs: Math.max(intervalMs * 6, 30_000) }).then(
        ({ enqueued }) => {
          if (enqueued > 0) console.info(`outbox sweeper: re-enqueued ${enqueued} job(s)`);
        },
        (error: unknown) => console.warn(`outbox sweeper: ${(error as Error).message}`),
      ),
    );
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
