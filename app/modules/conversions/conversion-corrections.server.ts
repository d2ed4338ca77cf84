import type { Conversion, ConversionAdjustmentKind } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { InsufficientBalanceError, ledgerAccounts, postJournalEntry, type PostingInput } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { formatMoney, proportionOfCents } from "~/utils/money";
import { describeConversion, lockConversion, termsOf } from "./conversion-rows.server";
import { ConversionRefusedError } from "./conversion-errors";
import { conversionPrice } from "./conversion-terms";

// Corrections of a conversion: reversals (whole, or part of a sale: the payout and fee reverse in
// proportion, computed on the cumulative refunded amount so rounding never drifts), amount
// changes while pending, and, where the offer allows it, adjustments after the lock. Each is a
// ConversionAdjustment idempotent on (conversion, key) with its own journal entry.

export interface ReversalRequest {
  /** Idempotency key within the conversion: the advertiser's reversal id, a Stripe refund id ... */
  key: string;
  /** Sale amount refunded (CPS); null reverses whatever is left. */
  saleAmountCents: number | null;
  reason: string;
}

export interface CorrectionResult {
  conversion: Conversion;
  created: boolean;
}

const REVERSIBLE = new Set(["RECEIVED", "HELD", "PENDING", "APPROVED", "LOCKED"]);

export function isLocked(conversion: Conversion, now: Date): boolean {
  return conversion.status === "LOCKED" || (conversion.lockAt !== null && conversion.lockAt <= now);
}

/** Reverses a conversion (or part of a sale) once per key. */
export async function applyReversal(conversionId: string, request: ReversalRequest, now: Date = new Date()): Promise<CorrectionResult> {
  return prisma.$transaction(async (tx) => {
    const conversion = await lockConversion(tx, conversionId);
    if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
    return reverseLocked(tx, conversion, request, "REVERSAL", now);
  });
}

/**
 * Reverses whatever is left of a conversion inside the caller's transaction, under its row lock
 * (taken here). `overrideLock`: an admin's decision (fraud) also reverses a locked conversion; the
 * affiliate then owes its earning back (a CLAWBACK line).
 */
export async function reverseWholeConversion(
  tx: Tx,
  conversionId: string,
  request: Omit<ReversalRequest, "saleAmountCents">,
  now: Date,
  options: { overrideLock?: boolean } = {},
): Promise<CorrectionResult> {
  return reverseConversionInTx(tx, conversionId, { ...request, saleAmountCents: null }, now, options);
}

/**
 * Reverses a conversion, or part of a sale, inside the caller's transaction, under its row lock
 * (taken here). `overrideLock`: a decided dispute also reverses a locked conversion (a CLAWBACK line).
 */
export async function reverseConversionInTx(
  tx: Tx,
  conversionId: string,
  request: ReversalRequest,
  now: Date,
  options: { overrideLock?: boolean } = {},
): Promise<CorrectionResult> {
  const conversion = await lockConversion(tx, conversionId);
  if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
  return reverseLocked(tx, conversion, request, "REVERSAL", now, options.overrideLock ?? false);
}

/**
 * Reverses what `decide` asks for, given the conversion as it is under its row lock (taken here,
 * in a transaction of its own); null does nothing. For sources that report cumulative amounts (a
 * Stripe charge's amount_refunded), which must ask only for what is still missing, and that is
 * only known under the lock.
 */
export async function applyReversalAsDecided(
  conversionId: string,
  decide: (tx: Tx, conversion: Conversion) => Promise<ReversalRequest | null>,
  now: Date = new Date(),
): Promise<CorrectionResult | null> {
  return prisma.$transaction(async (tx) => {
    const conversion = await lockConversion(tx, conversionId);
    if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
    const request = await decide(tx, conversion);
    return request ? reverseLocked(tx, conversion, request, "REVERSAL", now) : null;
  });
}

/** Applies the reversals that arrived before this conversion (called under its row lock). */
export async function applyPendingReversals(tx: Tx, conversionId: string, now: Date): Promise<void> {
  const conversion = await tx.conversion.findUniqueOrThrow({ where: { id: conversionId } });
  const waiting = await tx.pendingConversionReversal.findMany({
    where: { advertiserId: conversion.advertiserId, conversionExternalId: conversion.externalId, appliedAt: null },
    orderBy: { receivedAt: "asc" },
  });
  let current = conversion;
  for (const pending of waiting) {
    if (REVERSIBLE.has(current.status) && current.status !== "REVERSED") {
      try {
        current = (await reverseLocked(tx, current, { key: pending.key, saleAmountCents: pending.saleAmountCents, reason: pending.reason }, "REVERSAL", now))
          .conversion;
      } catch (error) {
        if (!(error instanceof ConversionRefusedError)) throw error;
        await recordLeadEvent(
          tx,
          current.leadId,
          "conversion",
          `An early reversal (${pending.key}) of conversion ${current.externalId} could not apply: ${error.message}`,
        );
      }
    }
    await tx.pendingConversionReversal.update({ where: { id: pending.id }, data: { appliedAt: now } });
  }
}

function notReversible(conversion: Conversion): ConversionRefusedError {
  const state = conversion.status.toLowerCase();
  return new ConversionRefusedError("conversion_not_reversible", `Conversion ${conversion.externalId} is ${state}: there is nothing left to reverse`);
}

function lockedRefusal(conversion: Conversion): ConversionRefusedError {
  const since = (conversion.lockedAt ?? conversion.lockAt)?.toISOString() ?? "";
  return new ConversionRefusedError(
    "conversion_locked",
    `Conversion ${conversion.externalId} is locked since ${since} and can no longer be corrected; open a dispute instead`,
  );
}

async function reverseLocked(
  tx: Tx,
  conversion: Conversion,
  request: ReversalRequest,
  kind: ConversionAdjustmentKind,
  now: Date,
  overrideLock = false,
): Promise<CorrectionResult> {
  const earlier = await tx.conversionAdjustment.findUnique({ where: { conversionId_key: { conversionId: conversion.id, key: request.key } } });
  if (earlier) return { conversion, created: false };
  if (!REVERSIBLE.has(conversion.status)) throw notReversible(conversion);
  const terms = termsOf(conversion);
  // Locked by time, or (belt and braces) its earning already left held money.
  const locked =
    isLocked(conversion, now) ||
    (await tx.earning.count({ where: { conversionId: conversion.id, kind: { in: ["ACTION", "SALE"] }, releasedAt: { not: null } } })) > 0;
  if (locked && !terms.allowsLockedAdjustments && !overrideLock) throw lockedRefusal(conversion);
  if (conversion.kind === "ACTION" && request.saleAmountCents !== null) {
    throw new ConversionRefusedError("invalid_fields", "A CPA action is reversed whole: send no amount", { amount: "Leave out for an action" });
  }

  const sale = conversion.saleAmountCents ?? 0;
  const remainingSale = sale - conversion.reversedSaleCents;
  const part = conversion.kind === "SALE" ? (request.saleAmountCents ?? remainingSale) : 0;
  if (conversion.kind === "SALE") {
    if (part <= 0) throw new ConversionRefusedError("invalid_amount", "A reversal must take back more than 0", { amount: "Must be more than 0" });
    if (part > remainingSale) {
      throw new ConversionRefusedError(
        "reversal_exceeds_sale",
        `Only ${formatMoney(remainingSale, conversion.currency)} of this ${formatMoney(sale, conversion.currency)} sale is left to reverse`,
        { amount: `At most ${(remainingSale / 100).toFixed(2)}` },
      );
    }
  }
  const cumulativeSale = conversion.reversedSaleCents + part;
  const whole = conversion.kind === "ACTION" || cumulativeSale === sale;
  const cumulativePayout = whole ? conversion.payoutCents : proportionOfCents(conversion.payoutCents, cumulativeSale, sale);
  const cumulativeFee = whole ? conversion.feeCents : proportionOfCents(conversion.feeCents, cumulativeSale, sale);
  const payoutDelta = cumulativePayout - conversion.reversedPayoutCents;
  const feeDelta = cumulativeFee - conversion.reversedFeeCents;
  const earningDelta = payoutDelta - feeDelta;
  const what = describeConversion(conversion);

  let journalEntryId: string | null = null;
  if (conversion.journalEntryId && payoutDelta > 0) {
    await lockAffiliateMoney(tx, conversion.affiliateId);
    const affiliateAccount = locked
      ? ledgerAccounts.affiliateAvailable(conversion.affiliateId, conversion.currency)
      : ledgerAccounts.affiliateHeld(conversion.affiliateId, conversion.currency);
    const postings: PostingInput[] = [
      { account: ledgerAccounts.advertiserWallet(conversion.advertiserId, conversion.currency), amountCents: -BigInt(payoutDelta) },
      { account: affiliateAccount, amountCents: BigInt(earningDelta) },
      { account: ledgerAccounts.platformFees(conversion.currency), amountCents: BigInt(feeDelta) },
    ];
    ({ entryId: journalEntryId } = await postJournalEntry(tx, {
      idempotencyKey: `conversion-reversal:${conversion.id}:${request.key}`,
      kind: locked ? "CONVERSION_LOCKED_ADJUSTMENT" : "CONVERSION_REVERSED",
      description: `Conversion ${what} ${whole ? "reversed" : `partly reversed (${formatMoney(part, conversion.currency)})`}: ${request.reason}`,
      postings: postings.filter((p) => p.amountCents !== 0n),
    }));
    await recordEarningChange(tx, conversion, -earningDelta, journalEntryId, locked, whole, now);
  }
  await tx.conversionAdjustment.create({
    data: {
      conversionId: conversion.id,
      kind: locked ? "LOCKED_ADJUSTMENT" : kind,
      key: request.key,
      saleAmountDeltaCents: -part,
      payoutDeltaCents: -payoutDelta,
      feeDeltaCents: -feeDelta,
      earningDeltaCents: -earningDelta,
      reason: request.reason,
      journalEntryId,
    },
  });
  const updated = await tx.conversion.update({
    where: { id: conversion.id },
    data: {
      reversedSaleCents: cumulativeSale,
      reversedPayoutCents: cumulativePayout,
      reversedFeeCents: cumulativeFee,
      ...(whole ? { status: "REVERSED" as const, reversedAt: now } : {}),
    },
  });
  await recordLeadEvent(
    tx,
    conversion.leadId,
    "conversion",
    `Conversion ${what} ${whole ? "reversed" : "partly reversed"}: ${formatMoney(payoutDelta, conversion.currency)} back to the buyer (${request.reason})`,
    { conversionId: conversion.id, payoutCents: -payoutDelta },
  );
  if (journalEntryId) {
    await queueAffiliatePostback(tx, conversion.leadId, "reversed", {
      conversionId: conversion.id,
      key: `${conversion.id}:${request.key}`,
      event: conversion.event,
      earningCents: earningDelta,
      saleAmountCents: conversion.kind === "SALE" ? part : null,
    });
  }
  return { conversion: updated, created: true };
}

/**
 * The affiliate's earning lines after a correction of `deltaCents` (negative: taken back). Held
 * money: a whole reversal voids the conversion's lines, a part adds a line of the difference;
 * after the lock a reduction is a CLAWBACK against available, an increase a line released at once.
 */
async function recordEarningChange(tx: Tx, conversion: Conversion, deltaCents: number, entryId: string, locked: boolean, whole: boolean, now: Date) {
  if (deltaCents === 0) return;
  const kind = conversion.kind === "ACTION" ? ("ACTION" as const) : ("SALE" as const);
  const base = {
    affiliateId: conversion.affiliateId,
    leadId: conversion.leadId,
    saleId: conversion.saleId,
    conversionId: conversion.id,
    currency: conversion.currency,
    entryId,
  };
  if (!locked && whole) {
    await tx.earning.updateMany({
      where: { conversionId: conversion.id, releasedAt: null, reversedAt: null },
      data: { reversedAt: now, reversalEntryId: entryId },
    });
    return;
  }
  if (!locked) {
    await tx.earning.create({
      data: { ...base, kind, amountCents: deltaCents, description: `Conversion ${conversion.externalId} corrected`, availableAt: conversion.lockAt ?? now },
    });
    return;
  }
  await tx.earning.create({
    data: {
      ...base,
      kind: deltaCents < 0 ? "CLAWBACK" : kind,
      amountCents: deltaCents,
      description: `Conversion ${conversion.externalId} adjusted after its lock`,
      availableAt: now,
      releasedAt: now,
      releaseEntryId: entryId,
    },
  });
}

/** Changes a pending CPS sale's amount: the payout is priced again on the conversion's own terms. */
export async function changeSaleAmount(conversionId: string, saleAmountCents: number, reason: string, now: Date = new Date()): Promise<CorrectionResult> {
  return prisma.$transaction(async (tx) => {
    const conversion = await lockConversion(tx, conversionId);
    if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
    if (conversion.kind !== "SALE") {
      throw new ConversionRefusedError("invalid_fields", "Only a CPS sale has an amount to change", { amount: "A CPA action has no amount" });
    }
    if (saleAmountCents <= 0) throw new ConversionRefusedError("invalid_amount", "A sale amount must be more than 0", { amount: "Must be more than 0" });
    if (conversion.saleAmountCents === saleAmountCents) return { conversion, created: false };
    if (isLocked(conversion, now)) throw lockedRefusal(conversion);
    if (!["RECEIVED", "HELD", "PENDING", "APPROVED"].includes(conversion.status)) throw notReversible(conversion);
    if (conversion.reversedSaleCents > 0) {
      throw new ConversionRefusedError("conversion_not_reversible", `Conversion ${conversion.externalId} was partly reversed; send a further reversal instead`);
    }
    const price = conversionPrice(termsOf(conversion), null, saleAmountCents)!;
    const payoutDelta = price.payoutCents - conversion.payoutCents;
    const feeDelta = price.feeCents - conversion.feeCents;
    const earningDelta = price.earningCents - conversion.earningCents;
    const changes = await tx.conversionAdjustment.count({ where: { conversionId: conversion.id, kind: "AMOUNT_CHANGE" } });
    const key = `amount:${changes + 1}:${conversion.saleAmountCents}->${saleAmountCents}`;
    let journalEntryId: string | null = null;
    if (conversion.journalEntryId && payoutDelta !== 0) {
      await lockAffiliateMoney(tx, conversion.affiliateId);
      const postings: PostingInput[] = [
        { account: ledgerAccounts.advertiserWallet(conversion.advertiserId, conversion.currency), amountCents: BigInt(payoutDelta) },
        { account: ledgerAccounts.affiliateHeld(conversion.affiliateId, conversion.currency), amountCents: -BigInt(earningDelta) },
        { account: ledgerAccounts.platformFees(conversion.currency), amountCents: -BigInt(feeDelta) },
      ];
      try {
        ({ entryId: journalEntryId } = await postJournalEntry(tx, {
          idempotencyKey: `conversion-amount:${conversion.id}:${key}`,
          kind: "CONVERSION_AMOUNT_CHANGED",
          description: `Sale ${conversion.externalId} changed from ${formatMoney(conversion.saleAmountCents ?? 0, conversion.currency)} to ${formatMoney(saleAmountCents, conversion.currency)}: ${reason}`,
          postings: postings.filter((p) => p.amountCents !== 0n),
          floors: payoutDelta > 0 ? [await advertiserWalletFloor(tx, conversion.advertiserId, conversion.currency)] : [],
        }));
      } catch (error) {
        if (!(error instanceof InsufficientBalanceError)) throw error;
        throw new ConversionRefusedError("insufficient_balance", `Your wallet cannot pay the higher payout: ${error.describe("increase")}`);
      }
      if (earningDelta !== 0) {
        await tx.earning.create({
          data: {
            affiliateId: conversion.affiliateId,
            kind: "SALE",
            leadId: conversion.leadId,
            saleId: conversion.saleId,
            conversionId: conversion.id,
            amountCents: earningDelta,
            currency: conversion.currency,
            description: `Sale ${conversion.externalId} amount corrected`,
            entryId: journalEntryId,
            availableAt: conversion.lockAt ?? now,
          },
        });
      }
    }
    await tx.conversionAdjustment.create({
      data: {
        conversionId: conversion.id,
        kind: "AMOUNT_CHANGE",
        key,
        saleAmountDeltaCents: saleAmountCents - (conversion.saleAmountCents ?? 0),
        payoutDeltaCents: payoutDelta,
        feeDeltaCents: feeDelta,
        earningDeltaCents: earningDelta,
        reason,
        journalEntryId,
      },
    });
    const updated = await tx.conversion.update({ where: { id: conversion.id }, data: { saleAmountCents, ...price } });
    await recordLeadEvent(
      tx,
      conversion.leadId,
      "conversion",
      `Sale ${conversion.externalId} amount changed to ${formatMoney(saleAmountCents, conversion.currency)}: payout now ${formatMoney(price.payoutCents, conversion.currency)}`,
    );
    return { conversion: updated, created: true };
  });
}
