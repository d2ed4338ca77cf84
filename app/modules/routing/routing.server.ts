import type { Lead, Offer } from "~/generated/prisma/client";
import { recordLeadSale } from "~/modules/billing/lead-sales.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { balanceCents, ensureLedgerAccount, ledgerAccounts, lockLedgerAccount } from "~/modules/ledger/ledger.server";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { orderPriceCents, orderSkipReason, type RoutingCandidate } from "./order-eligibility.server";

export function routingCandidateOf(lead: Lead): RoutingCandidate {
  return {
    offerId: lead.offerId,
    fields: (lead.fields ?? {}) as Record<string, string>,
    state: lead.state,
    postalCode: lead.postalCode,
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    emailHash: lead.emailHash,
    phoneHash: lead.phoneHash,
  };
}

/**
 * Sells an accepted lead to the best matching open orders (highest price first, then oldest),
 * up to one buyer for an exclusive offer or `maxBuyers` for a shared one. Each sale is one
 * balanced journal entry; every order considered gets a line on the lead's timeline.
 */
export async function routeLead(tx: Tx, lead: Lead, offer: Offer, feeBps: number): Promise<{ sold: number }> {
  if (offer.pricingModel !== "CPL") {
    // CPA/CPS leads are billed on conversions (roadmap 4); until then they are not sold per lead.
    await recordLeadEvent(tx, lead.id, "routing", `Not routed: ${offer.pricingModel} offers are billed on conversions, which are not live yet`);
    return { sold: 0 };
  }
  const orders = await tx.order.findMany({
    where: { offerId: offer.id, status: "OPEN" },
    orderBy: [{ priceCents: "desc" }, { createdAt: "asc" }],
  });
  if (orders.length === 0) {
    await recordLeadEvent(tx, lead.id, "routing", "No open orders on this offer");
    return { sold: 0 };
  }
  // Lock every candidate wallet up front, in one order, so leads routed at the same time
  // cannot deadlock on each other's wallets.
  const wallets = [...new Map(orders.map((o) => [o.advertiserId, ledgerAccounts.advertiserWallet(o.advertiserId, o.currency)])).values()];
  const walletAccountIds: string[] = [];
  for (const wallet of wallets) walletAccountIds.push((await ensureLedgerAccount(tx, wallet)).id);
  for (const id of walletAccountIds.sort()) await lockLedgerAccount(tx, id);

  const candidate = routingCandidateOf(lead);
  const now = new Date();
  const buyers = new Set<string>();
  let sold = 0;
  for (const order of orders) {
    const skip = (why: string) =>
      recordLeadEvent(tx, lead.id, "order-skipped", `Order ${order.id} skipped: ${why}`, { orderId: order.id, reason: why });
    if (sold >= offer.maxBuyers) {
      await skip(offer.exclusivity === "EXCLUSIVE" ? "exclusive lead already sold" : `already shared with ${offer.maxBuyers} buyers`);
      continue;
    }
    if (buyers.has(order.advertiserId)) {
      await skip("this advertiser already bought the lead");
      continue;
    }
    const skipReason = await orderSkipReason(tx, order, candidate, now);
    if (skipReason) {
      await skip(skipReason);
      continue;
    }
    const priceCents = orderPriceCents(order, candidate);
    const wallet = ledgerAccounts.advertiserWallet(order.advertiserId, order.currency);
    const available = await balanceCents(tx, wallet);
    if (available < BigInt(priceCents)) {
      await skip(`balance ${formatMoney(available, order.currency)} is below the price ${formatMoney(priceCents, order.currency)}`);
      continue;
    }
    await recordLeadSale(tx, lead, order, priceCents, feeBps);
    buyers.add(order.advertiserId);
    sold++;
  }
  return { sold };
}
