import type { Conversion } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { InsufficientBalanceError, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { CONVERSION_BILLING_QUEUE, conversionBillingKey } from "~/queues/conversion-billing.queue.server";
import { prisma, type Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { applyPendingReversals } from "./conversion-corrections.server";
import { decideByRules, type ConversionFacts, type ConversionRuleDecision } from "./conversion-rules";
import { describeConversion, lockConversion, termsOf } from "./conversion-rows.server";

// Billing a recorded conversion, once: the advertiser's rules decide first (approve, reject,
// hold); then one journal entry keyed by the conversion takes the payout from the wallet (down to
// its floor, never below) and credits the affiliate's held earnings and the platform's fee. The
// earning becomes available when the lock period ends. A wallet that cannot pay leaves the
// conversion RECEIVED ("awaiting_funds"), billed by the upkeep job once the advertiser tops up.

const DAY_MS = 24 * 60 * 60 * 1000;

export type BillingOutcome = "billed" | "held" | "rejected" | "awaiting_funds" | "reversed" | "nothing_to_do";

/** Bills one conversion if it is due (RECEIVED, or HELD past its hold); safe to call any number of times. */
export async function billConversion(conversionId: string, now: Date = new Date()): Promise<BillingOutcome> {
  return prisma.$transaction(async (tx) => {
    const conversion = await lockConversion(tx, conversionId);
    if (!conversion) return "nothing_to_do";
    let outcome: BillingOutcome = "nothing_to_do";
    if (conversion.status === "RECEIVED") outcome = await decideAndBill(tx, conversion, now);
    else if (conversion.status === "HELD" && conversion.holdUntil && conversion.holdUntil <= now)
      outcome = await chargeConversion(tx, conversion, "PENDING", now);
    await applyPendingReversals(tx, conversion.id, now);
    // The job is done whatever happened: a conversion still RECEIVED (no funds) is the upkeep job's.
    await markOutboxProcessed(tx, CONVERSION_BILLING_QUEUE, conversionBillingKey(conversion.id));
    return outcome;
  });
}

/** The facts the advertiser's rules read: the conversion's event, amount and own fields, the lead's sub-ids. */
export function conversionFacts(conversion: Conversion, leadSubIds: unknown): ConversionFacts {
  const subIds: Record<string, string> = {};
  for (const [key, value] of Object.entries((leadSubIds ?? {}) as Record<string, unknown>)) {
    if (typeof value === "string" || typeof value === "number") subIds[key] = String(value);
  }
  return { event: conversion.event, saleAmountCents: conversion.saleAmountCents, subIds, adv: conversion.advFields as Record<string, string> };
}

/**
 * Applies a rule that rejects or holds the conversion (status, reason, timeline line) and says
 * so; null when it is to be charged (no rule, or an approving one).
 */
export async function applyRuleDecision(
  tx: Tx,
  conversion: Conversion,
  decision: ConversionRuleDecision | null,
  now: Date,
): Promise<"rejected" | "held" | null> {
  const what = describeConversion(conversion);
  if (decision?.action === "reject") {
    await tx.conversion.update({
      where: { id: conversion.id },
      data: { status: "REJECTED", reasonCode: "rejected_by_rule", reason: `Rule "${decision.rule}": ${decision.reason}` },
    });
    await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${what} rejected by the advertiser's rule "${decision.rule}": ${decision.reason}`);
    return "rejected";
  }
  if (decision?.action === "hold") {
    const holdUntil = new Date(now.getTime() + decision.hours * 60 * 60 * 1000);
    await tx.conversion.update({
      where: { id: conversion.id },
      data: { status: "HELD", holdUntil, reasonCode: "held_by_rule", reason: `Rule "${decision.rule}": held for ${decision.hours} h` },
    });
    await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${what} held ${decision.hours} h by the advertiser's rule "${decision.rule}"`);
    return "held";
  }
  return null;
}

async function decideAndBill(tx: Tx, conversion: Conversion, now: Date): Promise<BillingOutcome> {
  const [advertiser, lead] = await Promise.all([
    tx.company.findUniqueOrThrow({ where: { id: conversion.advertiserId }, select: { conversionRules: true } }),
    tx.lead.findUniqueOrThrow({ where: { id: conversion.leadId }, select: { subIds: true } }),
  ]);
  const decision = decideByRules(advertiser.conversionRules, conversionFacts(conversion, lead.subIds));
  const decided = await applyRuleDecision(tx, conversion, decision, now);
  if (decided) return decided;
  return chargeConversion(tx, conversion, decision?.action === "approve" ? "APPROVED" : "PENDING", now);
}

/** The held earning line of a billed conversion (none when the affiliate earns nothing of it). */
export function billedEarningLine(c: Conversion, entryId: string, lockAt: Date) {
  return {
    affiliateId: c.affiliateId,
    kind: c.kind === "ACTION" ? ("ACTION" as const) : ("SALE" as const),
    leadId: c.leadId,
    saleId: c.saleId,
    conversionId: c.id,
    amountCents: c.payoutCents - c.reversedPayoutCents - (c.feeCents - c.reversedFeeCents),
    currency: c.currency,
    description: `Conversion ${describeConversion(c)}`,
    entryId,
    availableAt: lockAt,
  };
}

/** The timeline line of a billed conversion. */
export function billedTimelineLine(c: Conversion, status: "PENDING" | "APPROVED", lockAt: Date) {
  const payout = c.payoutCents - c.reversedPayoutCents;
  return {
    leadId: c.leadId,
    type: "conversion",
    message: `Conversion ${describeConversion(c)} billed ${formatMoney(payout, c.currency)} (${status.toLowerCase()}; locked on ${lockAt.toISOString().slice(0, 10)})`,
    data: { conversionId: c.id, payoutCents: payout },
  };
}

/** What the affiliate's `converted` postback says of a billed conversion. */
export function convertedPostback(c: Conversion) {
  return {
    conversionId: c.id,
    key: c.id,
    event: c.event,
    earningCents: c.payoutCents - c.reversedPayoutCents - (c.feeCents - c.reversedFeeCents),
    saleAmountCents: c.saleAmountCents,
  };
}

/**
 * The one charge of a conversion (net of any reversal applied before it was billed). Leaves the
 * conversion as it was, with reason `awaiting_funds`, when the wallet cannot pay.
 */
export async function chargeConversion(tx: Tx, conversion: Conversion, status: "PENDING" | "APPROVED", now: Date): Promise<BillingOutcome> {
  const payout = conversion.payoutCents - conversion.reversedPayoutCents;
  const fee = conversion.feeCents - conversion.reversedFeeCents;
  const earning = payout - fee;
  const terms = termsOf(conversion);
  const what = describeConversion(conversion);
  if (payout <= 0) {
    await tx.conversion.update({
      where: { id: conversion.id },
      data: { status: "REVERSED", reversedAt: conversion.reversedAt ?? now, reasonCode: null, reason: null },
    });
    return "reversed";
  }
  await lockAffiliateMoney(tx, conversion.affiliateId);
  let entryId: string;
  try {
    ({ entryId } = await postJournalEntry(tx, {
      idempotencyKey: `conversion:${conversion.id}`,
      kind: conversion.kind === "ACTION" ? "CONVERSION_ACTION" : "CONVERSION_SALE",
      description: `Conversion ${what} on lead ${conversion.leadId}`,
      postings: [
        { account: ledgerAccounts.advertiserWallet(conversion.advertiserId, conversion.currency), amountCents: BigInt(payout) },
        { account: ledgerAccounts.affiliateHeld(conversion.affiliateId, conversion.currency), amountCents: -BigInt(earning) },
        { account: ledgerAccounts.platformFees(conversion.currency), amountCents: -BigInt(fee) },
      ].filter((p) => p.amountCents !== 0n),
      floors: [await advertiserWalletFloor(tx, conversion.advertiserId, conversion.currency)],
    }));
  } catch (error) {
    if (!(error instanceof InsufficientBalanceError)) throw error;
    const reason = `Waiting for funds: ${error.describe("payout")}`;
    if (conversion.reasonCode !== "awaiting_funds") {
      await tx.conversion.update({ where: { id: conversion.id }, data: { reasonCode: "awaiting_funds", reason } });
      await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${what} not billed yet: ${reason}`);
    }
    return "awaiting_funds";
  }
  const lockAt = new Date(now.getTime() + terms.lockPeriodDays * DAY_MS);
  await tx.conversion.update({
    where: { id: conversion.id },
    data: { status, billedAt: now, lockAt, journalEntryId: entryId, reasonCode: null, reason: null, approvedAt: status === "APPROVED" ? now : null },
  });
  const line = billedEarningLine(conversion, entryId, lockAt);
  if (line.amountCents > 0) await tx.earning.createMany({ data: [line], skipDuplicates: true });
  await tx.leadEvent.create({ data: billedTimelineLine(conversion, status, lockAt) });
  await queueAffiliatePostback(tx, conversion.leadId, "converted", convertedPostback(conversion));
  return "billed";
}

/**
 * Locks every billed conversion whose lock period has ended: one UPDATE, so two workers running
 * it at once lock each conversion once. A pending conversion is approved as it locks.
 */
export async function lockDueConversions(now: Date = new Date()): Promise<number> {
  return prisma.$executeRaw`
    UPDATE "Conversion" SET status = 'LOCKED', "lockedAt" = ${now}, "approvedAt" = COALESCE("approvedAt", ${now})
    WHERE status IN ('PENDING', 'APPROVED') AND "lockAt" <= ${now}`;
}

/** How long a RECEIVED conversion may wait for its job before the upkeep job bills it. */
const STALE_RECEIVED_MS = 30_000;

/**
 * The conversions' scheduled upkeep: bills what waited (a lost job, an empty wallet since topped
 * up, a hold that ended) and locks what is due. Idempotent; safe with several workers.
 */
export async function runConversionUpkeep(now: Date = new Date()): Promise<{ billed: number; locked: number; waiting: number }> {
  const due = await prisma.conversion.findMany({
    where: {
      OR: [
        { status: "RECEIVED", receivedAt: { lte: new Date(now.getTime() - STALE_RECEIVED_MS) } },
        { status: "HELD", holdUntil: { lte: now } },
      ],
    },
    select: { id: true },
    orderBy: { receivedAt: "asc" },
    take: 1000,
  });
  let billed = 0;
  let waiting = 0;
  for (const { id } of due) {
    const outcome = await billConversion(id, now);
    if (outcome === "billed") billed++;
    if (outcome === "awaiting_funds") waiting++;
  }
  const locked = await lockDueConversions(now);
  return { billed, locked, waiting };
}
