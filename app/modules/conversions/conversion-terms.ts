import type { Offer } from "~/generated/prisma/client";
import { percentOfCents } from "~/utils/money";
import { conversionEventsSchema, type ConversionEventTerms } from "./conversions.schema";

// The terms a conversion is billed on, copied onto it when it is recorded, so that a later change
// of the offer never reprices it. CPA pays per event; CPS pays a share of the sale (basis points,
// rounded half-up as `percentOfCents` says), plus any fixed amount, clamped to the optional
// minimum and maximum. The platform keeps `feeBps` of the payout (half-up); the affiliate the rest.

export interface ConversionTerms {
  pricingModel: "CPA" | "CPS";
  currency: string;
  events: ConversionEventTerms[];
  salePercentBps: number | null;
  saleFixedCents: number;
  saleMinCents: number | null;
  saleMaxCents: number | null;
  feeBps: number;
  attributionWindowDays: number;
  lockPeriodDays: number;
  allowsLockedAdjustments: boolean;
}

export type TermsOffer = Pick<
  Offer,
  | "pricingModel"
  | "currency"
  | "conversionEvents"
  | "salePercentBps"
  | "priceCents"
  | "saleMinCents"
  | "saleMaxCents"
  | "attributionWindowDays"
  | "lockPeriodDays"
  | "allowsLockedAdjustments"
>;

export function offerEvents(offer: Pick<Offer, "conversionEvents">): ConversionEventTerms[] {
  const parsed = conversionEventsSchema.safeParse(offer.conversionEvents);
  return parsed.success ? parsed.data : [];
}

export function conversionTermsOf(offer: TermsOffer, feeBps: number): ConversionTerms {
  if (offer.pricingModel === "CPL") throw new Error("CPL offers are not billed on conversions");
  return {
    pricingModel: offer.pricingModel,
    currency: offer.currency,
    events: offerEvents(offer),
    salePercentBps: offer.salePercentBps,
    saleFixedCents: offer.pricingModel === "CPS" ? offer.priceCents : 0,
    saleMinCents: offer.saleMinCents,
    saleMaxCents: offer.saleMaxCents,
    feeBps,
    attributionWindowDays: offer.attributionWindowDays,
    lockPeriodDays: offer.lockPeriodDays,
    allowsLockedAdjustments: offer.allowsLockedAdjustments,
  };
}

/** What a CPS sale of `saleAmountCents` pays under these terms. */
export function salePayoutCents(terms: ConversionTerms, saleAmountCents: number): number {
  let payout = terms.saleFixedCents + (terms.salePercentBps ? percentOfCents(saleAmountCents, terms.salePercentBps, "half-up") : 0);
  if (terms.saleMinCents !== null) payout = Math.max(payout, terms.saleMinCents);
  if (terms.saleMaxCents !== null) payout = Math.min(payout, terms.saleMaxCents);
  return payout;
}

export interface ConversionPrice {
  payoutCents: number;
  feeCents: number;
  earningCents: number;
}

export function splitPayout(payoutCents: number, feeBps: number): ConversionPrice {
  const feeCents = percentOfCents(payoutCents, feeBps, "half-up");
  return { payoutCents, feeCents, earningCents: payoutCents - feeCents };
}

/** The payout of one conversion, or null when the offer does not pay this event. */
export function conversionPrice(terms: ConversionTerms, event: string | null, saleAmountCents: number | null): ConversionPrice | null {
  if (terms.pricingModel === "CPA") {
    const paid = terms.events.find((e) => e.code === event);
    return paid ? splitPayout(paid.payoutCents, terms.feeBps) : null;
  }
  if (saleAmountCents === null) return null;
  return splitPayout(salePayoutCents(terms, saleAmountCents), terms.feeBps);
}

/** What the buyer's wallet must cover before a lead is delivered on these terms: one action's payout. */
export function defaultReserveCents(offer: TermsOffer): number {
  if (offer.pricingModel === "CPA") return Math.max(0, ...offerEvents(offer).map((e) => e.payoutCents));
  if (offer.pricingModel === "CPS") return Math.max(offer.priceCents, offer.saleMinCents ?? 0);
  return offer.priceCents;
}
