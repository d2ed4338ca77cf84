import { defaultReserveCents, offerEvents } from "~/modules/conversions/conversion-terms";
import type { Actor } from "~/utils/permissions.server";
import { describeOrderChange, orderFormValuesOf } from "./order-edits";
import { ownOrderFunding } from "./order-funding.server";
import { canChangeOrderStatus, summarizeOrderSettings } from "./orders.schema";
import { getOwnOrder, ownOrderHistory, ownOrderRecentSales } from "./orders.server";

// What the advertiser's order page shows, read in one call: the order with its funding, the
// edit form's offer and values, the history in words and the latest leads bought.

const HISTORY_VERBS: Record<string, string> = {
  "order.updated": "Edited",
  "order.paused": "Paused",
  "order.resumed": "Resumed",
  "order.closed": "Closed",
};

/** The advertiser's own order page; `confirmClose` asks before closing (only when it may close). */
export async function ownOrderPageView(actor: Actor, orderId: string, opts: { confirmClose: boolean }) {
  const order = await getOwnOrder(actor, orderId);
  const [funding, history, sales] = await Promise.all([
    ownOrderFunding(actor, [order]),
    ownOrderHistory(actor, order.id),
    ownOrderRecentSales(actor, order.id),
  ]);
  const offer = { ...order.offer, conversionEvents: offerEvents(order.offer) };
  return {
    confirmClose: opts.confirmClose && canChangeOrderStatus(order.status, "CLOSED"),
    order: {
      id: order.id,
      offerId: order.offerId,
      offerTitle: order.offer.title,
      pricingModel: order.offer.pricingModel,
      /** For the price in words (`offerPriceText`). */
      offerPrice: {
        pricingModel: offer.pricingModel,
        priceCents: offer.priceCents,
        salePercentBps: offer.salePercentBps,
        saleMinCents: offer.saleMinCents,
        saleMaxCents: offer.saleMaxCents,
        currency: offer.currency,
        conversionEvents: offer.conversionEvents,
      },
      priceCents: order.priceCents,
      currency: order.currency,
      status: order.status,
      pauseReason: order.pauseReason,
      settings: summarizeOrderSettings(order),
      bought: order._count.sales,
      createdAt: order.createdAt,
      funding: funding[order.id] ?? null,
    },
    formOffer: {
      id: order.offerId,
      priceCents: order.offer.priceCents,
      currency: order.currency,
      distribution: order.offer.distribution,
      pricingModel: order.offer.pricingModel,
      reserveCents: defaultReserveCents(offer),
    },
    initial: orderFormValuesOf(order),
    history: history.map((row) => ({
      id: row.id,
      at: row.createdAt,
      who: row.actor?.email ?? "Leadex",
      what: HISTORY_VERBS[row.action] ?? row.action,
      details: row.action === "order.updated" ? describeOrderChange(row.data, order.currency, order.timezone) : [],
    })),
    sales: sales.map((sale) => {
      const fields = (sale.lead.fields ?? {}) as Record<string, string>;
      return {
        leadId: sale.leadId,
        name: [fields.first_name, fields.last_name].filter(Boolean).join(" "),
        priceCents: sale.priceCents,
        soldAt: sale.soldAt,
        contactedAt: sale.contactedAt,
      };
    }),
  };
}
