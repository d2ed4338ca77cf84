import { balancesCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { centsToNumber as n } from "~/utils/route-errors.server";
import { ledgerRunReportOf, RECONCILIATION_KIND_LEDGER } from "./reconciliation.schema";

// The admin's finance page: the platform's money as the ledger has it (revenue, what advertisers
// owe and hold, what affiliates are owed, payouts, Stripe cash) and the ledger reconciliation runs
// that prove the ledger matches Stripe. Read-only.

const RUNS_PAGE = 20;
const ITEMS_PAGE = 50;

/** Sums over every company's accounts of one kind: positive balances, and negative ones split by postpaid (credit limit) or not. */
async function companyAccountSums(currency: string) {
  const rows = await prisma.$queryRaw<Array<{ part: string; postpaid: boolean; positive: bigint; negative: bigint; accounts: number }>>`
    WITH b AS (
      SELECT split_part(a.code, ':', 1) || ':' || split_part(a.code, ':', 3) AS part, COALESCE(c."creditLimitCents", 0) > 0 AS postpaid,
             -COALESCE(SUM(p."amountCents"), 0) AS balance
      FROM "LedgerAccount" a
      LEFT JOIN "Company" c ON c.id = a."companyId"
      LEFT JOIN "Posting" p ON p."accountId" = a.id
      WHERE a.currency = ${currency} AND a."companyId" IS NOT NULL
      GROUP BY a.id, c.id
    )
    SELECT part, postpaid, SUM(GREATEST(balance, 0))::bigint AS positive, SUM(LEAST(balance, 0))::bigint AS negative,
           COUNT(*) FILTER (WHERE balance < 0)::int AS accounts
    FROM b GROUP BY part, postpaid`;
  const sum = (part: string, pick: "positive" | "negative", postpaid?: boolean) =>
    rows.filter((r) => r.part === part && (postpaid === undefined || r.postpaid === postpaid)).reduce((s, r) => s + BigInt(r[pick]), 0n);
  const count = (part: string, postpaid: boolean) => rows.filter((r) => r.part === part && r.postpaid === postpaid).reduce((s, r) => s + r.accounts, 0);
  return {
    walletsHeldCents: n(sum("advertiser:wallet", "positive")),
    receivablesCents: n(-sum("advertiser:wallet", "negative", true)),
    receivableAdvertisers: count("advertiser:wallet", true),
    // Prepaid wallets below zero: chargebacks Stripe took that the advertiser has not covered.
    prepaidOwedCents: n(-sum("advertiser:wallet", "negative", false)),
    affiliateHeldCents: n(sum("affiliate:held", "positive") + sum("affiliate:held", "negative")),
    affiliateAvailableCents: n(sum("affiliate:available", "positive")),
    // Affiliates below zero after a clawback: recovered from their next earnings.
    affiliateOwedCents: n(-sum("affiliate:available", "negative")),
  };
}

export async function getFinanceOverview(actor: Actor, runsPage = 1) {
  requirePermission(actor, "read:billing:any");
  const currency = DEFAULT_CURRENCY;
  const platform = [
    ledgerAccounts.platformFees(currency),
    ledgerAccounts.platformReturnCosts(currency),
    ledgerAccounts.stripeFees(currency),
    ledgerAccounts.stripeCash(currency),
    ledgerAccounts.refundsInFlight(currency),
  ];
  const where = { kind: RECONCILIATION_KIND_LEDGER };
  const page = Math.max(1, runsPage);
  const [balances, companies, payouts, runs, runCount] = await Promise.all([
    balancesCents(prisma, platform),
    companyAccountSums(currency),
    prisma.payout.groupBy({ by: ["status"], where: { currency }, _sum: { amountCents: true }, _count: true }),
    prisma.reconciliationRun.findMany({
      where,
      orderBy: { startedAt: "desc" },
      skip: (page - 1) * RUNS_PAGE,
      take: RUNS_PAGE,
      select: { id: true, startedAt: true, finishedAt: true, driftCents: true, findings: true, report: true },
    }),
    prisma.reconciliationRun.count({ where }),
  ]);
  const balance = (i: number) => n(balances.get(platform[i].code) ?? 0n);
  const [feesCents, returnCostsCents, stripeFeesCents, stripeCashCents, refundsInFlightCents] = platform.map((_, i) => balance(i));
  const payoutSum = (status: string) => payouts.find((p) => p.status === status);
  return {
    currency,
    revenue: { feesCents, returnCostsCents, stripeFeesCents, netCents: feesCents - returnCostsCents - stripeFeesCents },
    ...companies,
    refundsInFlightCents,
    payoutsPaid: { cents: payoutSum("PAID")?._sum.amountCents ?? 0, count: payoutSum("PAID")?._count ?? 0 },
    payoutsInFlight: { cents: payoutSum("PENDING")?._sum.amountCents ?? 0, count: payoutSum("PENDING")?._count ?? 0 },
    stripeCashCents,
    runs: {
      page,
      pageSize: RUNS_PAGE,
      total: runCount,
      items: runs.map((r) => {
        const report = ledgerRunReportOf(r.report);
        return {
          id: r.id,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
          driftCents: n(r.driftCents),
          findings: r.findings,
          trigger: report?.trigger ?? "schedule",
          balanceTransactions: report?.stripe.balanceTransactions ?? 0,
        };
      }),
    },
  };
}

/** One run with its unmatched items (a page of them) and the ledger's own findings. */
export async function getLedgerRun(actor: Actor, runId: string, itemsPage = 1) {
  requirePermission(actor, "read:billing:any");
  const run = await prisma.reconciliationRun.findFirst({ where: { id: runId, kind: RECONCILIATION_KIND_LEDGER } });
  const report = run ? ledgerRunReportOf(run.report) : null;
  if (!run || !report) throw new NotFoundError("Reconciliation run");
  const page = Math.max(1, itemsPage);
  return {
    id: run.id,
    runKey: run.runKey,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    driftCents: n(run.driftCents),
    findings: run.findings,
    report: { ...report, items: undefined },
    items: { page, pageSize: ITEMS_PAGE, total: report.items.length, rows: report.items.slice((page - 1) * ITEMS_PAGE, page * ITEMS_PAGE) },
  };
}
