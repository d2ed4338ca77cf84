import type { Lead, Offer } from "~/generated/prisma/client";
import { splitLeadSale } from "~/modules/billing/lead-sale-pricing";
import { notifyBuyerOfSale } from "~/modules/leads/lead-notifications.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { balanceCents, ensureLedgerAccount, ledgerAccounts, lockLedgerAccount, postJournalEntry } from "~/modules/ledger/ledger.server";
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
    const split = splitLeadSale(priceCents, feeBps);
    const { entryId } = await postJournalEntry(tx, {
      idempotencyKey: `lead-sale:${lead.id}:${order.id}`,
      kind: "LEAD_SALE",
      description: `CPL lead ${lead.id} sold on order ${order.id}`,
      postings: [
        { account: wallet, amountCents: BigInt(split.priceCents) },
        { account: ledgerAccounts.affiliatePending(lead.affiliateId, order.currency), amountCents: -BigInt(split.affiliateEarningCents) },
        { account: ledgerAccounts.platformFees(order.currency), amountCents: -BigInt(split.feeCents) },
      ].filter((p) => p.amountCents !== 0n),
    });
    const sale = await tx.leadSale.create({
      data: {
        leadId: lead.id,
        orderId: order.id,
        advertiserId: order.advertiserId,
        priceCents: split.priceCents,
        feeCents: split.feeCents,
        currency: order.currency,
        journalEntryId: entryId,
      },
    });
    await recordLeadEvent(tx, lead.id, "sold", `Sold on order ${order.id} at ${formatMoney(split.priceCents, order.currency)}`, {
      orderId: order.id,
      priceCents: split.priceCents,
    });
    await notifyBuyerOfSale(tx, sale.id);
    buyers.add(order.advertiserId);
    sold++;
  }
  return { sold };
}
