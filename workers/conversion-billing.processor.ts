import type { Job } from "bull";
import { checkWalletsAfterDebits } from "~/modules/billing/wallet-checks.server";
import { billConversion } from "~/modules/conversions/conversion-billing.server";
import { billReceivedConversions } from "~/modules/conversions/conversion-batch-billing.server";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { conversionBillingPayloadSchema } from "~/queues/conversion-billing.queue.server";
import { prisma } from "~/utils/db.server";

/**
 * A job names one conversion, but bills every RECEIVED conversion of its advertiser at once (the
 * jobs of those it billed then find nothing to do). Without the advertiser in the payload (an old
 * job), the conversion alone.
 */
export async function conversionBillingProcessor(job: Job<unknown>) {
  const { conversionId, advertiserId } = conversionBillingPayloadSchema.parse(job.data);
  if (!advertiserId) {
    const outcome = await billConversion(conversionId);
    const conversion = await prisma.conversion.findUnique({ where: { id: conversionId }, select: { leadId: true, advertiserId: true } });
    if (outcome === "billed" && conversion) {
      await dispatchLeadDeliveries(conversion.leadId);
      await checkWalletsAfterDebits([conversion.advertiserId]);
    }
    return { outcome };
  }
  const outcome = await billReceivedConversions(advertiserId);
  // The affiliates' `converted` postbacks are outbox rows now that billing committed.
  for (const leadId of new Set(outcome.postbackLeadIds)) await dispatchLeadDeliveries(leadId);
  if (outcome.billed > 0) await checkWalletsAfterDebits([advertiserId]);
  return { billed: outcome.billed, held: outcome.held, rejected: outcome.rejected, awaitingFunds: outcome.awaitingFunds };
}
