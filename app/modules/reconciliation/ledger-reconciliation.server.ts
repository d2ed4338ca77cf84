import { randomUUID } from "node:crypto";
import { recordAuditNow } from "~/modules/audit/audit.server";
import type Stripe from "stripe";
import type { Prisma } from "~/generated/prisma/client";
import { getStripe } from "~/modules/billing/stripe.server";
import { findUnbalancedEntries } from "~/modules/ledger/ledger.server";
import { enqueueScheduledTask } from "~/queues/scheduled-work.queue.server";
import { prisma } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { RunOutcome } from "./conversion-reconciliation.server";
import {
  LEDGER_ITEMS_STORED,
  RECONCILIATION_KIND_LEDGER,
  type CashCheck,
  type FloorBreach,
  type LedgerItem,
  type LedgerRunReport,
} from "./reconciliation.schema";

// A ledger reconciliation run (scheduled task "ledger-reconciliation", or an admin's "Run now")
// proves three things and stores what it found as one ReconciliationRun of kind "ledger":
//  1. every journal entry balances, and no floored account is below its floor unless a recorded
//     chargeback (wallets) or clawback (affiliates' available money) explains it;
//  2. Stripe's balance transactions, grouped by `source` (the charge, refund, dispute, transfer or
//     reversal that moved the money), match the ledger's Stripe-cash movements grouped by the
//     entries' `stripeObjectId`: per source, the sum of Stripe's `net` equals the sum of the cash
//     postings (a charge's net is its top-up entry less its Stripe-fee entry; a dispute's is the
//     withdrawal with its fee, plus what was reinstated);
//  3. ledger cash equals Stripe's available + pending balance.
// It never edits the ledger: drift is for a person to explain. The run is stored once per key
// (ON CONFLICT DO NOTHING), so a retried job or two workers firing together store one run.

const NO_SOURCE = "";
const CASH_ACCOUNT_PREFIX = "platform:stripe-cash:";

export interface LedgerReconciliationOptions {
  /** Balance transactions asked of Stripe per page (tests make it small to walk many pages). */
  pageSize?: number;
  now?: Date;
}

export interface LedgerRunOutcome extends RunOutcome {
  driftCents: bigint;
}

interface SourceTotal {
  sourceId: string | null;
  currency: string;
  cents: bigint;
  types: Set<string>;
  count: number;
}

const groupKey = (sourceId: string | null, currency: string) => `${sourceId ?? NO_SOURCE}|${currency}`;
const sourceIdOf = (source: Stripe.BalanceTransaction["source"]): string | null => (source === null ? null : typeof source === "string" ? source : source.id);

/** Every balance transaction of the platform account (Stripe's auto-pagination: starting_after until has_more is false), summed per source. */
async function stripeTotalsBySource(pageSize: number): Promise<{ totals: Map<string, SourceTotal>; transactions: number }> {
  const totals = new Map<string, SourceTotal>();
  let transactions = 0;
  for await (const t of getStripe().balanceTransactions.list({ limit: pageSize })) {
    transactions++;
    const sourceId = sourceIdOf(t.source);
    const key = groupKey(sourceId, t.currency);
    const total = totals.get(key) ?? { sourceId, currency: t.currency, cents: 0n, types: new Set<string>(), count: 0 };
    total.cents += BigInt(t.net);
    total.types.add(t.type);
    total.count++;
    totals.set(key, total);
  }
  return { totals, transactions };
}

/** The ledger's Stripe-cash movements summed per entry's `stripeObjectId` (null: entries naming no Stripe object). */
async function ledgerCashBySource(): Promise<Map<string, SourceTotal>> {
  const rows = await prisma.$queryRaw<Array<{ sourceId: string | null; currency: string; cents: bigint; kinds: string[]; entries: number }>>`
    SELECT e."stripeObjectId" AS "sourceId", a.currency, SUM(p."amountCents")::bigint AS cents,
           array_agg(DISTINCT e.kind) AS kinds, COUNT(DISTINCT e.id)::int AS entries
    FROM "Posting" p
    JOIN "LedgerAccount" a ON a.id = p."accountId"
    JOIN "JournalEntry" e ON e.id = p."entryId"
    WHERE a.code LIKE ${`${CASH_ACCOUNT_PREFIX}%`}
    GROUP BY e."stripeObjectId", a.currency`;
  return new Map(
    rows.map((r) => [
      groupKey(r.sourceId, r.currency),
      { sourceId: r.sourceId, currency: r.currency, cents: BigInt(r.cents), types: new Set(r.kinds), count: r.entries },
    ]),
  );
}

/** Per source: missing on either side, or both with different amounts. Sources that agree are not listed. */
export function matchSources(stripe: Map<string, SourceTotal>, ledger: Map<string, SourceTotal>): LedgerItem[] {
  const items: LedgerItem[] = [];
  for (const key of new Set([...stripe.keys(), ...ledger.keys()])) {
    const s = stripe.get(key);
    const l = ledger.get(key);
    const stripeCents = s ? Number(s.cents) : null;
    const ledgerCents = l ? Number(l.cents) : null;
    const differenceCents = (stripeCents ?? 0) - (ledgerCents ?? 0);
    const base = { sourceId: (s ?? l)!.sourceId, currency: (s ?? l)!.currency, stripeCents, ledgerCents, differenceCents, entries: l?.count ?? 0 };
    if (l && l.sourceId === null) {
      // Entries naming no Stripe object: harmless while they cancel out (a payout whose transfer Stripe refused, and its reversal).
      if (l.cents !== 0n) items.push({ kind: "unnamed_in_ledger", types: [...l.types].sort(), ...base, stripeCents: null, differenceCents: -Number(l.cents) });
      if (s && s.cents !== 0n)
        items.push({ kind: "missing_in_ledger", types: [...s.types].sort(), ...base, ledgerCents: null, entries: 0, differenceCents: Number(s.cents) });
    } else if (s && l) {
      if (differenceCents !== 0) items.push({ kind: "amount_differs", types: [...s.types].sort(), ...base });
    } else if (s) {
      if (s.cents !== 0n) items.push({ kind: "missing_in_ledger", types: [...s.types].sort(), ...base });
    } else if (l) {
      items.push({ kind: "missing_at_stripe", types: [...l.types].sort(), ...base });
    }
  }
  return items.sort((a, b) => Math.abs(b.differenceCents) - Math.abs(a.differenceCents) || (a.sourceId ?? "").localeCompare(b.sourceId ?? ""));
}

/** Wallets, held and available affiliate money below their floor, with what recorded chargebacks and clawbacks explain of it. */
async function findAccountsBelowFloor(): Promise<FloorBreach[]> {
  const rows = await prisma.$queryRaw<
    Array<{ code: string; companyId: string | null; companyName: string | null; creditLimitCents: number | null; currency: string; balance: bigint }>
  >`
    SELECT a.code, a."companyId", c.name AS "companyName", c."creditLimitCents", a.currency, (-COALESCE(SUM(p."amountCents"), 0))::bigint AS balance
    FROM "LedgerAccount" a
    LEFT JOIN "Company" c ON c.id = a."companyId"
    LEFT JOIN "Posting" p ON p."accountId" = a.id
    WHERE a.code LIKE 'advertiser:%:wallet:%' OR a.code LIKE 'affiliate:%:held:%' OR a.code LIKE 'affiliate:%:available:%'
    GROUP BY a.id, c.id
    HAVING -COALESCE(SUM(p."amountCents"), 0) < 0`;
  const negative = rows.map((r) => {
    const isWallet = r.code.startsWith("advertiser:");
    return { ...r, balanceCents: Number(r.balance), floorCents: isWallet ? -(r.creditLimitCents ?? 0) : 0 };
  });
  const below = negative.filter((r) => r.balanceCents < r.floorCents);
  if (below.length === 0) return [];
  const companyIds = [...new Set(below.map((r) => r.companyId).filter((id): id is string => id !== null))];
  const [chargebacks, clawbacks] = await Promise.all([
    prisma.stripeChargeDispute.groupBy({
      by: ["advertiserId", "currency"],
      where: { advertiserId: { in: companyIds }, withdrawnEntryId: { not: null } },
      _sum: { amountCents: true, feeCents: true, reinstatedCents: true },
    }),
    prisma.earning.groupBy({ by: ["affiliateId"], where: { affiliateId: { in: companyIds }, kind: "CLAWBACK" }, _count: true }),
  ]);
  return below.map((r) => {
    const shortfall = r.floorCents - r.balanceCents;
    let explainedCents = 0;
    if (r.code.startsWith("advertiser:")) {
      const c = chargebacks.find((x) => x.advertiserId === r.companyId && x.currency === r.currency);
      const chargedBack = c ? (c._sum.amountCents ?? 0) + (c._sum.feeCents ?? 0) - (c._sum.reinstatedCents ?? 0) : 0;
      explainedCents = Math.min(shortfall, Math.max(0, chargedBack));
    } else if (r.code.includes(":available:") && clawbacks.some((x) => x.affiliateId === r.companyId)) {
      explainedCents = shortfall;
    }
    return {
      accountCode: r.code,
      companyId: r.companyId,
      companyName: r.companyName,
      balanceCents: r.balanceCents,
      floorCents: r.floorCents,
      explainedCents,
    };
  });
}

/** Stripe's available + pending balance per currency. */
async function stripeBalanceCents(): Promise<Map<string, number>> {
  const balance = await getStripe().balance.retrieve();
  const byCurrency = new Map<string, number>();
  for (const b of [...balance.available, ...balance.pending]) byCurrency.set(b.currency, (byCurrency.get(b.currency) ?? 0) + b.amount);
  return byCurrency;
}

/** Runs the reconciliation and stores it under `runKey` (once); drift is logged as a warning, never corrected. */
export async function runLedgerReconciliation(runKey: string, options: LedgerReconciliationOptions = {}): Promise<LedgerRunOutcome> {
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  // Stripe first, then the ledger: money that moves in between shows at Stripe only and is
  // reported, rather than silently matched against a ledger read before it happened.
  const { totals: stripeTotals, transactions } = await stripeTotalsBySource(options.pageSize ?? 100);
  const stripeBalance = await stripeBalanceCents();
  const [ledgerTotals, unbalanced, floors] = await Promise.all([ledgerCashBySource(), findUnbalancedEntries(prisma), findAccountsBelowFloor()]);

  const items = matchSources(stripeTotals, ledgerTotals);
  const unbalancedEntries = unbalanced.map((u) => ({ entryId: u.entryId, sumCents: Number(u.sum) }));
  const belowFloor = floors.filter((f) => f.balanceCents + f.explainedCents < f.floorCents);

  const ledgerCash = new Map<string, number>();
  for (const t of ledgerTotals.values()) ledgerCash.set(t.currency, (ledgerCash.get(t.currency) ?? 0) + Number(t.cents));
  const cash: CashCheck[] = [...new Set([...ledgerCash.keys(), ...stripeBalance.keys()])].sort().map((currency) => {
    const ledgerCents = ledgerCash.get(currency) ?? 0;
    const stripeCents = stripeBalance.get(currency) ?? 0;
    return { currency, ledgerCents, stripeCents, differenceCents: stripeCents - ledgerCents };
  });

  // Drift: what each unmatched item is off by, what unbalanced entries are off by, what breaches
  // fall short of their floor beyond their causes, and any cash difference the items do not
  // account for (with every source listed, cash differs by exactly the sum of the items).
  let driftCents = 0n;
  for (const i of items) driftCents += BigInt(Math.abs(i.differenceCents));
  for (const u of unbalancedEntries) driftCents += BigInt(Math.abs(u.sumCents));
  for (const f of belowFloor) driftCents += BigInt(f.floorCents - f.balanceCents - f.explainedCents);
  for (const c of cash) {
    const explained = items.filter((i) => i.currency === c.currency).reduce((sum, i) => sum + i.differenceCents, 0);
    driftCents += BigInt(Math.abs(c.differenceCents - explained));
  }
  const findings = items.length + unbalancedEntries.length + belowFloor.length + cash.filter((c) => c.differenceCents !== 0).length;

  const report: LedgerRunReport = {
    generatedAt: now.toISOString(),
    trigger: runKey.startsWith("admin:") ? "admin" : "schedule",
    stripe: { balanceTransactions: transactions, sources: stripeTotals.size },
    ledger: { namedSources: [...ledgerTotals.values()].filter((t) => t.sourceId !== null).length },
    items: items.slice(0, LEDGER_ITEMS_STORED),
    itemCount: items.length,
    unbalancedEntries: unbalancedEntries.slice(0, LEDGER_ITEMS_STORED),
    belowFloor,
    explainedBelowFloor: floors.length - belowFloor.length,
    cash,
  };
  const inserted = await prisma.reconciliationRun.createMany({
    data: [
      {
        kind: RECONCILIATION_KIND_LEDGER,
        runKey,
        startedAt,
        finishedAt: new Date(),
        driftCents,
        findings,
        report: report as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  if (findings > 0) {
    const cashText = cash.map((c) => `ledger cash ${formatMoney(c.ledgerCents, c.currency)} vs Stripe ${formatMoney(c.stripeCents, c.currency)}`).join(", ");
    console.warn(
      `[reconciliation] ledger drift in run ${runKey}: ${findings} finding(s), ${driftCents} cents (${items.length} unmatched Stripe source(s), ` +
        `${unbalancedEntries.length} unbalanced entr(ies), ${belowFloor.length} account(s) below floor; ${cashText}). The ledger was not changed.`,
    );
  }
  return { runKey, findings, driftCents, stored: inserted.count === 1 };
}

/** An admin's "Run now": a run with its own key, done by the worker. */
export async function requestLedgerReconciliation(actor: Actor): Promise<string> {
  requirePermission(actor, "write:billing:any");
  const runKey = `admin:${randomUUID()}`;
  await enqueueScheduledTask("ledger-reconciliation", runKey, actor.userId ?? undefined);
  await recordAuditNow({ actorId: actor.userId, action: "ledger.reconciliation.requested", targetType: "LedgerReconciliation", targetId: runKey, data: {} });
  return runKey;
}
