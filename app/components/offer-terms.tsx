import type { ReactNode } from "react";
import { formatMoney } from "~/utils/money";
import { formatBps, humanize } from "./format";

/** What an offer pays, as every page shows it (CPA events and CPS bounds as the offer's own terms say). */
export interface OfferPriceData {
  pricingModel: string;
  priceCents: number;
  salePercentBps: number | null;
  saleMinCents: number | null;
  saleMaxCents: number | null;
  currency: string;
  conversionEvents: ReadonlyArray<{ code: string; label: string; payoutCents: number }>;
}

export interface OfferTermsData extends OfferPriceData {
  vertical: string;
  country: string;
  states: string[];
  exclusivity: string;
  maxBuyers: number;
  returnWindowDays: number;
  attributionWindowDays: number;
  lockPeriodDays: number;
  allowsLockedAdjustments: boolean;
}

/** A CPS offer's pay per sale in words: "10% of the sale, at least $5.00 and at most $200.00". */
export function salePayText(offer: OfferPriceData): string {
  const money = (cents: number) => formatMoney(cents, offer.currency);
  const parts = [
    offer.salePercentBps ? `${formatBps(offer.salePercentBps)} of the sale` : null,
    offer.priceCents > 0 ? `${money(offer.priceCents)} per sale` : null,
  ].filter(Boolean);
  const bounds = [
    offer.saleMinCents !== null ? `at least ${money(offer.saleMinCents)}` : null,
    offer.saleMaxCents !== null ? `at most ${money(offer.saleMaxCents)}` : null,
  ].filter(Boolean);
  return `${parts.join(" plus ") || "Nothing per sale"}${bounds.length > 0 ? `, ${bounds.join(" and ")} per sale` : ""}`;
}

/** An offer's price on one line: "$25.00 per lead", "Application $15.00 · Funded $120.00", "10% of the sale, …". */
export function offerPriceText(offer: OfferPriceData): string {
  if (offer.pricingModel === "CPL") return `${formatMoney(offer.priceCents, offer.currency)} per lead`;
  if (offer.pricingModel === "CPS") return salePayText(offer);
  if (offer.conversionEvents.length === 0) return `${formatMoney(offer.priceCents, offer.currency)} per action`;
  return offer.conversionEvents.map((e) => `${e.label || humanize(e.code)} ${formatMoney(e.payoutCents, offer.currency)}`).join(" · ");
}

/** An offer's terms as a details list, the same for the affiliate who owns it and the advertisers who buy. */
export function OfferTerms({ offer, children }: { offer: OfferTermsData; children?: ReactNode }) {
  const paysOnConversions = offer.pricingModel === "CPA" || offer.pricingModel === "CPS";
  return (
    <dl className="details" data-testid="offer-terms">
      <dt>Vertical</dt>
      <dd>{humanize(offer.vertical)}</dd>
      <dt>Geo</dt>
      <dd>
        {offer.country}
        {offer.states.length > 0 ? ` — ${offer.states.join(", ")}` : " — all states"}
      </dd>
      <dt>Pricing model</dt>
      <dd>
        {offer.pricingModel === "CPL"
          ? "CPL: paid per lead delivered"
          : offer.pricingModel === "CPA"
            ? "CPA: leads delivered free, paid per action reported"
            : "CPS: leads delivered free, paid per sale reported"}
      </dd>
      {offer.pricingModel === "CPA" && offer.conversionEvents.length > 0 ? (
        <>
          <dt>Events paid</dt>
          <dd>
            <ul className="plain-list">
              {offer.conversionEvents.map((e) => (
                <li key={e.code}>
                  {e.label || humanize(e.code)} (<code>{e.code}</code>): {formatMoney(e.payoutCents, offer.currency)}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : (
        <>
          <dt>{offer.pricingModel === "CPS" ? "Each sale pays" : "Price"}</dt>
          <dd>{offerPriceText(offer)}</dd>
        </>
      )}
      {paysOnConversions ? (
        <>
          <dt>Attribution window</dt>
          <dd>{offer.attributionWindowDays} days after delivery</dd>
          <dt>Lock period</dt>
          <dd>{offer.lockPeriodDays} days: until then the buyer may reverse a conversion</dd>
          <dt>Corrections after the lock</dt>
          <dd>{offer.allowsLockedAdjustments ? "Allowed, as adjustments" : "Not allowed: the buyer opens a dispute instead"}</dd>
        </>
      ) : null}
      <dt>Exclusivity</dt>
      <dd>{offer.exclusivity === "EXCLUSIVE" ? "Exclusive: each lead goes to one buyer" : `Shared with up to ${offer.maxBuyers} buyers`}</dd>
      <dt>Return window</dt>
      <dd>{offer.returnWindowDays} days</dd>
      {children}
    </dl>
  );
}
