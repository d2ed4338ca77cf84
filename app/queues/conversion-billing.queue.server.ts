import { z } from "zod";

// Bills one recorded conversion (workers/conversion-billing.processor.ts).
export const CONVERSION_BILLING_QUEUE = "conversion-billing";

export const conversionBillingPayloadSchema = z.object({ conversionId: z.string().min(1), advertiserId: z.string().min(1).optional() });
export type ConversionBillingPayload = z.infer<typeof conversionBillingPayloadSchema>;

/** Outbox key for a conversion: also the Bull job id, so one conversion is one job. */
export function conversionBillingKey(conversionId: string): string {
  return `conversion:${conversionId}`;
}
