/** Why an advertiser may return a lead: each is a fact about the lead, not about the buyer's luck with it. */
export const RETURN_REASON_CODES = [
  "invalid_phone",
  "wrong_person",
  "duplicate",
  "fake_or_fraud",
  "out_of_geo",
  "did_not_request",
  "no_consent",
  "under_age",
] as const;
export type ReturnReasonCode = (typeof RETURN_REASON_CODES)[number];

export const RETURN_REASON_LABELS: Record<ReturnReasonCode, string> = {
  invalid_phone: "Invalid or disconnected phone",
  wrong_person: "Wrong person",
  duplicate: "Duplicate",
  fake_or_fraud: "Fake or fraud",
  out_of_geo: "Out of geo",
  did_not_request: "Did not request contact",
  no_consent: "No consent",
  under_age: "Under age",
};

/** Outcomes of working a lead, not defects of it: asked for, refused with this explanation. */
export const NOT_RETURNABLE_REASONS: Record<string, string> = {
  did_not_convert:
    "A lead that did not convert is not a bad lead: returns are for leads that are invalid, duplicated, fraudulent, out of your filters or without consent.",
  not_interested:
    "A person who is not interested is a real lead that did not convert: returns are for leads that are invalid, duplicated, fraudulent, out of your filters or without consent.",
};

/** Why an advertiser may dispute a conversion it already approved (a sale refunded after the lock, say). */
export const CONVERSION_DISPUTE_REASON_CODES = ["refunded", "chargeback", "cancelled", "duplicate_conversion", "fraud", "wrong_amount"] as const;
export type ConversionDisputeReasonCode = (typeof CONVERSION_DISPUTE_REASON_CODES)[number];

/** What an affiliate's missing-conversion inquiry claims. */
export const INQUIRY_REASON_CODES = ["missing", "wrong_amount", "wrongly_rejected"] as const;
export type InquiryReasonCode = (typeof INQUIRY_REASON_CODES)[number];

export const DISPUTE_KINDS = ["LEAD_RETURN", "CONVERSION_INQUIRY", "CONVERSION_DISPUTE"] as const;
export const DISPUTE_STATUSES = ["AWAITING_RESPONSE", "IN_REVIEW", "APPROVED", "DENIED", "WITHDRAWN"] as const;
export type DisputeKindValue = (typeof DISPUTE_KINDS)[number];
export type DisputeStatusValue = (typeof DISPUTE_STATUSES)[number];

export const DISPUTE_KIND_LABELS: Record<DisputeKindValue, string> = {
  LEAD_RETURN: "Lead return",
  CONVERSION_INQUIRY: "Missing conversion inquiry",
  CONVERSION_DISPUTE: "Conversion dispute",
};

export const DISPUTE_STATUS_LABELS: Record<DisputeStatusValue, string> = {
  AWAITING_RESPONSE: "Awaiting response",
  IN_REVIEW: "In admin review",
  APPROVED: "Approved",
  DENIED: "Denied",
  WITHDRAWN: "Withdrawn",
};

/** The largest evidence file we keep (call logs, screenshots, recordings). */
export const EVIDENCE_FILE_MAX_BYTES = 5 * 1024 * 1024;
export const EVIDENCE_CONTENT_TYPES = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "text/plain",
  "text/csv",
  "audio/mpeg",
  "audio/wav",
  "audio/x-wav",
  "audio/mp4",
] as const;
