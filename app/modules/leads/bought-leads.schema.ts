import { z } from "zod";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { TEMPERATURES } from "~/modules/quality/quality.schema";

// The advertiser's leads list: what it is filtered, searched and sorted by, kept in the URL (GET
// form), and read the same by the page and its CSV export so the file holds what the table shows.

export const BOUGHT_LEAD_SORTS = ["newest", "oldest"] as const;
export const BOUGHT_LEAD_SORT_LABELS: Record<(typeof BOUGHT_LEAD_SORTS)[number], string> = { newest: "Newest first", oldest: "Oldest first" };

/** Text a filter may carry: printable, short (a control character never reaches the database). */
const searchText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => whyTextIsUnstorable(v) === null);

// An empty or unknown value shows every bought lead rather than an error.
export const boughtLeadFilterSchema = z.object({
  q: searchText.optional().catch(undefined),
  temperature: z.enum(TEMPERATURES).optional().catch(undefined),
  minScore: z.coerce.number().int().min(0).max(100).optional().catch(undefined),
  orderId: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional()
    .catch(undefined),
  contacted: z.enum(["yes", "no"]).optional().catch(undefined),
  sort: z.enum(BOUGHT_LEAD_SORTS).default("newest").catch("newest"),
});
export type BoughtLeadFilter = z.output<typeof boughtLeadFilterSchema>;

/** The filter in the URL's search params (empty values are "any"). */
export function readBoughtLeadFilter(params: URLSearchParams): BoughtLeadFilter {
  return boughtLeadFilterSchema.parse(Object.fromEntries([...params].filter(([key, v]) => v !== "" && key !== "cursor")));
}

/** The filter as a query string ("?q=ada&sort=oldest"), for the CSV link and the next page. */
export function boughtLeadFilterQuery(filter: BoughtLeadFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || (key === "sort" && value === "newest")) continue;
    params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function isFiltered(filter: BoughtLeadFilter): boolean {
  return Object.entries(filter).some(([key, value]) => key !== "sort" && value !== undefined);
}

/** Bulk "mark contacted" on the leads list: the ticked leads. */
export const markContactedFormSchema = z.object({
  lead_id: z
    .array(z.string().regex(/^[\w-]{1,64}$/, "Select leads from the list"))
    .min(1, "Select the leads you contacted")
    .max(200),
});
