import type { Prisma } from "~/generated/prisma/client";
import { addJob, addJobs } from "~/queues/queue.server";
import type { Db, Tx } from "~/utils/db.server";
import { hotPathQuery, prisma, txExecute } from "~/utils/db.server";

// Transactional outbox: a job is first a row written with the data it concerns, then a Bull job.
// If Redis is down when the row commits, the sweeper enqueues it later; nothing is lost.

export async function addOutboxMessage(tx: Tx, queue: string, key: string, payload: Prisma.InputJsonValue) {
  return tx.outboxMessage.create({ data: { queue, key, payload } });
}

/** Tries to enqueue one message now; returns false (and leaves it for the sweeper) if Redis refuses. */
export async function dispatchOutboxMessage(message: { id: string; queue: string; key: string; payload: unknown }): Promise<boolean> {
  try {
    await addJob(message.queue, message.payload, message.key);
  } catch (error) {
    console.warn(`outbox: ${message.queue}/${message.key} not enqueued yet (${(error as Error).message}); the sweeper will retry`);
    await prisma.outboxMessage.update({ where: { id: message.id }, data: { attempts: { increment: 1 } } });
    return false;
  }
  await prisma.outboxMessage.update({
    where: { id: message.id },
    data: { enqueuedAt: new Date(), attempts: { increment: 1 } },
  });
  return true;
}

type OutboxMessageRef = { id: string; queue: string; key: string; payload: unknown };

const BATCH_DELAY_MS = 2;
let pendingDispatch: OutboxMessageRef[] = [];
let flushTimer: NodeJS.Timeout | undefined;

/**
 * Enqueues a just-committed message without making the caller wait: messages are gathered for a
 * couple of milliseconds and sent in one Redis round trip, then marked enqueued (many at once).
 * Under load this is what lets the postback endpoint answer at database speed. A message lost
 * here (Redis down, process killed) is still a row: the sweeper enqueues it.
 */
export function dispatchOutboxMessageSoon(message: OutboxMessageRef): void {
  pendingDispatch.push(message);
  flushTimer ??= setTimeout(() => void dispatchPending(), BATCH_DELAY_MS);
}

/** Sends what dispatchOutboxMessageSoon gathered, and marks it enqueued. */
export async function flushOutboxDispatch(): Promise<void> {
  await dispatchPending();
  await flushEnqueuedMarks();
}

async function dispatchPending(): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = pendingDispatch;
  pendingDispatch = [];
  if (batch.length === 0) return;
  const byQueue = new Map<string, OutboxMessageRef[]>();
  for (const m of batch) byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), m]);
  await Promise.all(
    [...byQueue].map(async ([queue, messages]) => {
      const ids = messages.map((m) => m.id);
      try {
        await addJobs(
          queue,
          messages.map((m) => ({ payload: m.payload, jobId: m.key })),
        );
      } catch (error) {
        console.warn(`outbox: ${messages.length} ${queue} message(s) not enqueued yet (${(error as Error).message}); the sweeper will retry`);
        await hotPathQuery(`UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1 WHERE "id" = ANY($1::text[])`, [ids]).catch(() => {});
        return;
      }
      markEnqueuedSoon(ids);
    }),
  );
}

// Marking messages enqueued only spares the sweeper work (a job id already in Redis is not added
// twice), so the marks of many dispatches are written together, by one raw statement: through
// Prisma, and once per dispatch, this mark cost more CPU than the postback it followed
// (docs/decisions/010-speed-to-lead.md, "Intake and auction").
const MARK_DELAY_MS = 25;
let pendingMarks: string[] = [];
let markTimer: NodeJS.Timeout | undefined;

function markEnqueuedSoon(ids: string[]): void {
  pendingMarks.push(...ids);
  markTimer ??= setTimeout(() => void flushEnqueuedMarks(), MARK_DELAY_MS);
}

async function flushEnqueuedMarks(): Promise<void> {
  clearTimeout(markTimer);
  markTimer = undefined;
  const ids = pendingMarks;
  pendingMarks = [];
  if (ids.length === 0) return;
  await hotPathQuery(`UPDATE "OutboxMessage" SET "enqueuedAt" = now() AT TIME ZONE 'UTC', "attempts" = "attempts" + 1 WHERE "id" = ANY($1::text[])`, [
    ids,
  ]).catch((error: unknown) => console.warn(`outbox: could not mark ${ids.length} message(s) enqueued: ${String(error)}`));
}

export async function markOutboxProcessed(tx: Tx | Db, queue: string, key: string) {
  await tx.outboxMessage.updateMany({ where: { queue, key, processedAt: null }, data: { processedAt: new Date() } });
}

/** `markOutboxProcessed` for many messages of one queue in one statement (a batch of leads). */
export async function markOutboxProcessedMany(tx: Tx | Db, queue: string, keys: string[]) {
  if (keys.length === 0) return;
  await txExecute(tx)`
    UPDATE "OutboxMessage" SET "processedAt" = now() AT TIME ZONE 'UTC' WHERE queue = ${queue} AND key = ANY(${keys}) AND "processedAt" IS NULL`;
}

/**
 * Re-enqueues messages never enqueued, or enqueued long ago and still not processed
 * (their job was lost with Redis). Bull's job id keeps a still-queued job from running twice.
 */
export async function sweepOutbox(options: { staleAfterMs: number; limit?: number } = { staleAfterMs: 60_000 }) {
  const staleBefore = new Date(Date.now() - options.staleAfterMs);
  const messages = await prisma.outboxMessage.findMany({
    where: { processedAt: null, OR: [{ enqueuedAt: null }, { enqueuedAt: { lt: staleBefore } }] },
    orderBy: { createdAt: "asc" },
    take: options.limit ?? 500,
  });
  let enqueued = 0;
  for (const message of messages) {
    if (await dispatchOutboxMessage(message)) enqueued++;
  }
  return { found: messages.length, enqueued };
}
