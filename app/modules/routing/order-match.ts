import { orderFiltersSchema } from "~/modules/orders/orders.schema";

/** Why an order's filters refuse a lead, or null when they accept it. */
export function filterMismatch(filtersJson: unknown, lead: { state: string | null; postalCode: string | null }): string | null {
  const filters = orderFiltersSchema.parse(filtersJson ?? {});
  if (filters.states.length > 0 && !(lead.state && filters.states.includes(lead.state))) {
    return `state ${lead.state ?? "(none)"} not in ${filters.states.join(", ")}`;
  }
  if (
    filters.postalCodePrefixes.length > 0 &&
    !(lead.postalCode && filters.postalCodePrefixes.some((p) => lead.postalCode!.startsWith(p)))
  ) {
    return `postal code ${lead.postalCode ?? "(none)"} does not start with ${filters.postalCodePrefixes.join(", ")}`;
  }
  return null;
}
