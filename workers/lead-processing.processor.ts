import type { Job } from "bull";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { leadProcessingPayloadSchema } from "~/queues/lead-processing.queue.server";

export async function leadProcessingProcessor(job: Job<unknown>) {
  const { leadId } = leadProcessingPayloadSchema.parse(job.data);
  return { outcome: await processReceivedLead(leadId) };
}
