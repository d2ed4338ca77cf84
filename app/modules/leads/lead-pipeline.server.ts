import { markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { verifyLead, type LeadContact } from "~/modules/quality/verification.server";
import { routeLead } from "~/modules/routing/routing.server";
import { LEAD_PROCESSING_QUEUE, leadProcessingKey } from "~/queues/lead-processing.queue.server";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { recordLeadEvent } from "./lead-timeline.server";

function contactColumns(contact: LeadContact) {
  return { email: contact.email, phone: contact.phone, state: contact.state, postalCode: contact.postalCode };
}

export type ProcessOutcome = "rejected" | "sold" | "unsold" | "already-processed" | "missing";

/**
 * received → verified (or rejected) → routed → sold / unsold, in one transaction that holds
 * the lead's row lock: a retried or duplicated job finds the lead processed and does nothing.
 */
export async function processReceivedLead(leadId: string): Promise<ProcessOutcome> {
  const env = getEnv();
  return prisma.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Lead" WHERE id = ${leadId} FOR UPDATE`;
      if (locked.length === 0) return "missing";
      const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId }, include: { offer: true } });
      if (lead.status !== "RECEIVED") {
        await markOutboxProcessed(tx, LEAD_PROCESSING_QUEUE, leadProcessingKey(lead.id));
        return "already-processed";
      }
      const { offer } = lead;
      const result = await verifyLead(tx, lead, offer, env.DUPLICATE_WINDOW_DAYS);
      const now = new Date();
      let outcome: ProcessOutcome;
      if (result.verdict === "rejected") {
        await tx.lead.update({
          where: { id: lead.id },
          data: {
            status: "REJECTED",
            reasons: result.reasons,
            fields: result.fields ?? undefined,
            ...(result.contact ? contactColumns(result.contact) : {}),
            processedAt: now,
          },
        });
        await recordLeadEvent(tx, lead.id, "rejected", `Rejected: ${result.detail}`, { reasons: result.reasons });
        outcome = "rejected";
      } else {
        const updated = await tx.lead.update({
          where: { id: lead.id },
          data: {
            status: "ACCEPTED",
            fields: result.fields,
            ...contactColumns(result.contact),
            emailHash: result.emailHash,
            phoneHash: result.phoneHash,
          },
        });
        await recordLeadEvent(tx, lead.id, "verified", "Verified: fields valid, contact normalised, not a duplicate");
        const { sold } = await routeLead(tx, updated, offer, env.PLATFORM_FEE_BPS);
        await tx.lead.update({
          where: { id: lead.id },
          data: sold > 0 ? { status: "SOLD", processedAt: now } : { status: "UNSOLD", reasons: ["no_matching_order"], processedAt: now },
        });
        if (sold === 0) await recordLeadEvent(tx, lead.id, "unsold", "Not sold: no open order matched");
        outcome = sold > 0 ? "sold" : "unsold";
      }
      await markOutboxProcessed(tx, LEAD_PROCESSING_QUEUE, leadProcessingKey(lead.id));
      return outcome;
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
}
