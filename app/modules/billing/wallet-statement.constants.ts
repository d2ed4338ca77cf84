/** What a line of the statement was, as the advertiser filters by it. */
export const STATEMENT_KINDS = ["leads", "conversions", "returns", "top-ups", "other"] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export const STATEMENT_KIND_LABELS: Record<StatementKind, string> = {
  leads: "Leads bought",
  conversions: "Actions and sales",
  returns: "Returns and reversals",
  "top-ups": "Top-ups",
  other: "Other (refunds, chargebacks, corrections)",
};
