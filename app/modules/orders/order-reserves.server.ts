import type { Order } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { orderReserveCents } from "~/modules/conversions/conversion-reserve.server";
import type { TermsOffer } from "~/modules/conversions/conversion-terms";
import { balanceCents } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { centsToNumber } from "~/utils/route-errors.server";

// What the orders page says about a CPA/CPS order's reserve: how much the wallet must hold before
// routing delivers a lead to it, and whether the wallet (with any credit limit) holds that now.
// Routing decides the same thing under the wallet's lock (conversion-reserve.server.ts).

export interface ReserveCoverage {
  reserveCents: number;
  /** The wallet's balance, in cents (may be negative for a postpaid advertiser). */
  walletCents: number;
  /** What the advertiser may go below zero (its credit limit). */
  creditCents: number;
  covers: boolean;
}

/** The reserve of each of the advertiser's own CPA/CPS orders, and whether its wallet covers it now (keyed by order id). */
export async function ownReserveCoverage(
  actor: Actor,
  orders: ReadonlyArray<Pick<Order, "id" | "advertiserId" | "currency" | "reserveCents"> & { offer: TermsOffer }>,
): Promise<Record<string, ReserveCoverage>> {
  requirePermission(actor, "read:order:own");
  const wallets = new Map<string, { walletCents: number; creditCents: number }>();
  const coverage: Record<string, ReserveCoverage> = {};
  for (const order of orders) {
    if (order.advertiserId !== actor.companyId || order.offer.pricingModel === "CPL") continue;
    let wallet = wallets.get(order.currency);
    if (!wallet) {
      const floor = await advertiserWalletFloor(prisma, actor.companyId, order.currency);
      wallet = { walletCents: centsToNumber(await balanceCents(prisma, floor.account)), creditCents: centsToNumber(-floor.floorCents) };
      wallets.set(order.currency, wallet);
    }
    const reserveCents = orderReserveCents(order, order.offer);
    coverage[order.id] = { reserveCents, ...wallet, covers: wallet.walletCents + wallet.creditCents - reserveCents >= 0 };
  }
  return coverage;
}
