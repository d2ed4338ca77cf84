import { describe, expect, it } from "vitest";
import { splitLeadSale } from "~/modules/billing/lead-sale-pricing";
import { formatMoney, parseAmountToCents, percentOfCents } from "~/utils/money";

describe("money", () => {
  it("parses amounts people type into whole cents and refuses the rest", () => {
    expect(parseAmountToCents("25")).toBe(2500);
    expect(parseAmountToCents("25.5")).toBe(2550);
    expect(parseAmountToCents(" 0.07 ")).toBe(7);
    expect(parseAmountToCents("25.555")).toBeNull();
    expect(parseAmountToCents("-3")).toBeNull();
    expect(parseAmountToCents("1e3")).toBeNull();
  });

  it("rounds a percentage half-up or down as asked", () => {
    expect(percentOfCents(1999, 2000, "half-up")).toBe(400); // 399.8
    expect(percentOfCents(1999, 2000, "down")).toBe(399);
    expect(percentOfCents(2, 2500, "half-up")).toBe(1); // 0.5
  });

  it("splits a CPL sale so fee and earning add up to the price", () => {
    for (const price of [1, 99, 2500, 3333, 123457]) {
      const split = splitLeadSale(price, 2000);
      expect(split.feeCents + split.affiliateEarningCents).toBe(price);
      expect(Number.isInteger(split.feeCents)).toBe(true);
    }
    expect(splitLeadSale(3200, 2000)).toEqual({ priceCents: 3200, feeCents: 640, affiliateEarningCents: 2560 });
  });

  it("formats cents for display only", () => {
    expect(formatMoney(123456, "usd")).toBe("$1,234.56");
    expect(formatMoney(-500n, "usd")).toBe("-$5.00");
  });
});
