import { Prisma } from "~/generated/prisma/client";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { ReportGrouping } from "./report-query.schema";

// The figures the rollups add up, once: what a lead rollup row and a sale rollup row sum to over a
// bucket of days or a group, the SQL that sums them, and the reading of its row.

export interface LeadFigures {
  received: number;
  accepted: number;
  sold: number;
  converted: number;
  returned: number;
  earningsCents: number;
  feesCents: number;
  spendCents: number;
}

export interface SaleFigures {
  bought: number;
  delivered: number;
  contacted: number;
  converted: number;
  actions: number;
  returned: number;
  spendCents: number;
  feesCents: number;
  saleAmountCents: number;
  salesWithAmount: number;
}

type RawRow = Record<string, string | number | bigint | null>;

/** The lead figures' sums; DailySubIdRollup has no fees or spend (0). */
export function leadSumsSql(withMoney: boolean): Prisma.Sql {
  const money = withMoney
    ? Prisma.sql`sum("feesCents")::bigint AS "feesCents", sum("spendCents")::bigint AS "spendCents"`
    : Prisma.sql`0::bigint AS "feesCents", 0::bigint AS "spendCents"`;
  return Prisma.sql`sum(received)::int AS received, sum(accepted)::int AS accepted, sum(sold)::int AS sold, sum(converted)::int AS converted,
    sum(returned)::int AS returned, sum("earningsCents")::bigint AS "earningsCents", ${money}`;
}

export const SALE_SUMS_SQL = Prisma.sql`sum(bought)::int AS bought, sum(delivered)::int AS delivered, sum(contacted)::int AS contacted,
  sum(converted)::int AS converted, sum(actions)::int AS actions, sum(returned)::int AS returned,
  sum("spendCents")::bigint AS "spendCents", sum("feesCents")::bigint AS "feesCents",
  sum("saleAmountCents")::bigint AS "saleAmountCents", sum("salesWithAmount")::int AS "salesWithAmount"`;

const LEAD_KEYS = ["received", "accepted", "sold", "converted", "returned", "earningsCents", "feesCents", "spendCents"] as const;
const SALE_KEYS = [
  "bought",
  "delivered",
  "contacted",
  "converted",
  "actions",
  "returned",
  "spendCents",
  "feesCents",
  "saleAmountCents",
  "salesWithAmount",
] as const;

// Sums of a period stay far below 2^53 cents: a number is exact.
function figuresOf<K extends string>(keys: readonly K[], raw: RawRow | null): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, raw === null || raw[k] === null ? 0 : Number(raw[k])])) as Record<K, number>;
}

export const leadFiguresOf = (raw: RawRow | null): LeadFigures => figuresOf(LEAD_KEYS, raw);
export const saleFiguresOf = (raw: RawRow | null): SaleFigures => figuresOf(SALE_KEYS, raw);

/** The rollups' `day` column bucketed as `bucketsOf` does. */
export function bucketSql(grouping: ReportGrouping): Prisma.Sql {
  return grouping === "week" ? Prisma.sql`to_char(date_trunc('week', day), 'YYYY-MM-DD')` : Prisma.sql`to_char(day, 'YYYY-MM-DD')`;
}

/** Days of the period as the rollups' DATE bounds. */
export function daysSql(period: ReportPeriod): Prisma.Sql {
  return Prisma.sql`day >= ${period.fromDay}::date AND day <= ${period.toDay}::date`;
}
