// Shared words of routing, usable on both sides (marketplace pages, the routing module).

export const DISTRIBUTIONS = ["BEST_PRICE", "PRIORITY", "WEIGHTED", "ROUND_ROBIN"] as const;
export type DistributionValue = (typeof DISTRIBUTIONS)[number];

export const DISTRIBUTION_LABELS: Record<DistributionValue, string> = {
  BEST_PRICE: "best price",
  PRIORITY: "priority",
  WEIGHTED: "weighted",
  ROUND_ROBIN: "round-robin",
};

/** How an offer shares out its leads, as buyers read it. */
export const DISTRIBUTION_DESCRIPTIONS: Record<DistributionValue, string> = {
  BEST_PRICE: "The highest bid",
  PRIORITY: "The highest priority, then the highest bid",
  WEIGHTED: "Buyers in proportion to their weight",
  ROUND_ROBIN: "Each buyer in turn",
};
