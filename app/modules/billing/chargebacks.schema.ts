import { z } from "zod";

/** Stripe's dispute statuses that still wait for the bank. */
export const OPEN_DISPUTE_STATUSES = ["warning_needs_response", "warning_under_review", "needs_response", "under_review"] as const;
export const CHARGEBACK_STATUS_FILTERS = ["open", "needs_response", "under_review", "won", "lost", "all"] as const;
export type ChargebackStatusFilter = (typeof CHARGEBACK_STATUS_FILTERS)[number];

export const chargebackListQuerySchema = z.object({
  status: z.enum(CHARGEBACK_STATUS_FILTERS).catch("open"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

/** The evidence fields the admin's form sends to Stripe (text only; Stripe takes these as they are). */
export const CHARGEBACK_EVIDENCE_FIELDS = {
  product_description: "What the advertiser bought (the service)",
  customer_name: "Customer name",
  customer_email_address: "Customer email address",
  service_date: "Date the service was provided",
  access_activity_log: "Activity log (leads delivered, logins)",
  customer_communication: "Communication with the customer",
  uncategorized_text: "Anything else",
} as const;
export type ChargebackEvidenceField = keyof typeof CHARGEBACK_EVIDENCE_FIELDS;

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
