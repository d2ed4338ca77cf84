// Signs that an offer needs an admin's look before buyers see it (issue 14: an offer titled with
// HTML at $0.01 stayed live). Shown beside the offer in the admin's list and on its page; they
// decide nothing by themselves.

export const SUSPICIOUS_PRICE_BELOW_CENTS = 100;

/** Markup or an entity in a title: `<b>`, `<script`, `&lt;`, `&#60;`, `javascript:`. */
const MARKUP = /<[a-z/!?]|&(#\d+|#x[0-9a-f]+|[a-z]+);|javascript:/i;

export interface FlaggableOffer {
  title: string;
  pricingModel: string;
  priceCents: number;
  salePercentBps: number | null;
}

/** What looks wrong with the offer, in words; empty when nothing does. */
export function offerFlags(offer: FlaggableOffer): string[] {
  const flags: string[] = [];
  // A CPS offer paid by a share of the sale has no fixed price: 0 is normal there.
  const fixedPrice = !(offer.pricingModel === "CPS" && offer.salePercentBps !== null);
  if (fixedPrice && offer.priceCents < SUSPICIOUS_PRICE_BELOW_CENTS) flags.push("Price under $1.00");
  if (MARKUP.test(offer.title)) flags.push("Title contains HTML or markup");
  return flags;
}
