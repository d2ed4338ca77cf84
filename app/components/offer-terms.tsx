import type { ReactNode } from "react";
import { formatMoney } from "~/utils/money";
import { formatBps, humanize } from "./format";

export interface OfferTermsData {
  vertical: string;
  country: string;
  states: string[];
  pricingModel: string;
  priceCents: number;
  salePercentBps: number | null;
  currency: string;
  exclusivity: string;
  maxBuyers: number;
  returnWindowDays: number;
}

/** An offer's terms as a details list, the same for the affiliate who owns it and the advertisers who buy. */
export function OfferTerms({ offer, children }: { offer: OfferTermsData; children?: ReactNode }) {
  return (
    <dl className="details">
      <dt>Vertical</dt>
      <dd>{humanize(offer.vertical)}</dd>
      <dt>Geo</dt>
      <dd>
        {offer.country}
        {offer.states.length > 0 ? ` — ${offer.states.join(", ")}` : " — all states"}
      </dd>
      <dt>Price</dt>
      <dd>
        {offer.pricingModel} {formatMoney(offer.priceCents, offer.currency)}
        {offer.pricingModel === "CPS" && offer.salePercentBps ? ` or ${formatBps(offer.salePercentBps)} of the sale` : ""}
      </dd>
      <dt>Exclusivity</dt>
      <dd>{offer.exclusivity === "EXCLUSIVE" ? "Exclusive: each lead goes to one buyer" : `Shared with up to ${offer.maxBuyers} buyers`}</dd>
      <dt>Return window</dt>
      <dd>{offer.returnWindowDays} days</dd>
      {children}
    </dl>
  );
}
