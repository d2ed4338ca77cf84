/** The most returns one API call or one CSV upload may ask (the rest would be refused as a whole). */
export const MAX_RETURNS_AT_ONCE = 500;
/** The columns of a returns CSV upload; only lead_id and reason are required. */
export const RETURN_CSV_COLUMNS = ["lead_id", "reason", "note", "evidence_url"] as const;
