import type { InquiryReasonCode } from "./disputes.constants";

/** How long after a conversion an affiliate may still ask about it. */
export const INQUIRY_WINDOW_DAYS = 90;

export const INQUIRY_REASON_LABELS: Record<InquiryReasonCode, string> = {
  missing: "Conversion not tracked",
  wrong_amount: "Tracked with the wrong amount",
  wrongly_rejected: "Wrongly rejected",
};

/** The columns of an inquiries CSV, in the template's order. */
export const INQUIRY_CSV_COLUMNS = [
  "lead_id",
  "reason",
  "order_ref",
  "conversion_id",
  "event",
  "amount",
  "occurred_at",
  "expected_payout",
  "note",
  "evidence_url",
  "evidence_text",
] as const;
export const MAX_INQUIRY_CSV_ROWS = 500;
