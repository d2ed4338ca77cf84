import { createHash } from "node:crypto";
import type { DistributionValue } from "./routing.schema";

/** What distribution needs to know of an order, with the price it would pay for this lead. */
export interface DistributableOrder {
  id: string;
  priceCents: number;
  /** What the price ranks as: less the buyer's approved-return rate (it still pays priceCents). */
  rankCents?: number;
  priority: number;
  weight: number;
  lastSoldAt: Date | null;
  createdAt: Date;
}

/** A uniform draw in (0, 1) from the lead and order ids: the same lead always draws the same. */
function seededDraw(leadId: string, orderId: string): number {
  const digest = createHash("sha256").update(`${leadId}:${orderId}`).digest();
  return (digest.readUIntBE(0, 6) + 1) / (2 ** 48 + 2);
}

const rank = (o: DistributableOrder) => o.rankCents ?? o.priceCents;
const byPriceThenAge = (a: DistributableOrder, b: DistributableOrder) => rank(b) - rank(a) || a.createdAt.getTime() - b.createdAt.getTime();

/**
 * The order in which a lead is offered to an offer's matching orders (the first that takes it
 * buys it; a shared lead goes on down the list):
 * - BEST_PRICE: highest price for this lead as it ranks (less the buyer's approved-return rate:
 *   $100 from a buyer returning 10% ranks as $90), then the oldest order;
 * - PRIORITY: highest order priority, then best price;
 * - WEIGHTED: a weighted draw without replacement (an order with weight 3 comes first three
 *   times as often as one with weight 1), seeded by the lead id so a lead always routes the same;
 * - ROUND_ROBIN: the order that sold least recently first (never sold first), then the oldest.
 */
export function distributeOrders<T extends DistributableOrder>(orders: readonly T[], distribution: DistributionValue, leadId: string): T[] {
  const sorted = [...orders];
  switch (distribution) {
    case "BEST_PRICE":
      return sorted.sort(byPriceThenAge);
    case "PRIORITY":
      return sorted.sort((a, b) => b.priority - a.priority || byPriceThenAge(a, b));
    case "ROUND_ROBIN":
      return sorted.sort(
        (a, b) => (a.lastSoldAt?.getTime() ?? -Infinity) - (b.lastSoldAt?.getTime() ?? -Infinity) || a.createdAt.getTime() - b.createdAt.getTime(),
      );
    case "WEIGHTED": {
      // Efraimidis–Spirakis: key = u^(1/weight), highest key first.
      const keys = new Map(sorted.map((o) => [o.id, Math.log(seededDraw(leadId, o.id)) / Math.max(o.weight, 1)]));
      return sorted.sort((a, b) => keys.get(b.id)! - keys.get(a.id)! || byPriceThenAge(a, b));
    }
  }
}
