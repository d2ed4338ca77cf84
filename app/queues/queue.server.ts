import Bull from "bull";
import { getEnv, type Env } from "~/utils/env.server";
import { OUTBOUND_DELIVERY_QUEUE, outboundDeliveryJobOptions } from "./outbound-delivery.queue.server";

// Shared Bull setup: one Queue object per name per process, common job options, one close().

const queues = new Map<string, Bull.Queue>();

const defaultJobOptions: Bull.JobOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: false,
};

/** Queues whose jobs retry on their own schedule instead of the defaults. */
const jobOptionsByQueue: Record<string, (env: Env) => Bull.JobOptions> = {
  [OUTBOUND_DELIVERY_QUEUE]: outboundDeliveryJobOptions,
};

export function getQueue(name: string): Bull.Queue {
  let queue = queues.get(name);
  if (!queue) {
    const env = getEnv();
    queue = new Bull(name, env.REDIS_URL, {
      prefix: env.QUEUE_PREFIX,
      defaultJobOptions: { ...defaultJobOptions, ...jobOptionsByQueue[name]?.(env) },
      // Fail fast instead of waiting forever when Redis is down; the outbox retries later.
      redis: { maxRetriesPerRequest: 1, enableReadyCheck: false, connectTimeout: 2000 },
    });
    // Without a listener an unreachable Redis would crash the process; the outbox covers the gap.
    queue.on("error", (error) => console.warn(`[queue ${name}] ${error.message}`));
    queues.set(name, queue);
  }
  return queue;
}

const ENQUEUE_TIMEOUT_MS = 1500;

/** The one way to add a job: the job id is the domain key, so adding twice runs once. */
export async function addJob(name: string, payload: unknown, jobId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not accept job ${jobId} within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    await Promise.race([addOrRetry(getQueue(name), payload, jobId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds many new jobs in one Redis round trip (ids already present are left alone, as with addJob). */
export async function addJobs(name: string, jobs: Array<{ payload: unknown; jobId: string }>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not accept ${jobs.length} jobs within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    await Promise.race([getQueue(name).addBulk(jobs.map((j) => ({ data: j.payload as object, opts: { jobId: j.jobId } }))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Bull ignores an add whose job id already exists, so a job that used up its attempts would
 * never run again: retry that one instead (the outbox sweeper calls this until it succeeds).
 */
async function addOrRetry(queue: Bull.Queue, payload: unknown, jobId: string): Promise<void> {
  const existing = await queue.getJob(jobId);
  if (existing && (await existing.isFailed())) {
    await existing.retry();
    return;
  }
  await queue.add(payload as object, { jobId });
}

export async function closeQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close()));
}
