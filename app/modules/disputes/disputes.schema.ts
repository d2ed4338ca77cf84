import { z } from "zod";
import { EVIDENCE_FILE_MAX_BYTES, EVIDENCE_CONTENT_TYPES } from "./disputes.constants";
export * from "./disputes.constants";

// Returns and disputes: the shapes of every input, shared by the API, the portal forms and the
// domain. The words (reason codes, labels) are in disputes.constants.ts, which pages import
// without bringing Zod into the browser.

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

/** The opener withdraws its own inquiry. */
export const disputeWithdrawFormSchema = z.object({ intent: z.literal("withdraw") });

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
