import { createOffer } from "~/modules/offers/offers.server";
import { createOfferSchema, type CreateOfferInput } from "~/modules/offers/offers.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { createOrderSchema, type CreateOrderInput } from "~/modules/orders/orders.schema";
import type { Actor } from "~/utils/permissions.server";

export async function makeOffer(affiliate: Actor, overrides: Partial<CreateOfferInput> = {}) {
  const input = createOfferSchema.parse({
    title: "Home insurance quotes",
    vertical: "insurance",
    country: "US",
    states: ["CA", "TX", "NY"],
    fields: [
      { name: "first_name", type: "string", required: true },
      { name: "last_name", type: "string", required: false },
      { name: "email", type: "email", required: true },
      { name: "phone", type: "phone", required: true },
      { name: "state", type: "state", required: true },
      { name: "postal_code", type: "postal_code", required: false },
    ],
    pricingModel: "CPL",
    priceCents: 2500,
    exclusivity: "EXCLUSIVE",
    returnWindowDays: 7,
    ...overrides,
  });
  return createOffer(affiliate, input);
}

export async function makeOrder(advertiser: Actor, offerId: string, overrides: Partial<CreateOrderInput> = {}) {
  const input = createOrderSchema.parse({ offerId, priceCents: 3000, ...overrides });
  return openOrder(advertiser, input);
}
