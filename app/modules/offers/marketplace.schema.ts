import { z } from "zod";
import { whyTextIsUnstorable } from "~/utils/storable-text";

// The marketplace's search, filters and sort, kept in the URL (a GET form): what an advertiser
// looks for and how the offers are ordered. Unknown values fall back rather than fail the page.

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

const text = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => whyTextIsUnstorable(v) === null);

export const marketplaceQuerySchema = z.object({
  q: text.optional().catch(undefined),
  vertical: text.optional().catch(undefined),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/)
    .optional()
    .catch(undefined),
  model: z.enum(PRICING_MODELS).optional().catch(undefined),
  sort: z.enum(MARKETPLACE_SORTS).default("newest").catch("newest"),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});
export type MarketplaceQuery = z.output<typeof marketplaceQuerySchema>;

export function readMarketplaceQuery(params: URLSearchParams): MarketplaceQuery {
  return marketplaceQuerySchema.parse(Object.fromEntries([...params].filter(([, v]) => v !== "")));
}

export function isMarketplaceFiltered(query: MarketplaceQuery): boolean {
  return Boolean(query.q || query.vertical || query.state || query.model);
}
