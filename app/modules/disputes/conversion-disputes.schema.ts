import { z } from "zod";
import { amountSchema, dateSchema, optionalText } from "~/modules/conversions/conversions.schema";
import {
  CONVERSION_DISPUTE_REASON_CODES,
  DISPUTE_KINDS,
  DISPUTE_STATUSES,
  INQUIRY_REASON_CODES,
  evidenceSchema,
  type ConversionDisputeReasonCode,
} from "./disputes.schema";
import { INQUIRY_CSV_COLUMNS } from "./conversion-disputes.constants";
export * from "./conversion-disputes.constants";

// The conversion side of disputes: an affiliate's missing conversion inquiry and an advertiser's
// dispute of a conversion it approved. The inputs (API, portal form, CSV row) and the claim each
// stores (Dispute.claim), read back through one typed helper each. Safe on both sides.

export const CONVERSION_DISPUTE_REASON_LABELS: Record<ConversionDisputeReasonCode, string> = {
  refunded: "Sale refunded",
  chargeback: "Chargeback",
  cancelled: "Order cancelled",
  duplicate_conversion: "Duplicate conversion",
  fraud: "Fraud",
  wrong_amount: "Wrong amount",
};

const reasonOf = <Codes extends readonly [string, ...string[]]>(codes: Codes) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? "Required" : "Send one reason code as text") })
    .trim()
    .toLowerCase()
    .pipe(z.enum(codes, { message: `Use one of ${codes.join(", ")}` }));

/** An affiliate's inquiry about one conversion (API, portal form, one CSV row). */
export const inquiryRequestSchema = evidenceSchema.extend({
  lead_id: optionalText(64).pipe(z.string({ error: "Send the Leadex lead id" })),
  reason: reasonOf(INQUIRY_REASON_CODES),
  /** The advertiser's order id, when the affiliate knows it. */
  order_ref: optionalText(120),
  /** The conversion a wrong_amount or wrongly_rejected inquiry is about: Leadex's id or the advertiser's. */
  conversion_id: optionalText(120),
  event: optionalText(40).transform((v) => v?.toLowerCase()),
  amount: amountSchema,
  occurred_at: dateSchema,
  expected_payout: amountSchema,
  note: optionalText(2000),
});
export type InquiryRequest = z.output<typeof inquiryRequestSchema>;

/** The inquiries upload: a CSV file or pasted rows, read by `openInquiriesFromCsv`. */
export const inquiryCsvFormSchema = z.object({ intent: z.literal("csv") });

/** An advertiser's dispute of one of its approved or locked conversions. */
export const conversionDisputeRequestSchema = evidenceSchema.extend({
  conversion_id: optionalText(120).pipe(z.string({ error: "Send the conversion id (yours or Leadex's)" })),
  reason: reasonOf(CONVERSION_DISPUTE_REASON_CODES),
  /** CPS: the part of the sale refunded; left out, the whole conversion is disputed. */
  amount: amountSchema,
  note: optionalText(2000),
});
export type ConversionDisputeRequest = z.output<typeof conversionDisputeRequestSchema>;

export const inquiryClaimSchema = z.object({
  order_ref: z.string().nullable(),
  conversion_id: z.string().nullable(),
  event: z.string().nullable(),
  sale_amount_cents: z.number().int().nullable(),
  occurred_at: z.string(),
  expected_payout_cents: z.number().int().nullable(),
  currency: z.string(),
});
export type InquiryClaim = z.infer<typeof inquiryClaimSchema>;

export const conversionDisputeClaimSchema = z.object({
  conversion_external_id: z.string(),
  refunded_amount_cents: z.number().int().nullable(),
  payout_cents: z.number().int(),
  currency: z.string(),
});
export type ConversionDisputeClaim = z.infer<typeof conversionDisputeClaimSchema>;

export const readInquiryClaim = (claim: unknown): InquiryClaim => inquiryClaimSchema.parse(claim);
export const readConversionDisputeClaim = (claim: unknown): ConversionDisputeClaim => conversionDisputeClaimSchema.parse(claim);

export const INQUIRY_CSV_TEMPLATE =
  [INQUIRY_CSV_COLUMNS.join(","), "LEADEX_LEAD_ID,missing,order-2001,,,125.50,2026-11-20T14:05:00Z,12.55,Confirmation email on file,,"].join("\r\n") + "\r\n";

export interface InquiryCsvRowResult {
  rowNumber: number;
  outcome: "accepted" | "refused";
  code: string;
  message: string;
  leadId: string | null;
  disputeId: string | null;
}
export type InquiryCsvResult = { ok: true; rows: InquiryCsvRowResult[] } | { ok: false; message: string };

/** A party's list of disputes, as the URL (portal) or query string (API) says. */
export const partyDisputeFilterSchema = z.object({
  status: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(DISPUTE_STATUSES, { message: `One of ${DISPUTE_STATUSES.map((s) => s.toLowerCase()).join(", ")}` }))
    .optional()
    .catch(undefined),
  kind: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(DISPUTE_KINDS, { message: `One of ${DISPUTE_KINDS.map((s) => s.toLowerCase()).join(", ")}` }))
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  cursor: z.string().trim().max(200).optional(),
});
export type PartyDisputeFilter = z.output<typeof partyDisputeFilterSchema>;

/** The filter from a query string; empty values are no filter. */
export function partyDisputeFilterOf(query: URLSearchParams): PartyDisputeFilter {
  return partyDisputeFilterSchema.parse({
    status: query.get("status") || undefined,
    kind: query.get("kind") || undefined,
    page: query.get("page") || undefined,
    cursor: query.get("cursor") || undefined,
  });
}
