// The marketplace's sorts and models: zod-free, so the page can use them in the browser.
import type { MarketplaceQuery } from "./marketplace.schema";

export const MARKETPLACE_SORTS = ["newest", "price_desc", "price_asc", "volume", "acceptance", "returns"] as const;
export type MarketplaceSort = (typeof MARKETPLACE_SORTS)[number];
export const MARKETPLACE_SORT_LABELS: Record<MarketplaceSort, string> = {
  newest: "Newest",
  price_desc: "Price: highest first",
  price_asc: "Price: lowest first",
  volume: "Volume (leads, 30 days)",
  acceptance: "Acceptance rate",
  returns: "Return rate: lowest first",
};

export const PRICING_MODELS = ["CPL", "CPA", "CPS"] as const;

export function isMarketplaceFiltered(query: MarketplaceQuery): boolean {
  return Boolean(query.q || query.vertical || query.state || query.model);
}
