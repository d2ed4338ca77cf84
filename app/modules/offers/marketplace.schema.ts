import { z } from "zod";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { MARKETPLACE_SORTS, PRICING_MODELS } from "./marketplace.constants";
export * from "./marketplace.constants";

// The marketplace's search, filters and sort, kept in the URL (a GET form): what an advertiser
// looks for and how the offers are ordered. Unknown values fall back rather than fail the page.

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
