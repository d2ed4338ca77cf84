import { prisma } from "~/utils/db.server";
import { ledgerAccounts } from "~/modules/ledger/ledger.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { bucketsOf } from "./funnel.server";
import { bucketSql, daysSql } from "./rollup-figures.server";
import type { ReportGrouping } from "./report-query.schema";

// The platform's own money, from the ledger (the source of truth) through its daily rollup
// (DailyLedgerRollup): the fees it booked in the period (postings to platform:fees, credits
// positive), and what it owes affiliates as of the last refresh, held (inside the return window)
// and available (payable by the next payout run).

export interface PlatformMoney {
  /** Fees booked in the period, by bucket (the revenue account's postings, by their time). */
  feesByBucket: Array<{ bucket: string; feesCents: number }>;
  feesCents: number;
  heldCents: number;
  availableCents: number;
}

export async function readPlatformMoney(period: ReportPeriod, grouping: ReportGrouping): Promise<PlatformMoney> {
  const feesCode = ledgerAccounts.platformFees(DEFAULT_CURRENCY).code;
  const [fees, owed] = await Promise.all([
    prisma.$queryRaw<Array<{ bucket: string; cents: bigint }>>`
      SELECT ${bucketSql(grouping)} AS bucket, (-sum("amountCents"))::bigint AS cents
      FROM "DailyLedgerRollup" WHERE code = ${feesCode} AND ${daysSql(period)}
      GROUP BY 1`,
    // Both are liabilities: their balance is the credits less the debits.
    prisma.$queryRaw<Array<{ kind: string; cents: bigint }>>`
      SELECT split_part(code, ':', 3) AS kind, (-sum("amountCents"))::bigint AS cents
      FROM "DailyLedgerRollup" WHERE code LIKE 'affiliate:%' AND split_part(code, ':', 4) = ${DEFAULT_CURRENCY}
      GROUP BY 1`,
  ]);
  const byBucket = new Map(fees.map((f) => [f.bucket, Number(f.cents)]));
  const feesByBucket = bucketsOf(period, grouping).map((b) => ({ bucket: b, feesCents: byBucket.get(b) ?? 0 }));
  const owedBy = new Map(owed.map((o) => [o.kind, Number(o.cents)]));
  return {
    feesByBucket,
    feesCents: feesByBucket.reduce((sum, b) => sum + b.feesCents, 0),
    heldCents: owedBy.get("held") ?? 0,
    availableCents: owedBy.get("available") ?? 0,
  };
}
