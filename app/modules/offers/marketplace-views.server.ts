import { defaultReserveCents } from "~/modules/conversions/conversion-terms";
import { ownFundingForOffer } from "~/modules/orders/order-funding.server";
import type { Actor } from "~/utils/permissions.server";
import type { MarketplaceQuery } from "./marketplace.schema";
import { searchMarketplace } from "./marketplace.server";
import { getMarketplaceOffer } from "./offers.server";

/** A listed offer as a buyer sees it before opening an order, and what its wallet funds of it. */
export async function marketplaceOfferView(actor: Actor, offerId: string) {
  const offer = await getMarketplaceOffer(actor, offerId);
  return {
    funding: await ownFundingForOffer(actor, offer),
    offer: {
      id: offer.id,
      title: offer.title,
      vertical: offer.vertical,
      country: offer.country,
      states: offer.states,
      fields: offer.fields,
      pricingModel: offer.pricingModel,
      priceCents: offer.priceCents,
      salePercentBps: offer.salePercentBps,
      saleMinCents: offer.saleMinCents,
      saleMaxCents: offer.saleMaxCents,
      conversionEvents: offer.conversionEvents,
      attributionWindowDays: offer.attributionWindowDays,
      lockPeriodDays: offer.lockPeriodDays,
      allowsLockedAdjustments: offer.allowsLockedAdjustments,
      currency: offer.currency,
      exclusivity: offer.exclusivity,
      distribution: offer.distribution,
      maxBuyers: offer.maxBuyers,
      returnWindowDays: offer.returnWindowDays,
      affiliateName: offer.affiliate.name,
      reserveCents: defaultReserveCents(offer),
    },
  };
}

/** One page of the marketplace search: the listed offers with their terms and statistics, and the verticals to filter by. */
export async function marketplaceSearchView(actor: Actor, query: MarketplaceQuery) {
  const found = await searchMarketplace(actor, query);
  return {
    query,
    total: found.total,
    verticals: found.verticals,
    offers: found.offers.map((o) => ({
      id: o.id,
      title: o.title,
      vertical: o.vertical,
      country: o.country,
      states: o.states,
      pricingModel: o.pricingModel,
      priceCents: o.priceCents,
      salePercentBps: o.salePercentBps,
      saleMinCents: o.saleMinCents,
      saleMaxCents: o.saleMaxCents,
      conversionEvents: o.conversionEvents,
      currency: o.currency,
      exclusivity: o.exclusivity,
      distribution: o.distribution,
      maxBuyers: o.maxBuyers,
      returnWindowDays: o.returnWindowDays,
      affiliateName: o.affiliate.name,
      stats: o.stats,
    })),
  };
}
