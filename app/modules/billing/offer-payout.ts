import { splitPayout } from "~/modules/conversions/conversion-terms";
import { splitLeadSale } from "./lead-sale-pricing";

// What an offer's affiliate is paid at its asking price: the platform keeps PLATFORM_FEE_BPS of
// every sale or payout (rounded half-up, lead-sale-pricing.ts and conversion-terms.ts), the
// affiliate the rest. A buyer may bid above the asking price: the same share of the bid is kept.

export interface OfferPayoutLine {
  label: string;
  askingCents: number;
  feeCents: number;
  payoutCents: number;
}

export interface OfferPayoutView {
  feeBps: number;
  currency: string;
  pricingModel: string;
  lines: OfferPayoutLine[];
  /** CPS: a share of each sale, before the fee; null otherwise. */
  salePercentBps: number | null;
}

export interface OfferPayoutTerms {
  pricingModel: string;
  priceCents: number;
  currency: string;
  salePercentBps: number | null;
  conversionEvents: ReadonlyArray<{ code: string; label: string; payoutCents: number }>;
}

function line(label: string, askingCents: number, feeBps: number): OfferPayoutLine {
  const split = splitLeadSale(askingCents, feeBps);
  return { label, askingCents, feeCents: split.feeCents, payoutCents: split.affiliateEarningCents };
}

export function offerPayoutView(offer: OfferPayoutTerms, feeBps: number): OfferPayoutView {
  const base = { feeBps, currency: offer.currency, pricingModel: offer.pricingModel, salePercentBps: null };
  if (offer.pricingModel === "CPL") return { ...base, lines: [line("Per lead", offer.priceCents, feeBps)] };
  if (offer.pricingModel === "CPA") {
    const events = offer.conversionEvents.length > 0 ? offer.conversionEvents : [{ code: "action", label: "Per action", payoutCents: offer.priceCents }];
    return {
      ...base,
      lines: events.map((e) => {
        const split = splitPayout(e.payoutCents, feeBps);
        return { label: e.label || e.code, askingCents: e.payoutCents, feeCents: split.feeCents, payoutCents: split.earningCents };
      }),
    };
  }
  return { ...base, salePercentBps: offer.salePercentBps, lines: offer.priceCents > 0 ? [line("Fixed per sale", offer.priceCents, feeBps)] : [] };
}
