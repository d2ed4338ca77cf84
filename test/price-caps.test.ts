import { describe, expect, it } from "vitest";
import { createOfferSchema } from "~/modules/offers/offers.schema";
import { createOrderSchema, MAX_ORDER_PRICE_CENTS } from "~/modules/orders/orders.schema";

const offerInput = {
  title: "Home insurance quotes",
  vertical: "insurance",
  fields: [{ name: "email", type: "email", required: true }],
  pricingModel: "CPL",
};

describe("price caps", () => {
  it("an order bids at most 1,000,000.00 per lead", () => {
    expect(createOrderSchema.parse({ offerId: "o1", priceCents: "1000000" }).priceCents).toBe(MAX_ORDER_PRICE_CENTS);
    for (const priceCents of ["1000000.01", "999999999.99", MAX_ORDER_PRICE_CENTS + 1]) {
      const parsed = createOrderSchema.safeParse({ offerId: "o1", priceCents });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ["priceCents"], message: "A price per lead is at most 1,000,000.00" })]);
    }
  });

  it("an offer asks at most 1,000,000.00", () => {
    expect(createOfferSchema.parse({ ...offerInput, priceCents: "1000000" }).priceCents).toBe(100_000_000);
    const parsed = createOfferSchema.safeParse({ ...offerInput, priceCents: "999999999.99" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ["priceCents"], message: "A price is at most 1,000,000.00" })]);
  });
});
