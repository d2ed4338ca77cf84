import { createOffer } from "~/modules/offers/offers.server";
import { createOfferSchema, type CreateOfferInput } from "~/modules/offers/offers.schema";
import { openOrder } from "~/modules/orders/orders.server";
import { createOrderSchema, type CreateOrderInput } from "~/modules/orders/orders.schema";
import { offerQualityRulesSchema, type OfferQualityRules } from "~/modules/quality/quality.schema";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";

/** The default offer's field spec: a consumer's name, contact and geo. */
export const CONTACT_FIELDS = [
  { name: "first_name", type: "string", required: true },
  { name: "last_name", type: "string", required: false },
  { name: "email", type: "email", required: true },
  { name: "phone", type: "phone", required: true },
  { name: "state", type: "state", required: true },
  { name: "postal_code", type: "postal_code", required: false },
] satisfies CreateOfferInput["fields"];

type OfferOverrides = Partial<CreateOfferInput> & { qualityRules?: Partial<OfferQualityRules> };

/** An offer made through the module; `qualityRules` (thresholds, windows ...) are stored on it, the rest at their defaults. */
export async function makeOffer(affiliate: Actor, overrides: OfferOverrides = {}) {
  const { qualityRules, ...offerOverrides } = overrides;
  const input = createOfferSchema.parse({
    title: "Home insurance quotes",
    vertical: "insurance",
    country: "US",
    states: ["CA", "TX", "NY"],
    fields: CONTACT_FIELDS,
    pricingModel: "CPL",
    priceCents: 2500,
    exclusivity: "EXCLUSIVE",
    returnWindowDays: 7,
    ...offerOverrides,
  });
  const offer = await createOffer(affiliate, input);
  if (!qualityRules) return offer;
  const rules = offerQualityRulesSchema.parse(qualityRules);
  return prisma.offer.update({ where: { id: offer.id }, data: { qualityRules: rules } });
}

export async function makeOrder(advertiser: Actor, offerId: string, overrides: Partial<CreateOrderInput> = {}) {
  const input = createOrderSchema.parse({ offerId, priceCents: 3000, ...overrides });
  return openOrder(advertiser, input);
}
