import Stripe from "stripe";
import { recordCompanyNotice } from "~/modules/notices/notices.server";
import type { Payout, PayoutRunTrigger } from "~/generated/prisma/client";
import { getStripe } from "~/modules/billing/stripe.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { balanceCents, ledgerAccounts, postJournalEntry, postReversingEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { describeRequirements } from "./connect-accounts.server";

// Payout runs. Every affiliate with money available (or owed) gets, per run, either a Payout —
// one ledger entry (available → Stripe cash, key payout:<id>) then one Stripe transfer (idempotency
// key leadex:payout:<id>:transfer, transfer_group per run) — or a PayoutSkip saying why not, in
// words. A run interrupted anywhere and run again (same key or a new run) pays nobody twice: the
// decision and the entry commit together under the affiliate's lock, and a payout whose transfer
// is not confirmed yet is re-sent with the same idempotency key before anything else.

export type PayoutSkipCode = "held_by_admin" | "owes_clawback" | "below_minimum" | "onboarding_incomplete" | "payouts_disabled";

export interface PayoutRunRequest {
  key: string;
  trigger: PayoutRunTrigger;
  triggeredById: string | null;
}

export interface PayoutRunSummary {
  runId: string;
  paid: number;
  skipped: number;
  failed: number;
  pending: number;
}

/** Runs (or resumes) the payout run with this key. */
export async function runPayouts(request: PayoutRunRequest): Promise<PayoutRunSummary> {
  const run = await openPayoutRun(request);
  await sendUnconfirmedTransfers();
  const affiliates = await prisma.earning.groupBy({
    by: ["affiliateId"],
    where: { payoutId: null, releasedAt: { not: null }, currency: DEFAULT_CURRENCY },
  });
  for (const { affiliateId } of affiliates) {
    const payout = await prisma.$transaction((tx) => decideAffiliatePayout(tx, run, affiliateId));
    if (payout) await sendPayoutTransfer(payout);
  }
  await prisma.payoutRun.update({ where: { id: run.id }, data: { finishedAt: new Date() } });
  const [byStatus, skipped] = await Promise.all([
    prisma.payout.groupBy({ by: ["status"], where: { runId: run.id }, _count: true }),
    prisma.payoutSkip.count({ where: { runId: run.id } }),
  ]);
  const count = (status: string) => byStatus.find((s) => s.status === status)?._count ?? 0;
  const summary = { runId: run.id, paid: count("PAID"), skipped, failed: count("FAILED"), pending: count("PENDING") };
  // A transfer Stripe could not confirm (network, 5xx) fails the job so the queue retries the run.
  if (summary.pending > 0) throw new Error(`payout run ${run.key}: ${summary.pending} transfers not confirmed by Stripe yet; retrying`);
  return summary;
}

/** The run with this key, created on first use (a retried job resumes the same run). */
export async function openPayoutRun(request: PayoutRunRequest) {
  await prisma.payoutRun.createMany({
    data: [{ key: request.key, trigger: request.trigger, triggeredById: request.triggeredById, transferGroup: `leadex-payouts-${request.key}` }],
    skipDuplicates: true,
  });
  return prisma.payoutRun.findUniqueOrThrow({ where: { key: request.key } });
}

/**
 * Decides one affiliate's payout in this run, under the affiliate's money lock: a Payout with its
 * ledger entry and the earning lines it pays, or a PayoutSkip with the reason. Returns the payout
 * to send, or null. Deciding twice for the same run returns what was decided the first time.
 */
export async function decideAffiliatePayout(tx: Tx, run: { id: string }, affiliateId: string): Promise<Payout | null> {
  await lockAffiliateMoney(tx, affiliateId);
  const [decided, skip] = await Promise.all([
    tx.payout.findUnique({ where: { runId_affiliateId: { runId: run.id, affiliateId } } }),
    tx.payoutSkip.findUnique({ where: { runId_affiliateId: { runId: run.id, affiliateId } } }),
  ]);
  if (decided) return decided.status === "PENDING" ? decided : null;
  if (skip) return null;
  const currency = DEFAULT_CURRENCY;
  const lines = await tx.earning.findMany({
    where: { affiliateId, payoutId: null, releasedAt: { not: null }, currency },
    select: { id: true, amountCents: true },
  });
  const dueCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  const availableCents = await balanceCents(tx, ledgerAccounts.affiliateAvailable(affiliateId, currency));
  if (BigInt(dueCents) !== availableCents) {
    // The earning lines and the ledger must agree; never pay on a disagreement.
    throw new Error(`affiliate ${affiliateId}: unpaid earning lines sum to ${dueCents} but available is ${availableCents}`);
  }
  const company = await tx.company.findUniqueOrThrow({ where: { id: affiliateId } });
  const refusal = payoutRefusal(company, dueCents, currency);
  if (refusal) {
    await tx.payoutSkip.create({ data: { runId: run.id, affiliateId, code: refusal.code, reason: refusal.reason, availableCents: dueCents } });
    return null;
  }
  const payout = await tx.payout.create({
    data: { affiliateId, runId: run.id, amountCents: dueCents, currency, stripeAccountId: company.stripeAccountId },
  });
  const { entryId } = await postJournalEntry(tx, {
    idempotencyKey: `payout:${payout.id}`,
    kind: "PAYOUT",
    description: `Payout ${payout.id} to Stripe account ${company.stripeAccountId}`,
    postings: [
      { account: ledgerAccounts.affiliateAvailable(affiliateId, currency), amountCents: BigInt(dueCents) },
      { account: ledgerAccounts.stripeCash(currency), amountCents: -BigInt(dueCents) },
    ],
    floors: [{ account: ledgerAccounts.affiliateAvailable(affiliateId, currency), floorCents: 0n }],
  });
  await tx.earning.updateMany({ where: { id: { in: lines.map((l) => l.id) } }, data: { payoutId: payout.id } });
  return tx.payout.update({ where: { id: payout.id }, data: { journalEntryId: entryId } });
}

/** Why this affiliate is not paid now, in words, or null when it is. */
function payoutRefusal(
  company: {
    payoutsHeldAt: Date | null;
    payoutsHeldReason: string | null;
    stripeAccountId: string | null;
    payoutsEnabled: boolean;
    stripeRequirementsDue: string[];
    stripeDisabledReason: string | null;
  },
  dueCents: number,
  currency: string,
): { code: PayoutSkipCode; reason: string } | null {
  const minimum = getEnv().PAYOUT_MINIMUM_CENTS;
  if (company.payoutsHeldAt) return { code: "held_by_admin", reason: `Payouts are held by Leadex: ${company.payoutsHeldReason ?? "no reason given"}` };
  if (dueCents < 0)
    return { code: "owes_clawback", reason: `You owe ${formatMoney(-dueCents, currency)} after a clawback; it is recovered from your next earnings` };
  if (dueCents < minimum) {
    return { code: "below_minimum", reason: `Available ${formatMoney(dueCents, currency)} is below the minimum payout of ${formatMoney(minimum, currency)}` };
  }
  if (!company.stripeAccountId) return { code: "onboarding_incomplete", reason: "Set up payouts with Stripe to be paid" };
  if (company.stripeRequirementsDue.length > 0) {
    return { code: "onboarding_incomplete", reason: `Stripe still needs: ${describeRequirements(company.stripeRequirementsDue).join(", ")}` };
  }
  if (!company.payoutsEnabled) {
    return {
      code: "payouts_disabled",
      reason: `Stripe has disabled payouts on your account${company.stripeDisabledReason ? ` (${company.stripeDisabledReason.replace(/[._]/g, " ")})` : ""}`,
    };
  }
  return null;
}

/** Payouts whose transfer Stripe has not confirmed (a run interrupted after its entry): sent again. */
async function sendUnconfirmedTransfers(): Promise<void> {
  const unconfirmed = await prisma.payout.findMany({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" } });
  for (const payout of unconfirmed) await sendPayoutTransfer(payout);
}

export function payoutTransferKey(payoutId: string): string {
  return `leadex:payout:${payoutId}:transfer`;
}

/**
 * Sends one payout's transfer (idempotent at Stripe by its key). Confirmed: PAID. Refused by
 * Stripe for good (the account cannot receive it): FAILED, with the entry reversed and the lines
 * left for the next run. A network error or Stripe 5xx leaves it PENDING for the next attempt.
 */
export async function sendPayoutTransfer(payout: Payout): Promise<Payout> {
  const run = payout.runId ? await prisma.payoutRun.findUnique({ where: { id: payout.runId } }) : null;
  let transfer: Stripe.Transfer;
  try {
    transfer = await getStripe().transfers.create(
      {
        amount: payout.amountCents,
        currency: payout.currency,
        destination: payout.stripeAccountId!,
        ...(run ? { transfer_group: run.transferGroup } : {}),
        description: `Leadex payout ${payout.id}`,
        metadata: { leadex_payout_id: payout.id },
      },
      { idempotencyKey: payoutTransferKey(payout.id) },
    );
  } catch (error) {
    if (isPermanentStripeRefusal(error)) return failPayout(payout.id, `Stripe refused the transfer: ${(error as Error).message}`);
    console.warn(`payout ${payout.id}: transfer not confirmed (${(error as Error).message}); it is sent again on the next attempt`);
    return payout;
  }
  await prisma.$transaction(async (tx) => {
    const paid = await tx.payout.updateMany({
      where: { id: payout.id, status: "PENDING" },
      data: { status: "PAID", stripeTransferId: transfer.id, paidAt: new Date() },
    });
    // The transfer exists only after the entry (entry first, so nobody is paid twice): its id is
    // the one thing written to an entry after it is posted, once, for reconciliation.
    await tx.journalEntry.updateMany({ where: { id: payout.journalEntryId ?? "", stripeObjectId: null }, data: { stripeObjectId: transfer.id } });
    // Told once: a retry of a payout already PAID changes no row.
    if (paid.count === 1) {
      await recordCompanyNotice(tx, payout.affiliateId, {
        kind: "PAYOUT_SENT",
        data: { payoutId: payout.id, amountCents: payout.amountCents, currency: payout.currency },
      });
    }
  });
  return prisma.payout.findUniqueOrThrow({ where: { id: payout.id } });
}

function isPermanentStripeRefusal(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeError &&
    (error.statusCode ?? 500) < 500 &&
    error.type !== "StripeRateLimitError" &&
    error.type !== "StripeConnectionError"
  );
}

/** A payout whose transfer never happened: its entry is reversed and its lines are unpaid again. */
async function failPayout(payoutId: string, reason: string): Promise<Payout> {
  return prisma.$transaction(async (tx) => {
    const payout = await tx.payout.findUniqueOrThrow({ where: { id: payoutId } });
    await lockAffiliateMoney(tx, payout.affiliateId);
    if (payout.status !== "PENDING") return payout;
    const reversal = payout.journalEntryId
      ? await postReversingEntry(tx, {
          entryId: payout.journalEntryId,
          idempotencyKey: `payout-failed:${payout.id}`,
          kind: "PAYOUT_FAILED",
          description: `Payout ${payout.id} failed: ${reason}`,
        })
      : null;
    await tx.earning.updateMany({ where: { payoutId: payout.id }, data: { payoutId: null } });
    return tx.payout.update({
      where: { id: payout.id },
      data: { status: "FAILED", failureReason: reason, failedAt: new Date(), reversalEntryId: reversal?.entryId ?? null },
    });
  });
}
