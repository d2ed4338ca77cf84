import { z } from "zod";
import { CONVERSION_STATUSES } from "./conversion-list.constants";
export * from "./conversion-list.constants";

// The advertiser's conversions page: its filters (kept in the URL) and its forms (decide, correct).

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()));

/** An empty or unknown filter value shows every conversion rather than an error. */
export const conversionListFilterSchema = z.object({
  status: z.enum(CONVERSION_STATUSES).optional().catch(undefined),
  offerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
  /** Occurred on or after this day (UTC). */
  from: day.optional().catch(undefined),
  /** Occurred on or before this day (UTC). */
  to: day.optional().catch(undefined),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional()
    .catch(undefined),
});
export type ConversionListFilter = z.infer<typeof conversionListFilterSchema>;

export const CONVERSION_FORM_INTENTS = ["approve", "reject", "reversal", "amount_change"] as const;

const conversionIdField = z.string({ message: "Choose a conversion" }).trim().min(1, "Choose a conversion").max(64);
const reasonField = z.string().trim().max(500, "At most 500 characters").default("");

/** Approve or reject (with a reason) from the list or the conversion's page. */
export const conversionDecisionFormSchema = z
  .object({
    intent: z.enum(["approve", "reject"], { message: "Choose approve or reject" }),
    conversionId: conversionIdField,
    reason: reasonField,
  })
  .superRefine((v, ctx) => {
    if (v.intent === "reject" && v.reason === "") ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why you reject this conversion" });
  });

/** A reversal (whole, or part of a sale) or a new sale amount, sent as the conversion API would. */
export const conversionCorrectionFormSchema = z
  .object({
    intent: z.enum(["reversal", "amount_change"]),
    conversionId: conversionIdField,
    amount: z.string().trim().max(20, "At most 20 characters").default(""),
    reason: reasonField,
    reversalId: z.string().trim().max(120, "At most 120 characters").default(""),
  })
  .superRefine((v, ctx) => {
    if (v.intent === "amount_change" && v.amount === "") ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter the corrected sale amount" });
  });
