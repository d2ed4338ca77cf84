import { z } from "zod";

// Verifies, scores and routes one received lead (workers/lead-processing.processor.ts).
export const LEAD_PROCESSING_QUEUE = "lead-processing";

export const leadProcessingPayloadSchema = z.object({ leadId: z.string().min(1) });
export type LeadProcessingPayload = z.infer<typeof leadProcessingPayloadSchema>;

/** Outbox key for a lead: also the Bull job id, so one lead is one job. */
export function leadProcessingKey(leadId: string): string {
  return `lead:${leadId}`;
}
