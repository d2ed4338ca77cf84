import { percentOfCents } from "~/utils/money";

export interface LeadSaleSplit {
  priceCents: number;
  feeCents: number;
  affiliateEarningCents: number;
}

/** A CPL sale at the order's price: the platform keeps `feeBps` (rounded half-up), the affiliate earns the rest. */
export function splitLeadSale(priceCents: number, feeBps: number): LeadSaleSplit {
  const feeCents = percentOfCents(priceCents, feeBps, "half-up");
  return { priceCents, feeCents, affiliateEarningCents: priceCents - feeCents };
}
