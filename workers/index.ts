import { CONVERSION_BILLING_QUEUE } from "~/queues/conversion-billing.queue.server";
import { CONVERSION_UPLOAD_QUEUE } from "~/queues/conversion-upload.queue.server";
import { LEAD_PROCESSING_QUEUE } from "~/queues/lead-processing.queue.server";
import { OUTBOUND_DELIVERY_QUEUE } from "~/queues/outbound-delivery.queue.server";
import { closeQueues, getQueue } from "~/queues/queue.server";
import { registerSchedules, SCHEDULED_TASKS, SCHEDULED_WORK_QUEUE } from "~/queues/scheduled-work.queue.server";
import { TRUE_UP_QUEUE } from "~/queues/true-up.queue.server";
import { disconnectDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { conversionBillingProcessor } from "./conversion-billing.processor";
import { conversionUploadProcessor } from "./conversion-upload.processor";
import { LEAD_PROCESSING_CONCURRENCY, leadProcessingProcessor } from "./lead-processing.processor";
import { outboundDeliveryProcessor } from "./outbound-delivery.processor";
import { startOutboxSweeper } from "./outbox-sweeper";
import { scheduledWorkProcessor } from "./scheduled-work.processor";
import { SCHEDULED_WORK } from "./schedules";
import { trueUpProcessor } from "./true-up.processor";

// The one worker entry: validate env, register processors, sweep the outbox, close cleanly.
const env = getEnv();
const CONCURRENCY = 4;

/** Jobs this process finished, per queue: said when it stops (with several workers, each says its share). */
const completed = new Map<string, number>();
function countCompleted(queue: ReturnType<typeof getQueue>, name: string) {
  completed.set(name, 0);
  queue.on("completed", () => completed.set(name, (completed.get(name) ?? 0) + 1));
}

const leadQueue = getQueue(LEAD_PROCESSING_QUEUE);
// Many jobs at once: the processor hands them to a batcher that decides them in batches (ADR 010).
void leadQueue.process(LEAD_PROCESSING_CONCURRENCY, leadProcessingProcessor);
countCompleted(leadQueue, LEAD_PROCESSING_QUEUE);
leadQueue.on("failed", (job, error) => {
  console.warn(`[${LEAD_PROCESSING_QUEUE}] job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});

const deliveryQueue = getQueue(OUTBOUND_DELIVERY_QUEUE);
void deliveryQueue.process(CONCURRENCY, outboundDeliveryProcessor);
countCompleted(deliveryQueue, OUTBOUND_DELIVERY_QUEUE);
deliveryQueue.on("failed", (job, error) => {
  console.warn(`[${OUTBOUND_DELIVERY_QUEUE}] job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});

const conversionQueue = getQueue(CONVERSION_BILLING_QUEUE);
void conversionQueue.process(CONCURRENCY, conversionBillingProcessor);
countCompleted(conversionQueue, CONVERSION_BILLING_QUEUE);
conversionQueue.on("failed", (job, error) => {
  console.warn(`[${CONVERSION_BILLING_QUEUE}] job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});

// One upload at a time per worker: its rows are posted in file order.
const uploadQueue = getQueue(CONVERSION_UPLOAD_QUEUE);
void uploadQueue.process(1, conversionUploadProcessor);
countCompleted(uploadQueue, CONVERSION_UPLOAD_QUEUE);
uploadQueue.on("failed", (job, error) => {
  console.warn(`[${CONVERSION_UPLOAD_QUEUE}] job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});

// True-ups are few and long (a list of 100,000 rows is one job): one at a time per worker.
const trueUpQueue = getQueue(TRUE_UP_QUEUE);
void trueUpQueue.process(1, trueUpProcessor);
countCompleted(trueUpQueue, TRUE_UP_QUEUE);
trueUpQueue.on("failed", (job, error) => {
  console.warn(`[${TRUE_UP_QUEUE}] job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});

const scheduledQueue = getQueue(SCHEDULED_WORK_QUEUE);
void scheduledQueue.process("*", 1, scheduledWorkProcessor);
countCompleted(scheduledQueue, SCHEDULED_WORK_QUEUE);
scheduledQueue.on("failed", (job, error) => {
  console.warn(`[${SCHEDULED_WORK_QUEUE}] ${job.name} ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
});
let schedulesFailed = false;
const registerAll = () =>
  registerSchedules(SCHEDULED_TASKS.map((task) => ({ task, schedule: SCHEDULED_WORK[task].schedule(env) }))).then(
    () => (schedulesFailed = false),
    (error: unknown) => {
      // Redis down: the schedules are registered when it is back (below), or by the next worker start.
      schedulesFailed = true;
      console.warn(`[${SCHEDULED_WORK_QUEUE}] schedules not registered: ${(error as Error).message}`);
    },
  );
void registerAll();
// A Redis that comes back empty (restarted without persistence, failed over) has lost the
// repeatable schedules: register them again on every reconnection (adding an existing one is a no-op).
let scheduledQueueConnected = false;
scheduledQueue.client.on("ready", () => {
  if (scheduledQueueConnected || schedulesFailed) {
    console.info(`[${SCHEDULED_WORK_QUEUE}] Redis (re)connected: registering the schedules`);
    void registerAll();
  }
  scheduledQueueConnected = true;
});

const stopSweeper = startOutboxSweeper(env.OUTBOX_SWEEP_MS);
console.info(
  `leadex workers: processing ${LEAD_PROCESSING_QUEUE}, ${OUTBOUND_DELIVERY_QUEUE}, ${CONVERSION_BILLING_QUEUE}, ${CONVERSION_UPLOAD_QUEUE}, ${TRUE_UP_QUEUE} and ${SCHEDULED_WORK_QUEUE} (${SCHEDULED_TASKS.join(", ")}) (prefix ${env.QUEUE_PREFIX}), outbox sweep every ${env.OUTBOX_SWEEP_MS} ms`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const done = [...completed].map(([name, n]) => `${n} ${name}`).join(", ");
  console.info(`leadex workers (pid ${process.pid}): ${signal}, closing; jobs done: ${done}`);
  await stopSweeper();
  await closeQueues();
  await disconnectDb();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
