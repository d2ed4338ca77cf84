export const VERTICALS = ["insurance", "auto", "education", "finance", "travel", "home-services", "health", "legal", "solar"] as const;
export const LEAD_FIELD_TYPES = ["string", "email", "phone", "postal_code", "state", "number", "enum", "boolean", "date"] as const;
export type LeadFieldType = (typeof LEAD_FIELD_TYPES)[number];
export const OFFER_STATUSES = ["ACTIVE", "PAUSED", "ARCHIVED"] as const;
export const DISTRIBUTIONS = ["BEST_PRICE", "PRIORITY", "WEIGHTED", "ROUND_ROBIN"] as const;
/** Phone line types an offer may restrict to (libphonenumber-js `getType()` names). */
export const PHONE_TYPES = ["MOBILE", "FIXED_LINE", "VOIP", "TOLL_FREE", "PERSONAL_NUMBER"] as const;

/** Fields most offers carry; an offer picks which it requires. */
export const STANDARD_FIELDS: ReadonlyArray<{ name: string; type: LeadFieldType; label: string }> = [
  { name: "first_name", type: "string", label: "First name" },
  { name: "last_name", type: "string", label: "Last name" },
  { name: "email", type: "email", label: "Email" },
  { name: "phone", type: "phone", label: "Phone" },
  { name: "state", type: "state", label: "State" },
  { name: "postal_code", type: "postal_code", label: "Postal code" },
];

export const MAX_STRING_LENGTH = 500;

/** How many custom field rows the offer form shows (a form without JavaScript cannot add rows). */
export const CUSTOM_FIELD_ROWS = 4;

/**
 * Rows of a repeated group the form carries: at least `min`, more when the form says so in its
 * hidden `<group>Rows` input (an edited offer with more custom fields or events than the blank form shows).
 */
export function formRowCount(get: (name: string) => string | undefined, group: "custom" | "event", min: number): number {
  const asked = Number(get(`${group}Rows`) ?? "");
  return Number.isInteger(asked) ? Math.min(Math.max(asked, min), 40) : min;
}

/** How many billable event rows the offer form shows (CPA). */
export const CONVERSION_EVENT_ROWS = 4;

const EVENT_ROW_INPUTS = ["code", "label", "payout"] as const;

/** Whether event row `i` of the form (event_<i>_code, _label, _payout) was filled in at all. */
export function eventRowFilled(get: (name: string) => string, i: number): boolean {
  return EVENT_ROW_INPUTS.some((input) => get(`event_${i}_${input}`) !== "");
}

/**
 * Where each event row of the form sits in the schema's `conversionEvents` (empty rows are left
 * out, so the third row may be event 1): null for an empty row. Lets errors show next to their row.
 */
export function eventRowIndexes(values: Record<string, string> | undefined): Array<number | null> {
  const get = (name: string) => (values?.[name] ?? "").trim();
  let next = 0;
  return Array.from({ length: formRowCount((name) => values?.[name], "event", CONVERSION_EVENT_ROWS) }, (_, i) => (eventRowFilled(get, i) ? next++ : null));
}
