/** The columns of a true-up CSV, in the template's order. `conversion_id` is required. */
export const TRUE_UP_COLUMNS = ["conversion_id", "lead_id", "event", "amount", "currency", "occurred_at"] as const;
export type TrueUpColumn = (typeof TRUE_UP_COLUMNS)[number];
