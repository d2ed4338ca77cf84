import { describe, expect, it } from "vitest";
import { flagReturnOutliers, medianBps, RETURN_FLAG_RULE, returnRateBps } from "~/modules/disputes/return-flags";

const company = (companyId: string, sales: number, returns: number) => ({ companyId, sales, returns });

describe("the return-rate flag rule", () => {
  it("flags a company at twice its peers' median or more and at least 5 points above it", () => {
    // Rates 2%, 3%, 4%, 10%, 25%: the median is 4%; 10% is 2.5× and 6 points above; 25% too.
    const figures = [company("a", 100, 2), company("b", 100, 3), company("c", 100, 4), company("d", 100, 10), company("e", 40, 10)];
    const result = flagReturnOutliers(figures);
    expect(result.medianBps).toBe(400);
    expect(result.judged).toBe(5);
    expect(result.flags.map((f) => [f.companyId, f.rateBps, f.sales, f.returns, f.medianBps])).toEqual([
      ["e", 2_500, 40, 10, 400],
      ["d", 1_000, 100, 10, 400],
    ]);
  });

  it("does not flag twice a tiny median when it is not 5 points above it, nor 5 points above a large median when not twice it", () => {
    // Median 1%: 3% is 3× but only 2 points above.
    expect(flagReturnOutliers([company("a", 100, 1), company("b", 100, 1), company("c", 100, 3)]).flags).toEqual([]);
    // Median 10%: 19% is 9 points above but under 2×; 20% is flagged.
    const high = flagReturnOutliers([company("a", 100, 10), company("b", 100, 10), company("c", 100, 19), company("d", 100, 20), company("e", 100, 5)]);
    expect(high.medianBps).toBe(1_000);
    expect(high.flags.map((f) => f.companyId)).toEqual(["d"]);
  });

  it("a median of zero flags whoever is at least 5 points above it", () => {
    const figures = [company("a", 50, 0), company("b", 50, 0), company("c", 50, 0), company("d", 50, 2), company("e", 50, 3)];
    expect(flagReturnOutliers(figures).flags.map((f) => [f.companyId, f.rateBps])).toEqual([["e", 600]]);
  });

  it("judges only companies with enough sales, and nobody when too few peers have enough", () => {
    expect(RETURN_FLAG_RULE.minSales).toBe(20);
    // "x" returned every lead but sold only 19: neither judged nor a peer.
    const figures = [company("a", 20, 0), company("b", 20, 0), company("c", 20, 4), company("x", 19, 19)];
    const result = flagReturnOutliers(figures);
    expect(result.judged).toBe(3);
    expect(result.flags.map((f) => f.companyId)).toEqual(["c"]);
    expect(flagReturnOutliers(figures.slice(2)).flags).toEqual([]);
    // A rule of its own (the figures page and tests may pass one).
    expect(flagReturnOutliers(figures, { ...RETURN_FLAG_RULE, minSales: 1 }).flags.map((f) => f.companyId)).toEqual(["x", "c"]);
  });

  it("computes rates in basis points rounded down, and the median of an even count as the mean of the middle two", () => {
    expect(returnRateBps({ sales: 3, returns: 1 })).toBe(3_333);
    expect(returnRateBps({ sales: 0, returns: 0 })).toBe(0);
    expect(medianBps([100, 400, 200, 300])).toBe(250);
    expect(medianBps([])).toBe(0);
  });
});
