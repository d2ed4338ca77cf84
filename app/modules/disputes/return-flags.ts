// Who returns (or is returned) far more than its peers. One rule for buyers (approved returns of
// the CPL leads they bought in 30 days) and sellers (approved returns of the CPL leads of theirs
// sold in 30 days), so the admin console flags both the same way. Pure: the figures come from
// admin-disputes.server.ts, the test gives them by hand.

export const RETURN_FLAG_RULE = {
  /** A company is judged, and counts as a peer, only with at least this many CPL sales in the window. */
  minSales: 20,
  /** Fewer judged companies than this on a side: no median worth comparing to, nobody is flagged. */
  minPeers: 3,
  /** Flagged at this multiple of the peers' median rate or more… */
  minTimesMedian: 2,
  /** …and at least this many basis points above it (5 percentage points), so a tiny median does not flag noise. */
  minBpsAboveMedian: 500,
} as const;
export type ReturnFlagRule = { [K in keyof typeof RETURN_FLAG_RULE]: number };

export interface ReturnFigures {
  companyId: string;
  /** CPL sales in the window. */
  sales: number;
  /** Approved returns of those sales. */
  returns: number;
}

export interface ReturnFlag extends ReturnFigures {
  rateBps: number;
  medianBps: number;
}

/** Approved returns over sales in basis points, rounded down (as the stored Company.returnRateBps is). */
export const returnRateBps = (f: Pick<ReturnFigures, "sales" | "returns">): number => (f.sales === 0 ? 0 : Math.floor((10_000 * f.returns) / f.sales));

/** The median of the rates (the mean of the two middle ones for an even count). */
export function medianBps(rates: readonly number[]): number {
  if (rates.length === 0) return 0;
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * The companies of one side whose approved-return rate is far above their peers': with at least
 * `minSales` sales, a rate of at least `minTimesMedian` × the median of every company with at least
 * `minSales` sales (itself included), and at least `minBpsAboveMedian` above that median. Highest rate first.
 */
export function flagReturnOutliers(
  figures: readonly ReturnFigures[],
  rule: ReturnFlagRule = RETURN_FLAG_RULE,
): { medianBps: number; judged: number; flags: ReturnFlag[] } {
  const judged = figures.filter((f) => f.sales >= rule.minSales).map((f) => ({ ...f, rateBps: returnRateBps(f) }));
  const median = medianBps(judged.map((f) => f.rateBps));
  if (judged.length < rule.minPeers) return { medianBps: median, judged: judged.length, flags: [] };
  const flags = judged
    .filter((f) => f.rateBps >= rule.minTimesMedian * median && f.rateBps >= median + rule.minBpsAboveMedian)
    .map((f) => ({ ...f, medianBps: median }))
    .sort((a, b) => b.rateBps - a.rateBps || b.sales - a.sales);
  return { medianBps: median, judged: judged.length, flags };
}
