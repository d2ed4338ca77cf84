import type { Lead, Order } from "~/generated/prisma/client";
import { balancesCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { orderPriceCents, orderSkipReasons } from "~/modules/routing/order-eligibility.server";
import { routingCandidateOf } from "~/modules/routing/routing.server";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";

// Which orders would buy a held lead if an admin released it now: the open orders of its offer,
// asked with routing's own read-only checks (filters, schedule, the buyer's suppression list,
// caps) and the buyer's wallet, highest price first. Nothing is reserved or charged; routing asks
// again, under the wallet locks, when the lead is released.

export interface CandidateOrder {
  orderId: string;
  advertiserId: string;
  advertiserName: string;
  priceCents: number;
  currency: string;
  /** Why it would not buy now; null when it would. */
  skipReason: string | null;
}

/** For each lead, the orders that would buy it (skipReason null) and those that would not, with why. */
export async function candidateOrdersForHeldLeads(actor: Actor, leads: Lead[], now: Date = new Date()): Promise<Map<string, CandidateOrder[]>> {
  requirePermission(actor, "write:lead:review");
  const offerIds = [...new Set(leads.map((l) => l.offerId))];
  const orders =
    offerIds.length === 0
      ? []
      : await prisma.order.findMany({
          where: { offerId: { in: offerIds }, status: "OPEN", pingUrl: null },
          include: { advertiser: { select: { name: true, creditLimitCents: true } }, offer: { select: { pricingModel: true } } },
        });
  const wallets = [...new Map(orders.map((o) => [o.advertiserId, ledgerAccounts.advertiserWallet(o.advertiserId, o.currency)])).values()];
  const balances = wallets.length > 0 ? await balancesCents(prisma, wallets) : new Map<string, bigint>();
  const result = new Map<string, CandidateOrder[]>();
  for (const lead of leads) {
    const onOffer = orders.filter((o) => o.offerId === lead.offerId);
    const candidate = routingCandidateOf(lead);
    const reasons = await orderSkipReasons(prisma, onOffer as Order[], candidate, now);
    const rows = onOffer.map((o): CandidateOrder => {
      const priceCents = o.offer.pricingModel === "CPL" ? orderPriceCents(o, candidate) : 0;
      const spendable = (balances.get(ledgerAccounts.advertiserWallet(o.advertiserId, o.currency).code) ?? 0n) + BigInt(o.advertiser.creditLimitCents);
      const walletShort = o.offer.pricingModel === "CPL" && spendable < BigInt(priceCents) ? "the buyer's wallet cannot pay for it" : null;
      return {
        orderId: o.id,
        advertiserId: o.advertiserId,
        advertiserName: o.advertiser.name,
        priceCents,
        currency: o.currency,
        skipReason: reasons.get(o.id) ?? walletShort,
      };
    });
    rows.sort((a, b) => Number(a.skipReason !== null) - Number(b.skipReason !== null) || b.priceCents - a.priceCents);
    result.set(lead.id, rows);
  }
  return result;
}
