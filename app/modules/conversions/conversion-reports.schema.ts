import { z } from "zod";
import type { Role } from "~/generated/prisma/enums";
import { SUB_ID_KEYS } from "~/modules/leads/leads.schema";

// The conversion status report's question (kept in the URL): the period, how to group and an
// optional offer. Unknown values fall back to the defaults; a period that cannot be read is named.

export const REPORT_GROUPS = ["offer", "affiliate", "advertiser", "sub_id"] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

export const REPORT_GROUP_LABELS: Record<ReportGroup, string> = {
  offer: "Offer",
  affiliate: "Affiliate",
  advertiser: "Advertiser",
  sub_id: "Sub-id",
};

/**
 * How each role may group: an advertiser never sees an affiliate's identity or sub-ids (the
 * seller's business; affiliates show as a pseudonym), an affiliate never sees its buyers.
 */
export const REPORT_GROUPS_BY_ROLE: Record<Role, readonly ReportGroup[]> = {
  ADMIN: ["offer", "affiliate", "advertiser", "sub_id"],
  ADVERTISER: ["offer", "affiliate"],
  AFFILIATE: ["offer", "sub_id"],
};

/** The longest period one report covers. */
export const MAX_REPORT_DAYS = 366;
/** The default period: the last 30 days, today included. */
export const DEFAULT_REPORT_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

const dayText = z.string().trim().max(20);

export const conversionReportQuerySchema = z.object({
  group: z.enum(REPORT_GROUPS).optional().catch(undefined),
  subId: z.enum(SUB_ID_KEYS).optional().catch(undefined),
  from: dayText.optional().catch(undefined),
  to: dayText.optional().catch(undefined),
  offerId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .catch(undefined),
});
export type ConversionReportQuery = z.infer<typeof conversionReportQuerySchema>;

/** A calendar day "2026-11-29" as its UTC midnight; null unless it is a real day. */
export function parseDay(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? date : null;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

export interface ReportPeriod {
  /** First day, included (UTC). */
  fromDay: string;
  /** Last day, included (UTC). */
  toDay: string;
  /** [from, until): occurredAt >= from and < until. */
  from: Date;
  until: Date;
  /** What could not be read, by field; the period then uses the default for it. */
  problems: Partial<Record<"from" | "to", string>>;
}

/** The period asked for: both days included, the last 30 days by default, at most 366 days. */
export function resolveReportPeriod(query: Pick<ConversionReportQuery, "from" | "to">, now: Date = new Date()): ReportPeriod {
  const problems: ReportPeriod["problems"] = {};
  const today = parseDay(dayOf(now))!;
  let to = today;
  if (query.to) {
    const parsed = parseDay(query.to);
    if (parsed) to = parsed;
    else problems.to = "Enter a day such as 2026-11-30";
  }
  let from = new Date(to.getTime() - (DEFAULT_REPORT_DAYS - 1) * DAY_MS);
  if (query.from) {
    const parsed = parseDay(query.from);
    if (!parsed) problems.from = "Enter a day such as 2026-11-01";
    else if (parsed > to) problems.from = "The first day comes after the last";
    else if ((to.getTime() - parsed.getTime()) / DAY_MS + 1 > MAX_REPORT_DAYS) {
      problems.from = `A report covers at most ${MAX_REPORT_DAYS} days: showing the ${MAX_REPORT_DAYS} up to the last day`;
      from = new Date(to.getTime() - (MAX_REPORT_DAYS - 1) * DAY_MS);
    } else from = parsed;
  }
  return { fromDay: dayOf(from), toDay: dayOf(to), from, until: new Date(to.getTime() + DAY_MS), problems };
}

/** The group asked for if the role may use it, else the role's first. */
export function reportGroupFor(role: Role, asked: ReportGroup | undefined): ReportGroup {
  const allowed = REPORT_GROUPS_BY_ROLE[role];
  return asked && allowed.includes(asked) ? asked : allowed[0];
}

/** One group of the report (or its totals row), as the module computes it and the portals show it. */
export interface ConversionReportRow {
  /** The group's key (an id, a sub-id value); null on the totals row. */
  key: string | null;
  label: string;
  currency: string;
  grossCount: number;
  grossCents: number;
  approvedCount: number;
  approvedCents: number;
  pendingCount: number;
  pendingCents: number;
  rejectedCount: number;
  rejectedCents: number;
  reversedCount: number;
  reversedCents: number;
  adjustmentsCount: number;
  adjustmentsCents: number;
  netCents: number;
  /** Conversions billed and standing (not rejected, not reversed in full). */
  paidCount: number;
  /** approved ÷ decided, 0..1; null while none is decided. */
  approvalRate: number | null;
  /** net ÷ paid; null when nothing was paid. */
  costPerActionCents: number | null;
  /** Sales behind the net payout (reported amounts less refunds); null when none reported one. */
  salesCents: number | null;
  /** How many of the paid conversions reported a sale amount. */
  salesCount: number;
  /** (sales − net) ÷ net; null without sales or cost. */
  roi: number | null;
}
