import { getEnv } from "~/utils/env.server";
import { offerPayoutView, type OfferPayoutTerms, type OfferPayoutView } from "./offer-payout";

/** The platform's share of every sale and payout, in basis points (PLATFORM_FEE_BPS). */
export function platformFeeBps(): number {
  return getEnv().PLATFORM_FEE_BPS;
}

/** What the affiliate is paid at the offer's asking price, after the platform fee. */
export function offerPayoutAtAskingPrice(offer: OfferPayoutTerms): OfferPayoutView {
  return offerPayoutView(offer, platformFeeBps());
}
