import { txQuery } from "~/utils/db.server";
import type { Lead, Offer, Order } from "~/generated/prisma/client";
import { sellLeadToOrder } from "~/modules/billing/lead-sales.server";
import { reserveShortfall } from "~/modules/conversions/conversion-reserve.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import {
  InsufficientBalanceError,
  ledgerAccountId,
  ledgerAccounts,
  lockLedgerAccounts,
  prefetchAbsentEntryKeys,
  readLockedBalances,
  type AccountSpec,
} from "~/modules/ledger/ledger.server";
import { leadSaleEntryKey, rememberCreditLimit } from "~/modules/billing/lead-sales.server";
import type { Tx } from "~/utils/db.server";
import { txMemo } from "~/utils/tx-memo.server";
import { withPendingLastSoldAt } from "~/modules/orders/lead-assignment.server";
import { distributeOrders } from "./distribution.server";
import { rankedBidCents } from "~/modules/disputes/return-rates.server";
import { DISTRIBUTION_LABELS } from "./routing.schema";
import { orderPriceCents, orderSkipReason, prefetchBuyerSuppression, prefetchBuyerSuppressionMany, type RoutingCandidate } from "./order-eligibility.server";

/** What routing did with a lead: how many orders bought it, and how many that wanted it could not pay for it. */
export interface RoutingResult {
  sold: number;
  /** Orders that took the lead (filters, schedule, suppression, caps) but whose wallet could not pay its price or cover the order's reserve. */
  outOfFunds: number;
}

const openOrdersKey = (offerId: string) => `open-orders:${offerId}`;

/**
 * Reads the open orders of these offers once for a batch that holds every one of their wallets'
 * locks: nobody else can sell on them until it commits, and its own sales' last sale times are
 * laid over them (withPendingLastSoldAt), so each lead routed sees them as its own read would.
 */
async function readOpenOrdersOnce(tx: Tx, offerIds: string[]): Promise<void> {
  const orders = await txQuery<Order[]>(tx)`SELECT * FROM "Order" WHERE "offerId" = ANY(${offerIds}) AND status = 'OPEN' ORDER BY id`;
  for (const offerId of offerIds)
    txMemo(tx).set(
      openOrdersKey(offerId),
      orders.filter((o) => o.offerId === offerId),
    );
}

/** The wallets a batch's routing charges (one per buyer and currency of its offers' open orders), with their ledger account ids. */
export interface BatchWallets {
  offerIds: string[];
  accounts: Array<{ id: string; spec: AccountSpec }>;
}

/**
 * What routing a batch of accepted leads needs to know that no wallet lock guards, read before the
 * batch takes them (so they are held for less): the open orders' buyers with their return rates and
 * credit limits, which charges exist already (none can appear: the batch holds its leads' row
 * locks) and which buyers suppressed which leads. Answers the wallets to lock.
 */
export async function prepareBatchRouting(tx: Tx, accepted: Lead[]): Promise<BatchWallets> {
  const offerIds = [...new Set(accepted.map((lead) => lead.offerId))];
  const orders = await txQuery<Array<Pick<Order, "id" | "offerId" | "advertiserId" | "currency"> & { returnRateBps: number; creditLimitCents: number }>>(tx)`
    SELECT o.id, o."offerId", o."advertiserId", o.currency, c."returnRateBps", c."creditLimitCents"
    FROM "Order" o JOIN "Company" c ON c.id = o."advertiserId"
    WHERE o."offerId" = ANY(${offerIds}) AND o.status = 'OPEN' AND o."pingUrl" IS NULL`;
  for (const order of orders) rememberBuyer(tx, order.advertiserId, order);
  const specs = new Map(orders.map((o) => [`${o.advertiserId}:${o.currency}`, ledgerAccounts.advertiserWallet(o.advertiserId, o.currency)]));
  const accounts: BatchWallets["accounts"] = [];
  for (const spec of specs.values()) accounts.push({ id: await ledgerAccountId(tx, spec), spec });
  const ordersOf = (offerId: string) => orders.filter((o) => o.offerId === offerId);
  await prefetchAbsentEntryKeys(
    tx,
    accepted.flatMap((lead) => ordersOf(lead.offerId).map((o) => leadSaleEntryKey(lead.id, o.id))),
  );
  await prefetchBuyerSuppressionMany(
    tx,
    accepted.map((lead) => ({ candidate: routingCandidateOf(lead), advertiserIds: ordersOf(lead.offerId).map((o) => o.advertiserId) })),
  );
  return { offerIds, accounts };
}

/**
 * Locks a batch's wallets in id order in one statement, then reads under the locks what they guard:
 * the open orders of its offers (their last sale times, an order paused meanwhile) and the wallets'
 * balances, which the ledger then keeps up to date in memory for the rest of the transaction.
 */
export async function lockBatchWallets(tx: Tx, wallets: BatchWallets): Promise<void> {
  await lockLedgerAccounts(
    tx,
    wallets.accounts.map((a) => a.id),
  );
  await readOpenOrdersOnce(tx, wallets.offerIds);
  await readLockedBalances(tx, wallets.accounts);
}

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
 * The buyers' approved-return rates (for ranking), reading their credit limits with them for the
 * wallet floors; once per transaction per buyer (a batch routes many leads to the same buyers),
 * unless `fresh` (a lead alone, reading its orders again under the wallet locks).
 */
async function buyersReturnRates(tx: Tx, fresh: boolean, advertiserIds: string[]): Promise<Map<string, number>> {
  const memo = txMemo(tx);
  const missing = fresh ? advertiserIds : advertiserIds.filter((id) => !memo.has(returnRateKey(id)));
  if (missing.length > 0) {
    const buyers = await txQuery<Array<{ id: string; returnRateBps: number; creditLimitCents: number }>>(tx)`
      SELECT id, "returnRateBps", "creditLimitCents" FROM "Company" WHERE id = ANY(${missing})`;
    for (const buyer of buyers) rememberBuyer(tx, buyer.id, buyer);
  }
  return new Map(advertiserIds.map((id) => [id, (memo.get(returnRateKey(id)) as number | undefined) ?? 0]));
}

const returnRateKey = (advertiserId: string) => `return-rate:${advertiserId}`;

function rememberBuyer(tx: Tx, advertiserId: string, buyer: { returnRateBps: number; creditLimitCents: number }) {
  txMemo(tx).set(returnRateKey(advertiserId), buyer.returnRateBps);
  rememberCreditLimit(tx, advertiserId, buyer.creditLimitCents);
}

/**
 * Sells an accepted lead to matching open orders, in the order the offer's distribution gives
 * (best price, priority, weighted or round-robin), up to one buyer for an exclusive offer or
 * `maxBuyers` for a shared one. Each sale is one balanced journal entry at the price the order
 * pays for this lead (CPA/CPS: delivered free while the wallet covers the order's reserve, billed
 * per conversion); every order considered gets a line on the lead's timeline, and a summary
 * names the distribution used.
 */
export async function routeLead(tx: Tx, lead: Lead, offer: Offer, feeBps: number): Promise<RoutingResult> {
  const candidate = routingCandidateOf(lead);
  const candidates = withPendingLastSoldAt(
    tx,
    (txMemo(tx).get(openOrdersKey(offer.id)) as Order[] | undefined) ??
      (await txQuery<Order[]>(tx)`SELECT * FROM "Order" WHERE "offerId" = ${offer.id} AND status = 'OPEN'`),
  );
  // External buyers (pingUrl) buy only through ping-post: they price each lead and are sent it.
  const external = candidates.filter((o) => o.pingUrl !== null);
  if (external.length > 0) {
    const ids = external.map((o) => o.id).join(", ");
    await recordLeadEvent(
      tx,
      lead.id,
      "routing",
      `Not offered to ${external.length === 1 ? "order" : "orders"} ${ids}: external buyers buy through ping-post only`,
    );
  }
  const internal = candidates.filter((o) => o.pingUrl === null);
  if (internal.length === 0) {
    await recordLeadEvent(tx, lead.id, "routing", "No open orders on this offer");
    return { sold: 0, outOfFunds: 0 };
  }
  // Lock every candidate wallet, in one order, so leads routed at the same time cannot deadlock on
  // each other's wallets (the ledger charges each under that lock). A batch of leads locks them
  // once for all its leads (lead-batch.server.ts): then the orders just read were read under them.
  const wallets = [...new Map(internal.map((o) => [o.advertiserId, ledgerAccounts.advertiserWallet(o.advertiserId, o.currency)])).values()];
  const walletAccountIds: string[] = [];
  for (const wallet of wallets) walletAccountIds.push(await ledgerAccountId(tx, wallet));
  const newlyLocked = await lockLedgerAccounts(tx, walletAccountIds);
  // Otherwise read the orders again under the locks: a lead routed just before on the same orders has
  // now committed, so round-robin sees its lastSoldAt and an order paused meanwhile is left out.
  const openOrders =
    newlyLocked === 0
      ? internal
      : withPendingLastSoldAt(tx, await txQuery<Order[]>(tx)`SELECT * FROM "Order" WHERE id = ANY(${internal.map((o) => o.id)}) AND status = 'OPEN'`);
  const returnRates = await buyersReturnRates(tx, newlyLocked > 0, [...new Set(openOrders.map((o) => o.advertiserId))]);
  const ranked = distributeOrders(
    openOrders.map((order) => {
      const priceCents = orderPriceCents(order, candidate);
      return { ...order, order, priceCents, rankCents: rankedBidCents(priceCents, returnRates.get(order.advertiserId) ?? 0) };
    }),
    offer.distribution,
    lead.id,
  );

  await prefetchBuyerSuppression(
    tx,
    candidate,
    ranked.map((r) => r.order.advertiserId),
  );
  const now = new Date();
  const buyers = new Set<string>();
  let sold = 0;
  let outOfFunds = 0;
  for (const { order, priceCents } of ranked) {
    const skip = (why: string) => recordLeadEvent(tx, lead.id, "order-skipped", `Order ${order.id} skipped: ${why}`, { orderId: order.id, reason: why });
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
    const shortfall = offer.pricingModel === "CPL" ? null : await reserveShortfall(tx, order, offer);
    if (shortfall) {
      await skip(shortfall);
      outOfFunds++;
      continue;
    }
    try {
      await sellLeadToOrder(tx, lead, order, offer, priceCents, feeBps);
    } catch (error) {
      if (!(error instanceof InsufficientBalanceError)) throw error;
      await skip(error.describe("price"));
      outOfFunds++;
      continue;
    }
    buyers.add(order.advertiserId);
    sold++;
  }
  const sharing = offer.exclusivity === "EXCLUSIVE" ? "exclusive" : `shared with up to ${offer.maxBuyers} buyers`;
  await recordLeadEvent(
    tx,
    lead.id,
    "routing",
    `Routed by ${DISTRIBUTION_LABELS[offer.distribution]} (${sharing}): sold to ${sold} of ${ranked.length} open orders`,
    { distribution: offer.distribution, orderIds: ranked.map((r) => r.order.id), sold },
  );
  return { sold, outOfFunds };
}
