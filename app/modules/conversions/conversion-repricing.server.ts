import type { Conversion, ConversionAdjustmentKind } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { InsufficientBalanceError, ledgerAccounts, postJournalEntry, type PostingInput } from "~/modules/ledger/ledger.server";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { isLocked } from "./conversion-corrections.server";
import { ConversionRefusedError } from "./conversion-errors";
import { describeConversion, lockConversion, termsOf } from "./conversion-rows.server";
import { conversionPrice } from "./conversion-terms";

// Re-pricing a conversion as someone with the standing to say so lists it: another CPA event, or
// another CPS sale amount (a true-up; an approved wrong-amount inquiry). Once per (conversion,
// key): one entry of the difference. While pending it moves held money (a line released with the
// conversion); after the lock it moves available money (a line released at once, a CLAWBACK when
// it takes back). The wallet's floor is checked when it costs the buyer more.

export interface RepriceRequest {
  /** The adjustment's key within the conversion (a repeat with the same key changes nothing). */
  key: string;
  /** The journal entry's idempotency key. */
  journalKey: string;
  target: { event: string | null; saleAmountCents: number | null };
  reason: string;
  /** Who re-prices it, for the timeline and the entry: "a true-up", "an approved inquiry". */
  by: string;
  /** The adjustment kind and the journal kind while the conversion is not locked. */
  unlockedKind: ConversionAdjustmentKind;
  unlockedJournalKind: string;
  /** Re-price a locked conversion even where its offer allows no locked adjustment (a decided dispute). */
  overrideLock?: boolean;
}

/** Re-prices the conversion inside the caller's transaction, under its row lock (taken here). */
export async function repriceConversion(
  tx: Tx,
  conversionId: string,
  request: RepriceRequest,
  now: Date,
): Promise<{ conversion: Conversion; created: boolean }> {
  const conversion = await lockConversion(tx, conversionId);
  if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
  const earlier = await tx.conversionAdjustment.findUnique({ where: { conversionId_key: { conversionId, key: request.key } } });
  if (earlier) return { conversion, created: false };
  if (!["RECEIVED", "HELD", "PENDING", "APPROVED", "LOCKED"].includes(conversion.status)) {
    throw new ConversionRefusedError(
      "conversion_not_reversible",
      `Conversion ${conversion.externalId} is ${conversion.status.toLowerCase()}: a dispute settles it`,
    );
  }
  if (conversion.reversedSaleCents > 0 || conversion.reversedPayoutCents > 0) {
    throw new ConversionRefusedError("conversion_not_reversible", `Conversion ${conversion.externalId} was partly reversed: a dispute settles it`);
  }
  const terms = termsOf(conversion);
  const locked =
    isLocked(conversion, now) || (await tx.earning.count({ where: { conversionId, kind: { in: ["ACTION", "SALE"] }, releasedAt: { not: null } } })) > 0;
  if (locked && !terms.allowsLockedAdjustments && !request.overrideLock) {
    throw new ConversionRefusedError(
      "conversion_locked",
      `Conversion ${conversion.externalId} is locked and its offer allows no adjustment: open a dispute instead`,
    );
  }
  const event = conversion.kind === "ACTION" ? (request.target.event ?? conversion.event) : null;
  const saleAmountCents = conversion.kind === "SALE" ? (request.target.saleAmountCents ?? conversion.saleAmountCents) : null;
  const price = conversionPrice(terms, event, saleAmountCents);
  if (!price) throw new ConversionRefusedError("unknown_event", `This offer pays for ${terms.events.map((e) => e.code).join(", ")}, not ${event}`);
  const payoutDelta = price.payoutCents - conversion.payoutCents;
  const feeDelta = price.feeCents - conversion.feeCents;
  const earningDelta = price.earningCents - conversion.earningCents;
  const what = describeConversion(conversion);

  let journalEntryId: string | null = null;
  if (conversion.journalEntryId && payoutDelta !== 0) {
    await lockAffiliateMoney(tx, conversion.affiliateId);
    const affiliateAccount = locked
      ? ledgerAccounts.affiliateAvailable(conversion.affiliateId, conversion.currency)
      : ledgerAccounts.affiliateHeld(conversion.affiliateId, conversion.currency);
    const postings: PostingInput[] = [
      { account: ledgerAccounts.advertiserWallet(conversion.advertiserId, conversion.currency), amountCents: BigInt(payoutDelta) },
      { account: affiliateAccount, amountCents: -BigInt(earningDelta) },
      { account: ledgerAccounts.platformFees(conversion.currency), amountCents: -BigInt(feeDelta) },
    ];
    try {
      ({ entryId: journalEntryId } = await postJournalEntry(tx, {
        idempotencyKey: request.journalKey,
        kind: locked ? "CONVERSION_LOCKED_ADJUSTMENT" : request.unlockedJournalKind,
        description: `Conversion ${what} re-priced by ${request.by} to ${formatMoney(price.payoutCents, conversion.currency)}: ${request.reason}`,
        postings: postings.filter((p) => p.amountCents !== 0n),
        floors: payoutDelta > 0 ? [await advertiserWalletFloor(tx, conversion.advertiserId, conversion.currency)] : [],
      }));
    } catch (error) {
      if (!(error instanceof InsufficientBalanceError)) throw error;
      throw new ConversionRefusedError("insufficient_balance", `The wallet cannot pay the higher payout: ${error.describe("increase")}`);
    }
    if (earningDelta !== 0) {
      const kind = conversion.kind === "ACTION" ? ("ACTION" as const) : ("SALE" as const);
      await tx.earning.create({
        data: {
          affiliateId: conversion.affiliateId,
          kind: locked && earningDelta < 0 ? "CLAWBACK" : kind,
          leadId: conversion.leadId,
          saleId: conversion.saleId,
          conversionId: conversion.id,
          amountCents: earningDelta,
          currency: conversion.currency,
          description: `Conversion ${conversion.externalId} re-priced by ${request.by}`,
          entryId: journalEntryId,
          ...(locked ? { availableAt: now, releasedAt: now, releaseEntryId: journalEntryId } : { availableAt: conversion.lockAt ?? now }),
        },
      });
    }
  }
  await tx.conversionAdjustment.create({
    data: {
      conversionId: conversion.id,
      kind: locked ? "LOCKED_ADJUSTMENT" : request.unlockedKind,
      key: request.key,
      saleAmountDeltaCents: (saleAmountCents ?? 0) - (conversion.saleAmountCents ?? 0),
      payoutDeltaCents: payoutDelta,
      feeDeltaCents: feeDelta,
      earningDeltaCents: earningDelta,
      reason: request.reason,
      journalEntryId,
    },
  });
  const updated = await tx.conversion.update({ where: { id: conversion.id }, data: { event, saleAmountCents, ...price } });
  await recordLeadEvent(
    tx,
    conversion.leadId,
    "conversion",
    `Conversion ${what} re-priced by ${request.by}: payout ${formatMoney(conversion.payoutCents, conversion.currency)} → ${formatMoney(price.payoutCents, conversion.currency)}`,
    { conversionId: conversion.id, payoutCents: payoutDelta },
  );
  return { conversion: updated, created: true };
}
