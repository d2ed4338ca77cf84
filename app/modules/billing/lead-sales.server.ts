import type { Lead, LeadSale, Order } from "~/generated/prisma/client";
import { notifyBuyerOfSale } from "~/modules/leads/lead-notifications.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { splitLeadSale } from "./lead-sale-pricing";

/**
 * Sells a lead to one order at `priceCents`: one balanced journal entry (buyer's wallet → the
 * affiliate's pending earning + platform fee), the LeadSale row, a timeline line and the buyer's
 * delivery. Idempotent per (lead, order). The caller has checked the order wants the lead and
 * holds the buyer's wallet lock after checking its balance.
 */
export async function recordLeadSale(tx: Tx, lead: Lead, order: Order, priceCents: number, feeBps: number): Promise<LeadSale> {
  const split = splitLeadSale(priceCents, feeBps);
  const { entryId } = await postJournalEntry(tx, {
    idempotencyKey: `lead-sale:${lead.id}:${order.id}`,
    kind: "LEAD_SALE",
    description: `CPL lead ${lead.id} sold on order ${order.id}`,
    postings: [
      { account: ledgerAccounts.advertiserWallet(order.advertiserId, order.currency), amountCents: BigInt(split.priceCents) },
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
  await tx.order.update({ where: { id: order.id }, data: { lastSoldAt: sale.soldAt } });
  await recordLeadEvent(tx, lead.id, "sold", `Sold on order ${order.id} at ${formatMoney(split.priceCents, order.currency)}`, {
    orderId: order.id,
    priceCents: split.priceCents,
  });
  await notifyBuyerOfSale(tx, sale.id);
  return sale;
}
