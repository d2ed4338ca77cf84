import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";
import { INVOICE_COLLECTIONS } from "./postpaid.constants";
export * from "./postpaid.constants";

// Postpaid advertisers: the admin's terms form, and an invoice's lines as stored in AdvertiserInvoice.lines.

export const MAX_CREDIT_LIMIT_CENTS = 100_000_000;

/** The admin's postpaid terms: a credit limit (0 ends postpaid), how invoices are collected, and days to pay a sent one. */
export const postpaidTermsFormSchema = z.object({
  creditLimit: z.string().transform((v, ctx) => {
    const cents = parseAmountToCents(v);
    if (cents === null || cents > MAX_CREDIT_LIMIT_CENTS) {
      ctx.addIssue({ code: "custom", message: "Enter a credit limit between 0 (prepaid) and 1,000,000, e.g. 5000.00" });
      return z.NEVER;
    }
    return cents;
  }),
  collection: z.enum(INVOICE_COLLECTIONS, { error: "Choose how invoices are collected" }),
  daysUntilDue: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === "") return null;
      if (!/^\d{1,3}$/.test(v) || Number(v) > 365) {
        ctx.addIssue({ code: "custom", message: "Enter the days to pay, 0 to 365, or leave it empty for the default" });
        return z.NEVER;
      }
      return Number(v);
    }),
});
export type PostpaidTerms = z.infer<typeof postpaidTermsFormSchema>;

export const PRICING_MODELS = ["CPL", "CPA", "CPS"] as const;

/** One line of an invoice: what one offer's sales on one pricing model took from the wallet in the period. */
export const invoiceLineSchema = z.object({
  /** Null for corrections Leadex could not tie to an offer (shown as one "Other" line). */
  offerId: z.string().nullable(),
  offerName: z.string(),
  pricingModel: z.enum(PRICING_MODELS).nullable(),
  /** Leads bought (CPL), actions (CPA) or sales (CPS) billed in the period. */
  count: z.number().int(),
  /** What those charges took from the wallet. */
  chargedCents: z.number().int(),
  /** Returns, reversals and corrections posted in the period (negative: credited back). */
  adjustmentsCents: z.number().int(),
  /** The unit price when every charge had the same price (count × price), else null. */
  unitPriceCents: z.number().int().nullable(),
  /** chargedCents + adjustmentsCents: the line's amount on the invoice. */
  amountCents: z.number().int(),
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;
export const invoiceLinesSchema = z.array(invoiceLineSchema);

export const INVOICE_STATUS_NOTES: Record<string, string> = {
  DRAFT: "Being issued on Stripe",
  OPEN: "Issued: waiting for payment",
  PAID: "Paid: credited to your wallet",
  VOID: "Voided",
  UNCOLLECTIBLE: "Marked uncollectible",
};
