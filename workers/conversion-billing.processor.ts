import type { Job } from "bull";
import { billConversion } from "~/modules/conversions/conversion-billing.server";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { conversionBillingPayloadSchema } from "~/queues/conversion-billing.queue.server";
import { prisma } from "~/utils/db.server";

export async function conversionBillingProcessor(job: Job<unknown>) {
  const { conversionId } = conversionBillingPayloadSchema.parse(job.data);
  const outcome = await billConversion(conversionId);
  if (outcome === "billed") {
    // The affiliate's `converted` postback is an outbox row now that billing committed.
    const conversion = await prisma.conversion.findUnique({ where: { id: conversionId }, select: { leadId: true } });
    if (conversion) await dispatchLeadDeliveries(conversion.leadId);
  }
  return { outcome };
}
