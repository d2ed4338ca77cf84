import { z } from "zod";
import { conversionReportSchema } from "~/modules/conversions/conversions.schema";
export * from "./true-up.constants";

// A true-up: an advertiser's own list of its conversions for a period, matched against what
// Leadex recorded. The row fields are the conversion API's (docs/api.md, "True-ups"), read by the
// same field schemas, so a list is judged exactly as the reports it stands for.

/** The most rows one list may hold, and the largest body or file (a 200,000-row CSV is about 16 MB). */
export const MAX_TRUE_UP_ROWS = 200_000;
export const MAX_TRUE_UP_BYTES = 32 * 1024 * 1024;
/** The longest period one list may cover. */
export const MAX_TRUE_UP_PERIOD_DAYS = 366;

const report = conversionReportSchema.shape;

/** One row of the advertiser's list, as the conversion API reads the same fields. */
export const trueUpRowSchema = z.object({
  conversion_id: report.conversion_id,
  lead_id: report.lead_id,
  event: report.event,
  amount: report.amount,
  currency: report.currency,
  occurred_at: report.occurred_at,
});
export type TrueUpRowInput = z.output<typeof trueUpRowSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A period bound: a date (2026-11-01) or a date-time with a zone. */
const periodBound = z.union([z.string(), z.date()]).transform((v, ctx) => {
  if (v instanceof Date) return { at: v, dateOnly: false };
  const text = v.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = dateOnly ? new Date(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(text) ? new Date(text) : null;
  if (!at || Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: "Use a date such as 2026-11-01 (or a date-time with a zone such as 2026-11-01T00:00:00Z)" });
    return z.NEVER;
  }
  return { at, dateOnly };
});

/**
 * The period a list covers: from the start (inclusive) to the end. An end given as a date
 * includes that whole day (2026-11-01 to 2026-11-30 is November); stored as the instant it ends.
 */
export const trueUpPeriodSchema = z
  .object({
    period_start: periodBound,
    period_end: periodBound,
    reference: z
      .string()
      .trim()
      .max(120, "At most 120 characters")
      .regex(/^[\w.:/-]*$/, "Letters, digits and . _ : / - only")
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .transform((v) => ({
    periodStart: v.period_start.at,
    periodEnd: v.period_end.dateOnly ? new Date(v.period_end.at.getTime() + DAY_MS) : v.period_end.at,
    reference: v.reference,
  }))
  .superRefine((v, ctx) => {
    if (v.periodEnd <= v.periodStart) ctx.addIssue({ code: "custom", path: ["period_end"], message: "The period ends after it starts" });
    else if (v.periodEnd.getTime() - v.periodStart.getTime() > MAX_TRUE_UP_PERIOD_DAYS * DAY_MS) {
      ctx.addIssue({ code: "custom", path: ["period_end"], message: `A true-up covers at most ${MAX_TRUE_UP_PERIOD_DAYS} days` });
    }
  });
export type TrueUpPeriod = z.output<typeof trueUpPeriodSchema>;

/**
 * What approving a row would do: record a late conversion, adjust a differing one, reverse one the
 * advertiser does not list, or nothing. `dispute`: a locked conversion the offer does not let an
 * adjustment change (settled by a dispute); `refuse`: a row that cannot be recorded (the reason says why).
 */
export const TRUE_UP_ACTIONS = ["none", "record", "adjust", "reverse", "dispute", "refuse"] as const;
export type TrueUpAction = (typeof TRUE_UP_ACTIONS)[number];
/** The actions an admin's approval carries out. */
export const APPLIED_ACTIONS = ["record", "adjust", "reverse"] as const satisfies readonly TrueUpAction[];

/** Why a row is refused or disputed (shown with the words of `reason`). */
export const TRUE_UP_REASON_CODES = [
  "invalid_fields",
  "duplicate_row",
  "outside_period",
  "unknown_lead",
  "lead_not_bought",
  "not_billed_on_conversions",
  "lead_differs",
  "currency_mismatch",
  "unknown_event",
  "invalid_amount",
  "before_delivery",
  "outside_attribution_window",
  "occurred_in_future",
  "conversion_closed",
  "conversion_locked",
  "partly_reversed",
] as const;
export type TrueUpReasonCode = (typeof TRUE_UP_REASON_CODES)[number];

/** What Leadex recorded for a row's conversion (TrueUpRow.proposal), read and written through `leadexSideOf`. */
export const leadexSideSchema = z.object({
  status: z.string(),
  event: z.string().nullable(),
  saleAmountCents: z.number().int().nullable(),
  payoutCents: z.number().int(),
  locked: z.boolean(),
  occurredAt: z.string(),
});
export type LeadexSide = z.infer<typeof leadexSideSchema>;

export function leadexSideOf(json: unknown): LeadexSide | null {
  const parsed = leadexSideSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

const countAndCents = z.object({ count: z.number().int(), cents: z.number().int() });

/** The report of a reconciled true-up (TrueUp.summary): counts and cents, read through `trueUpSummaryOf`. */
export const trueUpSummarySchema = z.object({
  currency: z.string(),
  /** Rows in the advertiser's list, and conversions Leadex recorded in the period. */
  listRows: z.number().int(),
  leadexConversions: z.number().int(),
  matched: z.number().int(),
  amountDiffers: z.number().int(),
  onlyAdvertiser: z.number().int(),
  onlyLeadex: z.number().int(),
  /** Rows refused as they stand: unreadable, a conversion id listed twice, another lead or currency than Leadex's. */
  refusedRows: z.number().int(),
  /** What Leadex's conversions of the period pay now. */
  leadexPayoutCents: z.number().int(),
  proposed: z.object({ record: countAndCents, adjust: countAndCents, reverse: countAndCents }),
  /** Net change in what the advertiser pays if every proposal is approved. */
  proposedPayoutDeltaCents: z.number().int(),
  disputes: countAndCents,
  /** Rows only in the list that cannot be recorded (outside the window, a lead not bought ...). */
  notRecordable: z.number().int(),
});
export type TrueUpSummary = z.infer<typeof trueUpSummarySchema>;

export function trueUpSummaryOf(json: unknown): TrueUpSummary | null {
  const parsed = trueUpSummarySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export const TRUE_UP_OUTCOMES = ["MATCHED", "AMOUNT_DIFFERS", "ONLY_ADVERTISER", "ONLY_LEADEX", "REFUSED"] as const;
export type TrueUpRowOutcome = (typeof TRUE_UP_OUTCOMES)[number];

/** The report's words for each outcome. */
export const OUTCOME_LABELS: Record<TrueUpRowOutcome | "PENDING", string> = {
  PENDING: "Not matched yet",
  MATCHED: "Matched",
  AMOUNT_DIFFERS: "Amount differs",
  ONLY_ADVERTISER: "Only in the advertiser's list",
  ONLY_LEADEX: "Only in Leadex",
  REFUSED: "Refused",
};

/** A filter of the report's rows: an outcome, or every row that carries a proposal or a dispute. */
export const trueUpRowFilterSchema = z.object({
  outcome: z
    .enum([...TRUE_UP_OUTCOMES, "PROPOSED", "DISPUTED"])
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
export type TrueUpRowFilter = z.infer<typeof trueUpRowFilterSchema>;

/** The admin's "Approve" button of a true-up report. */
export const trueUpApproveFormSchema = z.object({ intent: z.literal("approve", "Choose what to do") });
