import { expect } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate } from "../factories/accounts";
import { fundWallet } from "../factories/billing";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { makeOffer, makeOrder } from "../factories/marketplace";
import type { TestStack } from "./stack";
import { waitFor } from "./wait";

// A seller, a funded buyer with an open order, and leads posted over HTTP until they settle:
// the setting of the delivery and pull API tests.

export async function makeMarket(stack: TestStack, opts: { priceCents?: number; webhookUrl?: string } = {}) {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const buyer = await makeAdvertiser();
  const order = await makeOrder(buyer.actor, offer.id, { priceCents: opts.priceCents ?? 3200 });
  if (opts.webhookUrl) {
    await prisma.order.update({ where: { id: order.id }, data: { delivery: "WEBHOOK", webhookUrl: opts.webhookUrl } });
  }
  await fundWallet(buyer.actor, 50_000, stack.emulator);
  return { affiliate, offer, buyer, order };
}

/** Posts a lead and waits until the pipeline has decided it (sold, unsold or rejected). */
export async function postAndSettle(stack: TestStack, apiKey: string, offerId: string, extra: Record<string, string> = {}) {
  const externalId = affiliateLeadId();
  const answer = await postLead(stack.appUrl, apiKey, { offer_id: offerId, lead_id: externalId, ...leadFields(), ...extra });
  expect(answer.status).toBe(201);
  return waitFor(`lead ${answer.body.lead_id} to settle`, async () => {
    const lead = await prisma.lead.findUniqueOrThrow({ where: { id: answer.body.lead_id } });
    return ["SOLD", "UNSOLD", "REJECTED"].includes(lead.status) ? lead : undefined;
  });
}

/** Waits until the lead's delivery of this kind (and event) is delivered or failed. */
export async function settledDelivery(leadId: string, kind: "CRM_WEBHOOK" | "AFFILIATE_POSTBACK", event?: string) {
  return waitFor(`the ${kind} of lead ${leadId} to settle`, async () => {
    const delivery = await prisma.outboundDelivery.findFirst({
      where: { leadId, kind, ...(event ? { event } : {}) },
      include: { attemptLog: { orderBy: { attemptedAt: "asc" } } },
    });
    return delivery && delivery.status !== "PENDING" ? delivery : undefined;
  });
}
