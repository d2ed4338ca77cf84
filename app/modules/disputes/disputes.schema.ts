import { z } from "zod";

// Returns and disputes: the words (reason codes, responses, decisions) and the shapes of every
// input, shared by the API, the portal forms and the domain. Safe on both sides (no server code).

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

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => (v === "" ? undefined : v));

const httpUrl = z
  .string()
  .trim()
  .max(2000, "At most 2000 characters")
  .optional()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), "Must be an http(s) URL");

/** A file sent as evidence, already read (the route reads the multipart part). */
export const evidenceFileSchema = z.object({
  name: z.string().trim().min(1).max(200),
  contentType: z.enum(EVIDENCE_CONTENT_TYPES, { message: `Evidence files may be PDF, an image, text, CSV or audio` }),
  bytes: z
    .instanceof(Uint8Array)
    .refine((b) => b.byteLength <= EVIDENCE_FILE_MAX_BYTES, `Evidence files are at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB`),
});
export type EvidenceFile = z.infer<typeof evidenceFileSchema>;

/** Evidence either side adds: text, a URL, a file; any of them, or none. */
export const evidenceSchema = z.object({
  evidence_text: optionalText(5000),
  evidence_url: httpUrl,
  evidence_file: evidenceFileSchema.optional(),
});
export type EvidenceInput = z.infer<typeof evidenceSchema>;

/** An advertiser's request to return one lead (API, portal form, one CSV row). */
export const returnRequestSchema = evidenceSchema.extend({
  lead_id: z.string().trim().min(1, "Required").max(100),
  reason: z
    .string()
    .trim()
    .min(1, "Required")
    .transform((v) => v.toLowerCase()),
  note: optionalText(2000),
});
export type ReturnRequestInput = z.infer<typeof returnRequestSchema>;

/** What an admin may override when returning on a buyer's behalf; each needs the reason it was done. */
export const returnOverridesSchema = z.object({
  window: optionalText(500),
  cap: optionalText(500),
});
export type ReturnOverrides = Partial<z.infer<typeof returnOverridesSchema>>;

/** The other side's answer: accept or contest (returns, conversion disputes); confirm or decline (inquiries). */
export const disputeResponseSchema = evidenceSchema.extend({
  response: z.enum(["accept", "contest", "confirm", "decline"], { message: "Choose accept or contest (confirm or decline for an inquiry)" }),
  note: optionalText(2000),
});
export type DisputeResponseInput = z.infer<typeof disputeResponseSchema>;

/** An admin's final decision on a dispute in review. */
export const disputeDecisionSchema = evidenceSchema.extend({
  decision: z.enum(["approve", "approve_at_platform_cost", "deny"], { message: "Choose approve, approve at the platform's cost, or deny" }),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(2000, "At most 2000 characters"),
});
export type DisputeDecisionInput = z.infer<typeof disputeDecisionSchema>;

/** What the platform could tell by itself when a return was asked (stored as Dispute.finding). */
export const findingSchema = z.object({
  verdict: z.enum(["proven", "contradicted", "unknown"]),
  summary: z.string(),
  facts: z.array(z.string()),
});
export type Finding = z.infer<typeof findingSchema>;

/** Dispute.finding through its schema (null when the platform wrote none). */
export function readFinding(value: unknown): Finding | null {
  const parsed = findingSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
