import { z } from "zod";
import { getQueue } from "./queue.server";

// Work that runs on a schedule (workers/schedules.ts says what and when) or on demand by an admin.
export const SCHEDULED_WORK_QUEUE = "scheduled-work";

export const SCHEDULED_TASKS = [
  "release-earnings",
  "payout-run",
  "conversion-upkeep",
  "conversion-reconciliation",
  "dispute-deadlines",
  "return-rates",
  "checkout-expiry",
  "ledger-reconciliation",
  "auto-recharge",
  "postpaid-invoices",
  "report-rollups-recent",
  "report-rollups",
] as const;
export type ScheduledTask = (typeof SCHEDULED_TASKS)[number];

export const scheduledWorkPayloadSchema = z.object({
  task: z.enum(SCHEDULED_TASKS),
  /** Set for on-demand runs; a scheduled firing takes its run key from its job id. */
  runKey: z.string().min(1).optional(),
  triggeredById: z.string().min(1).optional(),
});
export type ScheduledWorkPayload = z.infer<typeof scheduledWorkPayloadSchema>;

export type Schedule = { every: number } | { cron: string; tz?: string };

/**
 * Makes the queue's repeatable jobs exactly `schedules`: adds each (Bull keys a repeatable job by
 * name and schedule, so every worker process registering the same one makes one schedule) and
 * removes the ones no longer wanted (a schedule changed through the environment).
 */
export async function registerSchedules(schedules: ReadonlyArray<{ task: ScheduledTask; schedule: Schedule }>): Promise<void> {
  const queue = getQueue(SCHEDULED_WORK_QUEUE);
  const wanted = new Set<string>();
  for (const { task, schedule } of schedules) {
    const repeat = "every" in schedule ? { every: schedule.every } : { cron: schedule.cron, tz: schedule.tz ?? "Etc/UTC" };
    const payload: ScheduledWorkPayload = { task };
    const job = await queue.add(task, payload, { repeat, jobId: task, removeOnComplete: 50, removeOnFail: 50, attempts: 3 });
    wanted.add(String((job.opts.repeat as { key?: string } | undefined)?.key ?? ""));
  }
  for (const existing of await queue.getRepeatableJobs()) {
    if (!wanted.has(existing.key)) await queue.removeRepeatableByKey(existing.key);
  }
}

/** Runs a task now (an admin's "Run payouts now"), with its own run key. */
export async function enqueueScheduledTask(task: ScheduledTask, runKey: string, triggeredById?: string): Promise<void> {
  const payload: ScheduledWorkPayload = { task, runKey, triggeredById };
  await getQueue(SCHEDULED_WORK_QUEUE).add(task, payload, { jobId: `${task}:${runKey}`, attempts: 3, backoff: { type: "exponential", delay: 2000 } });
}
