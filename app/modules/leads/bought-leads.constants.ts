// The leads list's sorts and the filter as a query string: zod-free, so the page can use them in the browser.
import type { BoughtLeadFilter } from "./bought-leads.schema";

export const BOUGHT_LEAD_SORTS = ["newest", "oldest"] as const;
export const BOUGHT_LEAD_SORT_LABELS: Record<(typeof BOUGHT_LEAD_SORTS)[number], string> = { newest: "Newest first", oldest: "Oldest first" };

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
