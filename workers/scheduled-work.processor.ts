import type { Job } from "bull";
import { scheduledWorkPayloadSchema } from "~/queues/scheduled-work.queue.server";
import { SCHEDULED_WORK } from "./schedules";

export async function scheduledWorkProcessor(job: Job<unknown>) {
  const payload = scheduledWorkPayloadSchema.parse(job.data);
  // A scheduled firing's job id is deterministic (repeat:<key>:<time>): its retries share one run key.
  const runKey = payload.runKey ?? `schedule:${String(job.id)}`;
  return { task: payload.task, runKey, outcome: await SCHEDULED_WORK[payload.task].run(runKey, payload) };
}
