import type { JobOptions } from "bull";
import { z } from "zod";
import type { Env } from "~/utils/env.server";

// Sends one outbound delivery (CRM webhook or affiliate postback): workers/outbound-delivery.processor.ts.
export const OUTBOUND_DELIVERY_QUEUE = "outbound-delivery";

export const outboundDeliveryPayloadSchema = z.object({ deliveryId: z.string().min(1) });
export type OutboundDeliveryPayload = z.infer<typeof outboundDeliveryPayloadSchema>;

/** Outbox key and Bull job id: the delivery's id, so one delivery is one job. */
export function outboundDeliveryKey(deliveryId: string): string {
  return deliveryId;
}

/** Receivers are other people's servers: retry on the delivery schedule, not the default one. */
export function outboundDeliveryJobOptions(env: Env): JobOptions {
  return {
    attempts: env.DELIVERY_MAX_ATTEMPTS,
    backoff: { type: "exponential", delay: env.DELIVERY_BACKOFF_MS },
  };
}
