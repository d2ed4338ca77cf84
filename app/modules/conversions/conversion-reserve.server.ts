import type { Offer, Order } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { balanceCents } from "~/modules/ledger/ledger.server";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { defaultReserveCents } from "./conversion-terms";

/** What a CPA/CPS order's wallet must cover before a lead is delivered to it (at least 1 cent). */
export function orderReserveCents(order: Pick<Order, "reserveCents">, offer: Parameters<typeof defaultReserveCents>[0]): number {
  return Math.max(1, order.reserveCents ?? defaultReserveCents(offer));
}

/**
 * Why a lead cannot be delivered to a CPA/CPS order now: the wallet (down to its credit limit)
 * does not cover the order's reserve. Null when it does. Read under the wallet's lock (routing
 * takes it), so two leads routed at once see each other's effects.
 */
export async function reserveShortfall(tx: Tx, order: Order, offer: Offer): Promise<string | null> {
  const reserve = orderReserveCents(order, offer);
  const floor = await advertiserWalletFloor(tx, order.advertiserId, order.currency);
  const balance = await balanceCents(tx, floor.account);
  if (balance - BigInt(reserve) >= floor.floorCents) return null;
  const credit = floor.floorCents < 0n ? ` plus its credit limit ${formatMoney(-floor.floorCents, order.currency)}` : "";
  return `wallet ${formatMoney(balance, order.currency)}${credit} does not cover the order's reserve ${formatMoney(reserve, order.currency)}`;
}
