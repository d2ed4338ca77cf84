import { z } from "zod";

// True-ups (workers/true-up.processor.ts): matching an advertiser's list against what Leadex
// recorded, and applying the proposals an admin approved.
export const TRUE_UP_QUEUE = "true-up";

export const TRUE_UP_STEPS = ["reconcile", "apply"] as const;
export type TrueUpStep = (typeof TRUE_UP_STEPS)[number];

export const trueUpPayloadSchema = z.object({ trueUpId: z.string().min(1), step: z.enum(TRUE_UP_STEPS) });
export type TrueUpPayload = z.infer<typeof trueUpPayloadSchema>;

/** Outbox key and Bull job id: one job per true-up and step. */
export function trueUpJobKey(trueUpId: string, step: TrueUpStep): string {
  return `true-up:${step}:${trueUpId}`;
}
