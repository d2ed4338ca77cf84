import type { Order } from "~/generated/prisma/client";
import type { TemperatureValue } from "~/modules/quality/quality.schema";
import type { Tx } from "~/utils/db.server";
import { filterMismatch } from "./order-match";

/**
 * What routing and ping-post know about a lead when they ask whether an order wants it.
 * A ping carries only part of it (no contact data; hashes instead).
 */
export interface RoutingCandidate {
  offerId: string;
  /** Normalised lead fields (for a ping: only the non-personal ones it carried). */
  fields: Record<string, string>;
  state: string | null;
  postalCode: string | null;
  qualityScore: number | null;
  temperature: TemperatureValue | null;
  emailHash: string | null;
  phoneHash: string | null;
}

/** The price this order pays for this candidate (its base price, adjusted by its pricing rules). */
export function orderPriceCents(order: Order, _candidate: RoutingCandidate): number {
  return order.priceCents;
}

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Why this order does not take this candidate now (filters, schedule, caps, the buyer's
 * suppression list), or null when it does. Wallet balance is checked by the caller, which holds
 * the wallet locks.
 */
export async function orderSkipReason(tx: Tx, order: Order, candidate: RoutingCandidate, now: Date): Promise<string | null> {
  const mismatch = filterMismatch(order.filters, candidate);
  if (mismatch) return mismatch;
  if (order.dailyCap !== null) {
    const soldToday = await tx.leadSale.count({ where: { orderId: order.id, soldAt: { gte: startOfUtcDay(now) } } });
    if (soldToday >= order.dailyCap) return `daily cap of ${order.dailyCap} reached`;
  }
  return null;
}
