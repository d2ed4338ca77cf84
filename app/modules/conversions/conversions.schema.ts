import { z } from "zod";
import { parseAmountToCents } from "~/utils/money";

// What an advertiser may report about a lead it bought on CPA or CPS terms, and the reason codes
// of every refusal. One schema for every way in: API, pixel, CSV rows, true-up rows, Stripe.

/** A CPA offer's billable event: `application`, `funded` ... and what the buyer pays for it. */
export const conversionEventSchema = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, "Event codes are lower-case letters, digits and _, e.g. funded"),
  label: z.string().trim().max(80).default(""),
  payoutCents: z.number().int().min(1, "An event pays at least 1 cent").max(100_000_000),
});
export const conversionEventsSchema = z.array(conversionEventSchema).max(20, "At most 20 events");
export type ConversionEventTerms = z.infer<typeof conversionEventSchema>;

/** The largest sale amount a report may carry: $10,000,000.00. Anything above is a typo or an attack. */
export const MAX_SALE_AMOUNT_CENTS = 1_000_000_000;

export const CONVERSION_REPORT_TYPES = ["conversion", "reversal", "amount_change"] as const;
export type ConversionReportType = (typeof CONVERSION_REPORT_TYPES)[number];

export const ADVERTISER_FIELDS = ["adv1", "adv2", "adv3", "adv4", "adv5"] as const;

/** Reason codes of refused reports, with their HTTP status (docs/api.md lists them). */
export const CONVERSION_REFUSALS = {
  invalid_fields: 422,
  unknown_lead: 404,
  lead_not_bought: 403,
  not_billed_on_conversions: 409,
  outside_attribution_window: 422,
  unknown_event: 422,
  currency_mismatch: 422,
  invalid_amount: 422,
  before_delivery: 422,
  occurred_in_future: 422,
  conversion_conflict: 409,
  unknown_conversion: 404,
  conversion_locked: 409,
  conversion_not_reversible: 409,
  reversal_exceeds_sale: 422,
  insufficient_balance: 409,
} as const;
export type ConversionRefusalCode = keyof typeof CONVERSION_REFUSALS;

/** One value, as text or a number (a form or query string sends text; JSON may send either). */
const singleValue = (whenMissing = "Required") =>
  z.union([z.string(), z.number()], {
    error: (issue) =>
      issue.input === undefined ? whenMissing : typeof issue.input === "number" ? "A number too large to read" : "Send a single value: text or a number",
  });

export const optionalText = (max: number) =>
  singleValue()
    .transform((v) => String(v).trim())
    .pipe(z.string().max(max, `At most ${max} characters`))
    .optional()
    .transform((v) => (v === "" ? undefined : v));

/** A decimal amount such as 125, 125.5 or 125.50 (a number or a string) in cents; "-5" is refused by name. */
export const amountSchema = singleValue()
  .transform((v, ctx) => {
    const text = String(v).trim();
    if (text === "") return undefined;
    if (/^-/.test(text)) {
      ctx.addIssue({ code: "custom", message: "The amount cannot be negative" });
      return z.NEVER;
    }
    const cents = parseAmountToCents(text);
    if (cents === null) {
      ctx.addIssue({ code: "custom", message: "Enter the amount in units with up to 2 decimals, e.g. 125.50" });
      return z.NEVER;
    }
    if (cents > MAX_SALE_AMOUNT_CENTS) {
      ctx.addIssue({ code: "custom", message: "The amount is larger than any sale Leadex accepts (10,000,000.00)" });
      return z.NEVER;
    }
    return cents;
  })
  .optional();

/** Whether year-month-day is a day of the calendar (JavaScript reads 2026-02-30 as March 2). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const dateSchema = singleValue()
  .transform((v, ctx) => {
    const text = String(v).trim();
    if (text === "") return undefined;
    // Unix seconds, or an ISO 8601 date or date-time.
    const iso = /^(\d{4})-(\d{2})-(\d{2})([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
    if (iso && !isCalendarDay(Number(iso[1]), Number(iso[2]), Number(iso[3]))) {
      ctx.addIssue({ code: "custom", message: `There is no day ${iso[1]}-${iso[2]}-${iso[3]}` });
      return z.NEVER;
    }
    // A date-time without an offset is UTC (never the server's own zone); a bare date is midnight UTC.
    const utc = iso && iso[4] && !iso[5] ? `${text.replace(" ", "T")}Z` : text;
    const date = /^\d{9,10}$/.test(text) ? new Date(Number(text) * 1000) : iso ? new Date(utc) : null;
    if (!date || Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: "custom", message: "Use an ISO 8601 date-time such as 2026-11-28T14:05:00Z, or Unix seconds" });
      return z.NEVER;
    }
    return date;
  })
  .optional();

/** A report as read from a postback record (JSON, form or query string). */
export const conversionReportSchema = z
  .object({
    type: z.enum(CONVERSION_REPORT_TYPES, { message: "type is conversion, reversal or amount_change" }).default("conversion"),
    conversion_id: singleValue("Send your conversion id")
      .transform((v) => String(v).trim())
      .pipe(z.string().min(1, "Send your conversion id").max(120, "At most 120 characters")),
    lead_id: optionalText(64),
    event: optionalText(40).transform((v) => v?.toLowerCase()),
    amount: amountSchema,
    currency: optionalText(3)
      .transform((v) => v?.toLowerCase())
      .pipe(
        z
          .string()
          .regex(/^[a-z]{3}$/, "Use a three-letter currency code such as USD")
          .optional(),
      ),
    occurred_at: dateSchema,
    reversal_id: optionalText(120),
    reason: optionalText(500),
    adv1: optionalText(200),
    adv2: optionalText(200),
    adv3: optionalText(200),
    adv4: optionalText(200),
    adv5: optionalText(200),
  })
  .superRefine((r, ctx) => {
    if (r.type === "conversion" && !r.lead_id) ctx.addIssue({ code: "custom", path: ["lead_id"], message: "Send the Leadex lead id the conversion is for" });
    if (r.type === "amount_change" && r.amount === undefined) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: "Send the corrected sale amount" });
    }
  });
export type ConversionReport = z.output<typeof conversionReportSchema>;

/** The fields of a report that make it "the same report" (compared when the same id comes again). */
export interface ReportedConversion {
  lead_id: string;
  event: string | null;
  amount_cents: number | null;
  currency: string;
  occurred_at: string;
  adv: Record<string, string>;
}

export const conversionFraudFormSchema = z.object({
  conversionId: z.string().min(1, "Choose a conversion"),
  reason: z.string().trim().min(3, "Say why, in a few words").max(500, "At most 500 characters"),
});

/** The Conversion tracking page's "Generate a pixel token" button (a new one stops the old at once). */
export const pixelTokenFormSchema = z.object({ intent: z.literal("pixel-token") });
