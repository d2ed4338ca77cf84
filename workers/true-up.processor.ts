import type { Job } from "bull";
import { applyApprovedTrueUp } from "~/modules/reconciliation/true-up-apply.server";
import { reconcileTrueUp } from "~/modules/reconciliation/true-up-matching.server";
import { trueUpPayloadSchema } from "~/queues/true-up.queue.server";

export async function trueUpProcessor(job: Job<unknown>) {
  const { trueUpId, step } = trueUpPayloadSchema.parse(job.data);
  if (step === "reconcile") return { step, outcome: await reconcileTrueUp(trueUpId) };
  return { step, ...(await applyApprovedTrueUp(trueUpId)) };
}
