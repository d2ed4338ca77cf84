import type { Prisma } from "~/generated/prisma/client";
import { addJob } from "~/queues/queue.server";
import type { Db, Tx } from "~/utils/db.server";
import { prisma } from "~/utils/db.server";

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

export async function markOutboxProcessed(tx: Tx | Db, queue: string, key: string) {
  await tx.outboxMessage.updateMany({ where: { queue, key, processedAt: null }, data: { processedAt: new Date() } });
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
