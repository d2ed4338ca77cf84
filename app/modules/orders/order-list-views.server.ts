import { getAdvertiserBalanceCents } from "~/modules/billing/balances.server";
import { ownCardDisputeHold } from "~/modules/billing/chargebacks.server";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { listBoughtLeads } from "~/modules/leads/lead-queries.server";
import type { Actor } from "~/utils/permissions.server";
import { centsToNumber } from "~/utils/route-errors.server";
import { ownOrderFunding } from "./order-funding.server";
import { summarizeOrderSettings, type OwnOrderListFilter } from "./orders.schema";
import { listOwnOrderPage, listOwnOrders } from "./orders.server";

// What the advertiser's order list and home page show, read in one call each. Prices are
// formatted by the page: a CPA/CPS order carries its offer's terms (it pays per conversion),
// a CPL order none (it pays its own price per lead).

type OwnOrder = Awaited<ReturnType<typeof listOwnOrders>>[number];

/** The offer's terms a CPA/CPS order pays per conversion; null for a CPL order. */
function conversionTermsOfOrder(order: OwnOrder) {
  if (order.offer.pricingModel === "CPL") return null;
  const { pricingModel, priceCents, salePercentBps, saleMinCents, saleMaxCents, currency } = order.offer;
  return { pricingModel, priceCents, salePercentBps, saleMinCents, saleMaxCents, currency, conversionEvents: offerEvents(order.offer) };
}

/** One page of the advertiser's orders, newest first, with their funding, and what the list warns about. */
export async function ownOrderListView(actor: Actor, filter: OwnOrderListFilter, pageSize?: number) {
  const { rows: orders, nextCursor } = await listOwnOrderPage(actor, filter, pageSize);
  const [funding, hold] = await Promise.all([ownOrderFunding(actor, orders), ownCardDisputeHold(actor)]);
  const rows = orders.map((o) => ({
    id: o.id,
    offerId: o.offerId,
    offerTitle: o.offer.title,
    pricingModel: o.offer.pricingModel,
    offerTerms: conversionTermsOfOrder(o),
    funding: funding[o.id] ?? null,
    priceCents: o.priceCents,
    currency: o.currency,
    settings: summarizeOrderSettings(o),
    status: o.status,
    pauseReason: o.pauseReason,
    bought: o._count.sales,
    createdAt: o.createdAt,
  }));
  // One warning above the list: the first open order on the page the wallet cannot pay says what is missing.
  const unpaid = rows.find((o) => o.status === "OPEN" && o.funding && !o.funding.covers) ?? null;
  return { cardDisputeHold: hold.held, orders: rows, nextCursor, unpaid: unpaid?.funding ? { funding: unpaid.funding, currency: unpaid.currency } : null };
}

/** How many of the latest bought leads the home page lists. */
const LATEST_LEADS = 5;

/** The advertiser's home: the wallet, the open orders and the latest leads bought. */
export async function advertiserHomeView(actor: Actor) {
  const [balanceCents, orders, leads] = await Promise.all([getAdvertiserBalanceCents(actor), listOwnOrders(actor), listBoughtLeads(actor)]);
  return {
    balanceCents: centsToNumber(balanceCents),
    openOrders: orders
      .filter((o) => o.status === "OPEN")
      .map((o) => ({
        id: o.id,
        offerTitle: o.offer.title,
        pricingModel: o.offer.pricingModel,
        priceCents: o.priceCents,
        currency: o.currency,
        offerTerms: conversionTermsOfOrder(o),
        dailyCap: o.dailyCap,
        bought: o._count.sales,
      })),
    latestLeads: leads.slice(0, LATEST_LEADS).map((l) => ({
      leadId: l.leadId,
      name: [l.fields.first_name, l.fields.last_name].filter(Boolean).join(" "),
      email: l.fields.email ?? null,
      offerTitle: l.offerTitle,
      priceCents: l.priceCents,
      currency: l.currency,
      soldAt: l.soldAt,
    })),
    boughtCount: leads.length,
  };
}
