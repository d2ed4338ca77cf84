import { expect } from "vitest";
import { billConversion } from "~/modules/conversions/conversion-billing.server";
import { decideConversion } from "~/modules/conversions/conversion-decisions.server";
import { openConversionDispute } from "~/modules/disputes/conversion-disputes.server";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { makeAdvertiser, makeAffiliate } from "../factories/accounts";
import { fundWallet } from "../factories/billing";
import { makeOffer, makeOrder } from "../factories/marketplace";
import { CPA_EVENTS, postConversion } from "./conversions";
import type { DisputeFuzzContext } from "./fuzz-dispute-cases";
import { leadSoldInProcess } from "./sold-in-process";
import type { TestStack } from "./stack";

// What the returns and disputes cases of test/fuzz-endpoints.test.ts need, made before the run
// (the stack has no workers: leads are sold and conversions billed in this process): CPL leads to
// return, CPA and CPS leads with billed, approved and rejected conversions, disputes of each kind
// awaiting an answer, and a stranger's lead, conversion and dispute.

interface Party {
  actor: Actor;
  apiKey: string;
}

interface Market {
  affiliate: Party;
  advertiser: Party;
  /** The affiliate's CPL, CPA and CPS offers, each with an order of the advertiser. */
  cplOfferId: string;
  cpaOfferId: string;
  cpsOfferId: string;
}

const RETURNABLE = 12;
const AWAITING = 6;

/** Reports a conversion and bills it here, as the worker would; its external id. */
async function billedConversion(stack: TestStack, apiKey: string, body: Record<string, string>): Promise<{ id: string; externalId: string }> {
  const answer = await postConversion(stack.appUrl, apiKey, { occurred_at: new Date().toISOString(), ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  expect(await billConversion(answer.body.leadex_conversion_id)).toBe("billed");
  return { id: answer.body.leadex_conversion_id, externalId: body.conversion_id };
}

export async function prepareDisputeMarket(stack: TestStack, market: Market): Promise<DisputeFuzzContext> {
  const { affiliate, advertiser } = market;
  // Returns are capped at 15% of an order's leads by default: lift it, so the cap does not answer every case.
  await prisma.order.updateMany({ where: { advertiserId: advertiser.actor.companyId }, data: { returnCapBps: 10_000 } });
  const cplLeads: string[] = [];
  for (let i = 0; i < RETURNABLE + AWAITING; i++) cplLeads.push(await leadSoldInProcess(stack.appUrl, affiliate.apiKey, market.cplOfferId));
  const awaitingReturnIds: string[] = [];
  for (const leadId of cplLeads.slice(RETURNABLE)) {
    const opened = await openReturn(advertiser.actor, { lead_id: leadId, reason: "wrong_person", note: "Someone else answered" });
    expect(opened.outcome).toBe("awaiting_response");
    awaitingReturnIds.push(opened.dispute.id);
  }

  const cpaLeadId = await leadSoldInProcess(stack.appUrl, affiliate.apiKey, market.cpaOfferId);
  const cpsLeadId = await leadSoldInProcess(stack.appUrl, affiliate.apiKey, market.cpsOfferId);
  const occurredAt = new Date().toISOString();
  const conversions = async (prefix: string, count: number, body: Record<string, string>) => {
    const made = [];
    for (let i = 0; i < count; i++) made.push(await billedConversion(stack, advertiser.apiKey, { conversion_id: `${prefix}-${i}`, ...body }));
    return made;
  };
  const trackedCps = await conversions("dispute-tracked-cps", 4, { lead_id: cpsLeadId, amount: "1000.00" });
  const trackedCpa = await conversions("dispute-tracked-cpa", 2, { lead_id: cpaLeadId, event: "application" });
  const rejected = await conversions("dispute-rejected", 2, { lead_id: cpaLeadId, event: "funded" });
  for (const { id } of rejected) await decideConversion(advertiser.actor, id, "reject", "Not one of our customers");
  const disputable = [
    ...(await conversions("dispute-cpa", 4 + AWAITING / 2, { lead_id: cpaLeadId, event: "funded" })),
    ...(await conversions("dispute-cps", 4 + AWAITING / 2, { lead_id: cpsLeadId, amount: "1000.00" })),
  ];
  for (const { id } of disputable) await decideConversion(advertiser.actor, id, "approve", "");
  const awaitingConversionDisputeIds: string[] = [];
  for (const { externalId } of [...disputable.slice(0, AWAITING / 2), ...disputable.slice(-AWAITING / 2)]) {
    awaitingConversionDisputeIds.push((await openConversionDispute(advertiser.actor, { conversion_id: externalId, reason: "refunded" })).id);
  }
  const awaitingInquiryIds: string[] = [];
  for (let i = 0; i < AWAITING; i++) {
    const opened = await openInquiry(affiliate.actor, {
      lead_id: cpaLeadId,
      reason: "missing",
      event: "application",
      occurred_at: occurredAt,
      order_ref: `setup-${i}`,
    });
    awaitingInquiryIds.push(opened.id);
  }

  // A stranger market: another affiliate's lead, another advertiser's conversion, a dispute of theirs.
  const strangerAffiliate = await makeAffiliate();
  const strangerOffer = await makeOffer(strangerAffiliate.actor, { pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
  const strangerBuyer = await makeAdvertiser();
  await makeOrder(strangerBuyer.actor, strangerOffer.id, { priceCents: undefined });
  await fundWallet(strangerBuyer.actor, 50_000, stack.emulator);
  const strangerLeadId = await leadSoldInProcess(stack.appUrl, strangerAffiliate.apiKey, strangerOffer.id);
  const stranger = await billedConversion(stack, strangerBuyer.apiKey, { conversion_id: "stranger-1", lead_id: strangerLeadId, event: "funded" });
  await decideConversion(strangerBuyer.actor, stranger.id, "approve", "");
  const strangerDispute = await openConversionDispute(strangerBuyer.actor, { conversion_id: stranger.externalId, reason: "chargeback" });

  return {
    returnableLeadIds: cplLeads.slice(0, RETURNABLE),
    cpaLeadId,
    cpsLeadId,
    occurredAt,
    trackedCpsConversionIds: trackedCps.map((c) => c.externalId),
    trackedCpaConversionIds: trackedCpa.map((c) => c.externalId),
    rejectedConversionIds: rejected.map((c) => c.externalId),
    disputableConversionIds: disputable.slice(AWAITING / 2, -AWAITING / 2).map((c) => c.externalId),
    awaitingReturnIds,
    awaitingInquiryIds,
    awaitingConversionDisputeIds,
    strangerLeadId,
    strangerConversionId: stranger.externalId,
    strangerDisputeId: strangerDispute.id,
  };
}
