import type { Job } from "bull";
import { rechargeAfterLeadSale } from "~/modules/billing/auto-recharge.server";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { processReceivedLead } from "~/modules/leads/lead-pipeline.server";
import { leadProcessingPayloadSchema } from "~/queues/lead-processing.queue.server";

export async function leadProcessingProcessor(job: Job<unknown>) {
  const { leadId } = leadProcessingPayloadSchema.parse(job.data);
  const outcome = await processReceivedLead(leadId);
  // The webhooks and postbacks that processing queued are outbox rows now that it committed.
  await dispatchLeadDeliveries(leadId);
  if (outcome === "sold") await rechargeAfterLeadSale(leadId);
  return { outcome };
}
