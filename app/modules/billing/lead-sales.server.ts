import type { Lead, LeadSale, Offer, Order } from "~/generated/prisma/client";
import { returnDeadline } from "~/modules/disputes/return-window";
import { recordHeldEarning } from "~/modules/earnings/earnings.server";
import {
  findFloorBreach,
  ledgerAccounts,
  postJournalEntry,
  type AccountFloor,
  type InsufficientBalanceError,
  type JournalEntryInput,
} from "~/modules/ledger/ledger.server";
import { assignLeadToOrder } from "~/modules/orders/lead-assignment.server";
import type { Tx } from "~/utils/db.server";
import { memoized, txMemo } from "~/utils/tx-memo.server";
import { splitLeadSale } from "./lead-sale-pricing";
import { PRICING_RULES } from "./pricing-rules";

/** The advertiser's wallet may go down to 0, or to minus the credit limit an admin granted (read once per transaction). */
export async function advertiserWalletFloor(tx: Tx, advertiserId: string, currency: string): Promise<AccountFloor> {
  const creditLimitCents = await memoized(tx, `credit-limit:${advertiserId}`, async () => {
    const company = await tx.company.findUniqueOrThrow({ where: { id: advertiserId }, select: { creditLimitCents: true } });
    return company.creditLimitCents;
  });
  return { account: ledgerAccounts.advertiserWallet(advertiserId, currency), floorCents: -BigInt(creditLimitCents) };
}

/** Remembers credit limits already read with other rows in this transaction (a batch reads its buyers' with their orders). */
export function rememberCreditLimit(tx: Tx, advertiserId: string, creditLimitCents: number) {
  txMemo(tx).set(`credit-limit:${advertiserId}`, creditLimitCents);
}

/** The terms of the offer a lead is sold under. */
export type SaleTerms = Pick<Offer, "pricingModel" | "returnWindowDays">;

/** The idempotency key of the charge for a lead on an order: one per lead and order, ever. */
export function leadSaleEntryKey(leadId: string, orderId: string): string {
  return `lead-sale:${leadId}:${orderId}`;
}

/** The CPL charge for a lead on an order: buyer's wallet → the affiliate's held earning + platform fee. */
async function leadChargeEntry(tx: Tx, lead: Lead, order: Order, priceCents: number, feeBps: number): Promise<JournalEntryInput> {
  const split = splitLeadSale(priceCents, feeBps);
  return {
    idempotencyKey: leadSaleEntryKey(lead.id, order.id),
    kind: "LEAD_SALE",
    description: `CPL lead ${lead.id} sold on order ${order.id}`,
    postings: [
      { account: ledgerAccounts.advertiserWallet(order.advertiserId, order.currency), amountCents: BigInt(split.priceCents) },
      { account: ledgerAccounts.affiliateHeld(lead.affiliateId, order.currency), amountCents: -BigInt(split.affiliateEarningCents) },
      { account: ledgerAccounts.platformFees(order.currency), amountCents: -BigInt(split.feeCents) },
    ].filter((p) => p.amountCents !== 0n),
    floors: [await advertiserWalletFloor(tx, order.advertiserId, order.currency)],
  };
}

/**
 * Why the buyer could not pay for the lead now (the ledger's answer, under the wallet's lock),
 * or null. For a sale that must be decided before it is made, e.g. before calling a buyer.
 */
export async function leadSaleRefusal(
  tx: Tx,
  lead: Lead,
  order: Order,
  terms: SaleTerms,
  priceCents: number,
  feeBps: number,
): Promise<InsufficientBalanceError | null> {
  if (!PRICING_RULES[terms.pricingModel].chargesOnAssignment) return null;
  return findFloorBreach(tx, await leadChargeEntry(tx, lead, order, priceCents, feeBps));
}

/**
 * Sells a lead to one order at `priceCents`. On CPL terms the buyer is charged first, in one
 * balanced journal entry that the ledger refuses with InsufficientBalanceError (nothing written)
 * when the wallet cannot pay; then the lead is assigned (sale row, timeline, delivery) and the
 * affiliate's earning is held until the offer's return window has passed.
 */
export async function sellLeadToOrder(tx: Tx, lead: Lead, order: Order, terms: SaleTerms, priceCents: number, feeBps: number): Promise<LeadSale> {
  const { pricingModel } = terms;
  if (!PRICING_RULES[pricingModel].chargesOnAssignment) {
    return assignLeadToOrder(tx, lead, order, { pricingModel, priceCents: 0, feeCents: 0, journalEntryId: null });
  }
  const entry = await leadChargeEntry(tx, lead, order, priceCents, feeBps);
  const { entryId } = await postJournalEntry(tx, entry);
  const split = splitLeadSale(priceCents, feeBps);
  const sale = await assignLeadToOrder(tx, lead, order, { pricingModel, priceCents: split.priceCents, feeCents: split.feeCents, journalEntryId: entryId });
  await recordHeldEarning(tx, {
    affiliateId: lead.affiliateId,
    kind: "LEAD_SALE",
    leadId: lead.id,
    saleId: sale.id,
    amountCents: split.affiliateEarningCents,
    currency: order.currency,
    description: `Lead ${lead.id} sold`,
    entryId,
    availableAt: returnDeadline(sale.soldAt, terms.returnWindowDays),
  });
  return sale;
}
