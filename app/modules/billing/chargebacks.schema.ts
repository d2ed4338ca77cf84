import { z } from "zod";
import { CHARGEBACK_STATUS_FILTERS } from "./chargebacks.constants";
export * from "./chargebacks.constants";

/** Stripe's dispute statuses that still wait for the bank. */
export const OPEN_DISPUTE_STATUSES = ["warning_needs_response", "warning_under_review", "needs_response", "under_review"] as const;

export const chargebackListQuerySchema = z.object({
  status: z.enum(CHARGEBACK_STATUS_FILTERS).catch("open"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

const text = z.string().trim().max(20_000, "Keep each field under 20,000 characters");

export const chargebackEvidenceFormSchema = z
  .object({
    product_description: text.default(""),
    customer_name: text.max(500, "Keep the name under 500 characters").default(""),
    customer_email_address: z.union([z.literal(""), z.email("Enter an email address")]).default(""),
    service_date: text.max(100, "Keep the date short, e.g. 2026-11-20").default(""),
    access_activity_log: text.default(""),
    customer_communication: text.default(""),
    uncategorized_text: text.default(""),
  })
  .refine((e) => Object.values(e).some((v) => v !== ""), { message: "Fill in at least one field of evidence", path: ["product_description"] });
export type ChargebackEvidence = z.infer<typeof chargebackEvidenceFormSchema>;

/** The admin's "resume the advertiser's orders" button once the bank has decided. */
export const chargebackResumeFormSchema = z.object({ intent: z.literal("resume") });
