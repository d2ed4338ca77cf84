import type { Lead, Offer, Order } from "~/generated/prisma/client";
import { leadSaleRefusal, sellLeadToOrder } from "~/modules/billing/lead-sales.server";
import { ensureSigningSecret } from "~/modules/deliveries/signing.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { orderSkipReason } from "~/modules/routing/order-eligibility.server";
import { routeLead, routingCandidateOf, type RoutingResult } from "~/modules/routing/routing.server";
import type { Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatMoney } from "~/utils/money";
import { postToExternalBuyer } from "./external-buyers.server";

/** A winning bid still holds this long after its token expired, for the post's own processing. */
const BID_GRACE_MS = 60_000;

/** An external buyer gets at least this long to accept a post (the ping deadline when longer). */
const MIN_POST_DEADLINE_MS = 2000;

/**
 * Sells an accepted ping-post lead to the ping's winning bid only, at the bid price: an internal
 * order is re-checked now (caps, wallet); an external buyer is first checked, then sent the full
 * lead and must accept. A refusal is recorded against the buyer (PingBid REFUSED, timeline) and
 * the lead falls back to normal routing. Runs in the pipeline's transaction (lead row locked).
 */
export async function sellPingPostLead(tx: Tx, lead: Lead, offer: Offer, feeBps: number): Promise<RoutingResult> {
  const ping = await tx.ping.findUniqueOrThrow({
    where: { id: lead.pingId! },
    include: { winningBid: { include: { order: true, advertiser: { select: { name: true } } } } },
  });
  const bid = ping.winningBid;
  if (!bid || bid.priceCents === null || bid.status !== "BID") {
    await recordLeadEvent(tx, lead.id, "ping-post", `Ping ${ping.id} has no open winning bid: routed normally`);
    return routeLead(tx, lead, offer, feeBps);
  }
  if (Date.now() > ping.expiresAt.getTime() + BID_GRACE_MS) {
    // Held for review and approved later: the buyer priced a lead it would get within minutes.
    await recordLeadEvent(
      tx,
      lead.id,
      "ping-post",
      `The bid on ping ${ping.id} expired at ${ping.expiresAt.toISOString()} before the lead was accepted: routed normally`,
    );
    return routeLead(tx, lead, offer, feeBps);
  }
  const price = formatMoney(bid.priceCents, bid.currency);
  await recordLeadEvent(tx, lead.id, "ping-post", `Posted on ping ${ping.id}: selling to order ${bid.orderId} at its bid ${price}`, {
    pingId: ping.id,
    bidId: bid.id,
    orderId: bid.orderId,
    priceCents: bid.priceCents,
  });
  const order = bid.order;
  let refusal = await postTimeRefusal(tx, order, lead, offer, bid.priceCents, feeBps);
  if (!refusal && bid.external) {
    const outcome = order.postUrl
      ? await postToExternalBuyer(
          order.postUrl,
          externalPost(lead, offer, ping.id, bid.priceCents, bid.currency),
          postDeadlineMs(),
          await ensureSigningSecret(tx, order.advertiserId),
        )
      : ({ accepted: false, latencyMs: 0, detail: "the buyer has no post URL" } as const);
    if (!outcome.accepted) refusal = `refused the post (${outcome.detail})`;
  }
  if (refusal) {
    await tx.pingBid.update({ where: { id: bid.id }, data: { status: "REFUSED", detail: refusal, decidedAt: new Date() } });
    await recordLeadEvent(tx, lead.id, "ping-post", `Buyer ${bid.advertiser.name} ${refusal} on order ${order.id} at ${price}; falling back to routing`, {
      bidId: bid.id,
      orderId: order.id,
      reason: refusal,
    });
    return routeLead(tx, lead, offer, feeBps);
  }
  await sellLeadToOrder(tx, lead, order, offer, bid.priceCents, feeBps);
  await tx.pingBid.update({ where: { id: bid.id }, data: { status: "SOLD", decidedAt: new Date() } });
  return { sold: 1, outOfFunds: 0 };
}

/**
 * Why the winning order cannot take the lead now (closed, caps, filters, wallet), or null. The
 * ledger's answer on the wallet holds its lock, so the sale after the buyer's accept cannot fail on it.
 */
async function postTimeRefusal(tx: Tx, order: Order, lead: Lead, offer: Offer, priceCents: number, feeBps: number): Promise<string | null> {
  if (order.status !== "OPEN") return `could not take the post (order is ${order.status.toLowerCase()})`;
  const skip = await orderSkipReason(tx, order, routingCandidateOf(lead), new Date(), priceCents);
  if (skip) return `could not take the post (${skip})`;
  const unpaid = await leadSaleRefusal(tx, lead, order, offer, priceCents, feeBps);
  return unpaid ? `could not take the post (${unpaid.describe("bid")})` : null;
}

function postDeadlineMs(): number {
  return Math.max(getEnv().PING_TIMEOUT_MS, MIN_POST_DEADLINE_MS);
}

/** The body an external buyer's post URL receives (docs/api.md, *External buyer contract*). */
function externalPost(lead: Lead, offer: Offer, pingId: string, priceCents: number, currency: string) {
  return {
    ping_id: pingId,
    lead_id: lead.id,
    offer_id: offer.id,
    vertical: offer.vertical,
    price_cents: priceCents,
    currency,
    lead: lead.fields,
    quality_score: lead.qualityScore,
    temperature: lead.temperature,
  };
}
