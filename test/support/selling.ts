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

/**
 * An affiliate's offer with one funded external buyer whose ping and post go to `urls`, pinged
 * once by the affiliate: the ping's answer and the bids recorded for it.
 */
export async function pingOneExternalBuyer(stack: TestStack, urls: { pingUrl: string; postUrl: string }) {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const advertiser = await makeAdvertiser();
  const order = await makeOrder(advertiser.actor, offer.id, { priceCents: 3000 });
  await prisma.order.update({ where: { id: order.id }, data: urls });
  await fundWallet(advertiser.actor, 10_000, stack.emulator);
  const response = await fetch(new URL("/api/v1/ping", stack.appUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ offer_id: offer.id, state: "CA" }),
  });
  const answer = await response.json();
  const bids = await prisma.pingBid.findMany({ where: { pingId: answer.ping_id } });
  return { status: response.status, answer, bids };
}
