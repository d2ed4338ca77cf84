import { CONVERSION_BILLING_QUEUE } from "~/queues/conversion-billing.queue.server";
import { CONVERSION_UPLOAD_QUEUE } from "~/queues/conversion-upload.queue.server";
import { LEAD_PROCESSING_QUEUE } from "~/queues/lead-processing.queue.server";
import { OUTBOUND_DELIVERY_QUEUE } from "~/queues/outbound-delivery.queue.server";
import { getQueue } from "~/queues/queue.server";
import { SCHEDULED_WORK_QUEUE } from "~/queues/scheduled-work.queue.server";
import { TRUE_UP_QUEUE } from "~/queues/true-up.queue.server";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";

// How far behind the workers are: what waits in each queue, how long the oldest lead has waited
// for its decision, and how many decisions the last minute saw. Read by the admin console's
// landing and by the Prometheus endpoint (metrics.server.ts).

/** Every queue the workers consume (workers/index.ts), in the order operators read them. */
export const WORKER_QUEUES = [
  LEAD_PROCESSING_QUEUE,
  OUTBOUND_DELIVERY_QUEUE,
  CONVERSION_BILLING_QUEUE,
  CONVERSION_UPLOAD_QUEUE,
  TRUE_UP_QUEUE,
  SCHEDULED_WORK_QUEUE,
] as const;

export const QUEUE_JOB_STATES = ["waiting", "active", "delayed", "failed"] as const;
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];
export type QueueDepth = { queue: string } & Record<QueueJobState, number>;

export interface Backlog {
  /** Jobs per queue and state; null when Redis did not answer in time. */
  queues: QueueDepth[] | null;
  /** Seconds since the oldest lead still waiting for the pipeline's decision arrived; 0 when none waits. */
  oldestUndecidedAgeSeconds: number;
  /** Leads the pipeline decided (sold, unsold, rejected or held for review) in the last 60 seconds. */
  decisionsLastMinute: number;
  leadsReceivedTotal: number;
}

const REDIS_TIMEOUT_MS = 1500;

async function queueDepths(): Promise<QueueDepth[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REDIS_TIMEOUT_MS)));
  const counts = Promise.all(
    WORKER_QUEUES.map(async (queue) => {
      const c = await getQueue(queue).getJobCounts();
      return { queue, waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
    }),
  ).catch(() => null);
  try {
    return await Promise.race([counts, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The figures, measured now. A lead is undecided while RECEIVED (ACCEPTED only inside the
 * deciding transaction); a decision is a lead-processing outbox message marked processed, which
 * the pipeline does in the transaction that decides the lead (both reads use an index).
 */
export async function measureBacklog(): Promise<Backlog> {
  const [queues, [row]] = await Promise.all([
    queueDepths(),
    prisma.$queryRaw<Array<{ oldest: number | null; decisions: number; received: bigint }>>`
      SELECT
        (SELECT EXTRACT(EPOCH FROM now() - min("receivedAt"))::float8 FROM "Lead" WHERE status IN ('RECEIVED', 'ACCEPTED')) AS oldest,
        (SELECT count(*)::int FROM "OutboxMessage" WHERE queue = ${LEAD_PROCESSING_QUEUE} AND "processedAt" >= now() - interval '60 seconds') AS decisions,
        (SELECT count(*) FROM "Lead") AS received`,
  ]);
  return {
    queues,
    oldestUndecidedAgeSeconds: Math.max(0, row.oldest ?? 0),
    decisionsLastMinute: row.decisions,
    leadsReceivedTotal: Number(row.received),
  };
}

/** The backlog for the admin console. */
export async function readBacklog(actor: Actor): Promise<Backlog> {
  requirePermission(actor, "read:operations:any");
  return measureBacklog();
}
