import { createHash, randomUUID } from "node:crypto";
import type { Earning, EarningKind } from "~/generated/prisma/client";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { ledgerAccounts, postJournalEntry, postReversingEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx, txExecute } from "~/utils/db.server";
import { deferWrite } from "~/utils/tx-memo.server";
import { NotFoundError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";

// Seller earnings that mature. Every billable event that pays an affiliate (a CPL sale today;
// CPA actions and CPS sales later) credits the affiliate's *held* earnings in its own journal
// entry and records an Earning line saying when it becomes available: once the buyer can no
// longer return it. The release job moves due lines to *available* (one entry per affiliate per
// run); payouts pay what is available. A reversal voids held money, or, once released, books a
// negative CLAWBACK line against available, recovered from later earnings or netted by a payout.

export interface HeldEarningInput {
  affiliateId: string;
  kind: Extract<EarningKind, "LEAD_SALE" | "ACTION" | "SALE">;
  leadId: string | null;
  saleId: string | null;
  amountCents: number;
  currency: string;
  description: string;
  /** The entry that credited `affiliateHeld` with this amount. */
  entryId: string;
  availableAt: Date;
}

/** The deferred-write kind of held earnings (after the sales they refer to), for `allowDeferredWrites`. */
export const DEFERRED_EARNINGS = "held-earnings";

/** Records the Earning line of an entry that credited held earnings (once per entry and sale). */
export async function recordHeldEarning(tx: Tx, input: HeldEarningInput): Promise<void> {
  if (input.amountCents <= 0) return;
  // A batch of leads writes its sales' earnings in one INSERT at its end (nothing in it reads them).
  if (deferWrite(tx, DEFERRED_EARNINGS, input, (rows) => insertHeldEarnings(tx, rows))) return;
  await tx.earning.createMany({ data: [input], skipDuplicates: true });
}

/** A batch's held earnings in one raw INSERT (no Prisma query compiling per row: ADR 010); a line already there is skipped. */
async function insertHeldEarnings(tx: Tx, rows: HeldEarningInput[]): Promise<void> {
  const createdAt = new Date();
  const json = JSON.stringify(rows.map((r) => ({ ...r, id: randomUUID(), createdAt })));
  await txExecute(tx)`
    INSERT INTO "Earning" (id, "affiliateId", kind, "leadId", "saleId", "amountCents", currency, description, "entryId", "availableAt", "createdAt")
    SELECT r.id, r."affiliateId", r.kind::"EarningKind", r."leadId", r."saleId", r."amountCents", r.currency, r.description, r."entryId", r."availableAt",
      r."createdAt"
    FROM jsonb_to_recordset(${json}::jsonb) AS r(id text, "affiliateId" text, kind text, "leadId" text, "saleId" text, "amountCents" int,
      currency text, description text, "entryId" text, "availableAt" timestamp(3), "createdAt" timestamp(3))
    ON CONFLICT DO NOTHING`;
}

/** A scheduled run's key for one affiliate's release entry: the same run, retried, posts nothing new. */
function releaseKey(affiliateId: string, runKey: string): string {
  return `earnings-release:${affiliateId}:${runKey}`;
}

/**
 * Moves every affiliate's earnings whose return window has passed from held to available: per
 * affiliate one transaction, one journal entry (key per affiliate and run) and the lines marked
 * released. Safe with two workers running it at once: the lines are claimed by an UPDATE that
 * only takes unreleased ones, under a per-affiliate advisory lock.
 */
export async function releaseDueEarnings(runKey: string, now: Date = new Date()): Promise<{ affiliates: number; releasedCents: number }> {
  const due = await prisma.earning.groupBy({
    by: ["affiliateId"],
    where: { releasedAt: null, reversedAt: null, availableAt: { lte: now }, kind: { in: ["LEAD_SALE", "ACTION", "SALE"] } },
  });
  let affiliates = 0;
  let releasedCents = 0;
  for (const { affiliateId } of due) {
    const released = await prisma.$transaction((tx) => releaseAffiliateEarnings(tx, affiliateId, runKey, now));
    if (released > 0) affiliates++;
    releasedCents += released;
  }
  return { affiliates, releasedCents };
}

/** Serialises money work on one affiliate (release, reversal, payout) across processes. */
export async function lockAffiliateMoney(tx: Tx, affiliateId: string): Promise<void> {
  const key = createHash("sha256").update(`affiliate-money:${affiliateId}`).digest().readBigInt64BE(0);
  await txExecute(tx)`SELECT pg_advisory_xact_lock(${key})`;
}

async function releaseAffiliateEarnings(tx: Tx, affiliateId: string, runKey: string, now: Date): Promise<number> {
  await lockAffiliateMoney(tx, affiliateId);
  const key = releaseKey(affiliateId, runKey);
  if (await tx.journalEntry.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) return 0;
  const lines = await tx.earning.findMany({
    where: { affiliateId, releasedAt: null, reversedAt: null, availableAt: { lte: now }, kind: { in: ["LEAD_SALE", "ACTION", "SALE"] } },
    select: { id: true, amountCents: true, currency: true },
  });
  if (lines.length === 0) return 0;
  const byCurrency = new Map<string, { ids: string[]; cents: number }>();
  for (const line of lines) {
    const group = byCurrency.get(line.currency) ?? { ids: [], cents: 0 };
    group.ids.push(line.id);
    group.cents += line.amountCents;
    byCurrency.set(line.currency, group);
  }
  let total = 0;
  for (const [currency, group] of byCurrency) {
    if (group.cents <= 0) {
      // Lines that net to nothing (a sale partly reversed down to 0): released with no entry.
      await tx.earning.updateMany({ where: { id: { in: group.ids } }, data: { releasedAt: now } });
      continue;
    }
    const { entryId } = await postJournalEntry(tx, {
      idempotencyKey: byCurrency.size === 1 ? key : `${key}:${currency}`,
      kind: "EARNINGS_RELEASE",
      description: `Earnings of ${group.ids.length} ${group.ids.length === 1 ? "sale" : "sales"} past their return window became available`,
      postings: [
        { account: ledgerAccounts.affiliateHeld(affiliateId, currency), amountCents: BigInt(group.cents) },
        { account: ledgerAccounts.affiliateAvailable(affiliateId, currency), amountCents: -BigInt(group.cents) },
      ],
    });
    await tx.earning.updateMany({ where: { id: { in: group.ids } }, data: { releasedAt: now, releaseEntryId: entryId } });
    total += group.cents;
  }
  return total;
}

/**
 * Reverses a CPL lead sale (the returns issue calls this when a return is approved): the buyer is
 * credited the price, the platform gives back its fee, and the affiliate's earning is voided while
 * held, or, once released, booked as a CLAWBACK that takes available down (below zero if need be:
 * owed money is recovered from later earnings, never lost). Once per sale, however often called.
 */
export async function reverseLeadSale(tx: Tx, saleId: string, reason: string): Promise<{ entryId: string; clawback: boolean }> {
  const sale = await tx.leadSale.findUnique({ where: { id: saleId }, include: { lead: { select: { id: true, affiliateId: true } } } });
  if (!sale?.journalEntryId) throw new NotFoundError("Charged sale");
  const affiliateId = sale.lead.affiliateId;
  await lockAffiliateMoney(tx, affiliateId);
  const earning = await tx.earning.findFirst({ where: { saleId, kind: "LEAD_SALE" } });
  if (earning?.reversalEntryId) return { entryId: earning.reversalEntryId, clawback: earning.releasedAt !== null };
  const key = `lead-sale-reversal:${saleId}`;
  const amount = formatMoney(sale.priceCents, sale.currency);
  let entryId: string;
  const clawback = earning?.releasedAt != null;
  if (!clawback) {
    ({ entryId } = await postReversingEntry(tx, {
      entryId: sale.journalEntryId,
      idempotencyKey: key,
      kind: "LEAD_SALE_REVERSED",
      description: `Sale of lead ${sale.leadId} reversed: ${reason}`,
    }));
  } else {
    const earned = earning!.amountCents;
    ({ entryId } = await postJournalEntry(tx, {
      idempotencyKey: key,
      kind: "LEAD_SALE_REVERSED",
      description: `Sale of lead ${sale.leadId} reversed after its earning was released: ${reason}`,
      postings: [
        { account: ledgerAccounts.advertiserWallet(sale.advertiserId, sale.currency), amountCents: -BigInt(sale.priceCents) },
        { account: ledgerAccounts.affiliateAvailable(affiliateId, sale.currency), amountCents: BigInt(earned) },
        { account: ledgerAccounts.platformFees(sale.currency), amountCents: BigInt(sale.feeCents) },
      ].filter((p) => p.amountCents !== 0n),
    }));
    await tx.earning.createMany({
      data: [
        {
          affiliateId,
          kind: "CLAWBACK",
          leadId: sale.leadId,
          saleId,
          amountCents: -earned,
          currency: sale.currency,
          description: `Clawback: lead ${sale.leadId} returned after its earning became available (${reason})`,
          entryId,
          availableAt: new Date(),
          releasedAt: new Date(),
          releaseEntryId: entryId,
        },
      ],
      skipDuplicates: true,
    });
  }
  if (earning) await tx.earning.update({ where: { id: earning.id }, data: { reversedAt: new Date(), reversalEntryId: entryId } });
  await recordLeadEvent(
    tx,
    sale.leadId,
    "sale-reversed",
    `Sale on order ${sale.orderId} reversed (${reason}): ${amount} back to the buyer; ${clawback ? "the affiliate's released earning is clawed back" : "the affiliate's held earning is voided"}`,
    { saleId, entryId, clawback },
  );
  return { entryId, clawback };
}

export type EarningLine = Pick<
  Earning,
  "id" | "kind" | "leadId" | "amountCents" | "currency" | "description" | "availableAt" | "releasedAt" | "reversedAt" | "payoutId" | "createdAt"
>;
