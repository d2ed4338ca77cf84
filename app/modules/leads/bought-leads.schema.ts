import { z } from "zod";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import { BOUGHT_LEAD_SORTS } from "./bought-leads.constants";
export * from "./bought-leads.constants";

// The advertiser's leads list: what it is filtered, searched and sorted by, kept in the URL (GET
// form), and read the same by the page and its CSV export so the file holds what the table shows.

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

/** Bulk "mark contacted" on the leads list: the ticked leads. */
export const markContactedFormSchema = z.object({
  lead_id: z
    .array(z.string().regex(/^[\w-]{1,64}$/, "Select leads from the list"))
    .min(1, "Select the leads you contacted")
    .max(200),
});

/** Bulk "Return selected" on the leads list: the ticked leads, and one reason and note for all of them. */
export const returnSelectedFormSchema = z.object({
  // Each id is checked by the return itself, whose result the page lists per lead.
  lead_id: z.array(z.string()).min(1, "Select the leads to return"),
  reason: z.string().trim().toLowerCase().min(1, "Choose a reason"),
  note: z.string().optional(),
});
