import type { Conversion } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { InsufficientBalanceError, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { billedTimelineLine, chargeConversion, convertedPostback } from "./conversion-billing.server";
import { isLocked, reverseWholeConversion } from "./conversion-corrections.server";
import { ConversionRefusedError } from "./conversion-errors";
import { describeConversion, lockConversion, termsOf } from "./conversion-rows.server";

// An advertiser's own decision on a conversion its rules left pending or held: approve it (a held
// one is billed now) or reject it with a reason (whatever was billed goes back: a full reversal,
// the affiliate's held earning with it). Never once the conversion is locked.

export const CONVERSION_DECISIONS = ["approve", "reject"] as const;
export type ConversionDecision = (typeof CONVERSION_DECISIONS)[number];

/** The adjustment key of an advertiser's rejection (one per conversion). */
export const REJECTION_KEY = "rejected-by-advertiser";
export const MAX_DECISION_REASON = 500;

/** Statuses an advertiser may still decide. */
const DECIDABLE = new Set<Conversion["status"]>(["PENDING", "HELD"]);

export interface DecisionResult {
  conversion: Conversion;
  /** False when the same decision had already been taken (a repeated click). */
  changed: boolean;
  /** What happened, in words, for the page. */
  message: string;
}

function day(date: Date | null): string {
  return date ? date.toISOString().slice(0, 10) : "—";
}

function undecidable(conversion: Conversion): ConflictError {
  const state = conversion.status.toLowerCase();
  const hint =
    conversion.status === "RECEIVED"
      ? conversion.reasonCode === "awaiting_funds"
        ? " it waits for funds: top up your wallet, or send a reversal to cancel it"
        : " it is being billed: try again in a moment"
      : conversion.status === "APPROVED"
        ? " send a reversal to take it back while it is not locked"
        : "";
  return new ConflictError(
    `Conversion ${conversion.externalId} is ${state}: only pending or held conversions can be approved or rejected${hint ? `;${hint}` : ""}`,
  );
}

/**
 * Approves or rejects one of the actor's conversions. Approve: a held conversion is billed now
 * (APPROVED), a pending one becomes APPROVED. Reject: a full reversal keyed `rejected-by-advertiser`
 * (money back to the wallet, the affiliate's held earning voided), then REJECTED with the reason.
 * A locked conversion is refused (`conversion_locked`); the same decision again changes nothing.
 */
export async function decideConversion(actor: Actor, conversionId: string, decision: ConversionDecision, reason: string, now: Date = new Date()) {
  requirePermission(actor, "write:conversion:own");
  const why = reason.trim();
  if (decision === "reject" && why === "") throw new ValidationError({ reason: "Say why you reject this conversion" });
  if (why.length > MAX_DECISION_REASON) throw new ValidationError({ reason: `At most ${MAX_DECISION_REASON} characters` });
  const owned = await prisma.conversion.findFirst({ where: { id: conversionId, advertiserId: actor.companyId }, select: { id: true } });
  if (!owned) throw new NotFoundError("Conversion");

  const result = await prisma.$transaction(async (tx): Promise<DecisionResult> => {
    const conversion = await lockConversion(tx, owned.id);
    if (!conversion) throw new NotFoundError("Conversion");
    const what = describeConversion(conversion);
    if (decision === "approve" && conversion.status === "APPROVED") {
      return { conversion, changed: false, message: `Conversion ${conversion.externalId} was already approved.` };
    }
    if (decision === "reject" && conversion.status === "REJECTED" && conversion.reasonCode === "rejected_by_advertiser") {
      return { conversion, changed: false, message: `Conversion ${conversion.externalId} was already rejected.` };
    }
    if (conversion.status === "LOCKED" || (DECIDABLE.has(conversion.status) && isLocked(conversion, now))) {
      throw new ConversionRefusedError(
        "conversion_locked",
        `Conversion ${conversion.externalId} locked on ${day(conversion.lockedAt ?? conversion.lockAt)}: it can no longer be approved or rejected; open a dispute instead`,
      );
    }
    if (!DECIDABLE.has(conversion.status)) throw undecidable(conversion);
    const note = why ? `: ${why}` : "";

    if (decision === "approve") {
      if (conversion.status === "PENDING") {
        const approved = await tx.conversion.update({ where: { id: conversion.id }, data: { status: "APPROVED", approvedAt: now } });
        await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${what} approved by the advertiser${note}`, { conversionId: conversion.id });
        return {
          conversion: approved,
          changed: true,
          message: `Conversion ${conversion.externalId} approved. Its payout of ${formatMoney(approved.payoutCents - approved.reversedPayoutCents, approved.currency)} was billed on ${day(approved.billedAt)}; it locks on ${day(approved.lockAt)}.`,
        };
      }
      // HELD: billed now, approved at once.
      const outcome = await chargeConversion(tx, conversion, "APPROVED", now);
      if (outcome === "awaiting_funds") {
        const payout = formatMoney(conversion.payoutCents - conversion.reversedPayoutCents, conversion.currency);
        throw new ConversionRefusedError(
          "insufficient_balance",
          `Your wallet cannot pay this conversion's payout of ${payout}: top up your wallet, then approve it again. It stays held.`,
        );
      }
      const charged = await tx.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
      await recordLeadEvent(tx, conversion.leadId, "conversion", `Held conversion ${what} approved by the advertiser${note}`, { conversionId: conversion.id });
      const message =
        outcome === "reversed"
          ? `Conversion ${conversion.externalId} had been reversed in full while held: nothing to bill.`
          : `Conversion ${conversion.externalId} approved and billed ${formatMoney(charged.payoutCents - charged.reversedPayoutCents, charged.currency)} from your wallet; it locks on ${day(charged.lockAt)}. The affiliate is notified.`;
      return { conversion: charged, changed: true, message };
    }

    const billed = conversion.journalEntryId !== null;
    const refund = conversion.payoutCents - conversion.reversedPayoutCents;
    const reversal = await reverseWholeConversion(tx, conversion.id, { key: REJECTION_KEY, reason: `Rejected by the advertiser: ${why}` }, now);
    if (!reversal.created) {
      // Only a reversal the advertiser itself sent with this id can be there: it must not count as the rejection.
      throw new ConflictError(`Conversion ${conversion.externalId} already has a reversal with id ${REJECTION_KEY}; send a reversal of the rest instead`);
    }
    const rejected = await tx.conversion.update({
      where: { id: conversion.id },
      data: { status: "REJECTED", reasonCode: "rejected_by_advertiser", reason: why, holdUntil: null },
    });
    await recordLeadEvent(tx, conversion.leadId, "conversion", `Conversion ${what} rejected by the advertiser: ${why}`, { conversionId: conversion.id });
    return {
      conversion: rejected,
      changed: true,
      message: billed
        ? `Conversion ${conversion.externalId} rejected: ${formatMoney(refund, conversion.currency)} went back to your wallet.`
        : `Conversion ${conversion.externalId} rejected. It had not been billed yet, so nothing was charged.`,
    };
  });
  // The affiliate's `converted` or `reversed` postback, queued in the transaction, goes out now.
  if (result.changed) await dispatchLeadDeliveries(result.conversion.leadId);
  return result;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Re-decides a rejected conversion as approved and bills it, once per `key` (an approved
 * "wrongly rejected" inquiry), in the caller's transaction. Never billed (a rule rejected it):
 * its one charge. Billed, then rejected by the advertiser (a whole reversal): an entry of the
 * full payout again, keyed by `key`, with a new held earning line. A wallet that cannot pay
 * refuses it (`insufficient_balance`), so nothing is approved unpaid.
 */
export async function reinstateRejectedConversion(tx: Tx, conversionId: string, key: string, reason: string, now: Date): Promise<ReinstatedConversion> {
  const conversion = await lockConversion(tx, conversionId);
  if (!conversion) throw new NotFoundError("Conversion");
  const earlier = await tx.conversionAdjustment.findUnique({ where: { conversionId_key: { conversionId, key } } });
  if (earlier) return { conversion, created: false, journalEntryId: earlier.journalEntryId ?? conversion.journalEntryId };
  if (conversion.status !== "REJECTED") {
    throw new ConflictError(`Conversion ${conversion.externalId} is ${conversion.status.toLowerCase()}, not rejected: there is nothing to re-decide`);
  }
  const what = describeConversion(conversion);
  const undone = {
    conversionId: conversion.id,
    kind: "REVERSAL" as const,
    key,
    saleAmountDeltaCents: conversion.reversedSaleCents,
    payoutDeltaCents: conversion.reversedPayoutCents,
    feeDeltaCents: conversion.reversedFeeCents,
    earningDeltaCents: conversion.reversedPayoutCents - conversion.reversedFeeCents,
    reason,
  };
  const reopened = {
    reversedSaleCents: 0,
    reversedPayoutCents: 0,
    reversedFeeCents: 0,
    reversedAt: null,
    reasonCode: null,
    reason: null,
    holdUntil: null,
  };
  const unpaid = (payout: number) =>
    new ConversionRefusedError(
      "insufficient_balance",
      `The buyer's wallet cannot pay this conversion's payout of ${formatMoney(payout, conversion.currency)}: it must be topped up first. Nothing changed.`,
    );

  if (!conversion.journalEntryId) {
    const fresh = await tx.conversion.update({ where: { id: conversion.id }, data: { ...reopened, status: "RECEIVED" } });
    const outcome = await chargeConversion(tx, fresh, "APPROVED", now);
    if (outcome === "awaiting_funds") throw unpaid(fresh.payoutCents);
    const charged = await tx.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    await tx.conversionAdjustment.create({ data: { ...undone, journalEntryId: null } });
    await recordLeadEvent(tx, conversion.leadId, "conversion", `Rejected conversion ${what} re-decided as approved: ${reason}`, {
      conversionId: conversion.id,
    });
    return { conversion: charged, created: true, journalEntryId: charged.journalEntryId };
  }

  const terms = termsOf(conversion);
  const earning = conversion.payoutCents - conversion.feeCents;
  await lockAffiliateMoney(tx, conversion.affiliateId);
  let entryId: string;
  try {
    ({ entryId } = await postJournalEntry(tx, {
      idempotencyKey: `conversion-reinstated:${conversion.id}:${key}`,
      kind: "CONVERSION_REINSTATED",
      description: `Rejected conversion ${what} re-decided as approved: ${reason}`,
      postings: [
        { account: ledgerAccounts.advertiserWallet(conversion.advertiserId, conversion.currency), amountCents: BigInt(conversion.payoutCents) },
        { account: ledgerAccounts.affiliateHeld(conversion.affiliateId, conversion.currency), amountCents: -BigInt(earning) },
        { account: ledgerAccounts.platformFees(conversion.currency), amountCents: -BigInt(conversion.feeCents) },
      ].filter((p) => p.amountCents !== 0n),
      floors: [await advertiserWalletFloor(tx, conversion.advertiserId, conversion.currency)],
    }));
  } catch (error) {
    if (!(error instanceof InsufficientBalanceError)) throw error;
    throw unpaid(conversion.payoutCents);
  }
  const lockAt = new Date(now.getTime() + terms.lockPeriodDays * DAY_MS);
  const reinstated = await tx.conversion.update({
    where: { id: conversion.id },
    data: { ...reopened, status: "APPROVED", approvedAt: now, billedAt: now, lockAt },
  });
  await tx.conversionAdjustment.create({ data: { ...undone, journalEntryId: entryId } });
  if (earning > 0) {
    await tx.earning.create({
      data: {
        affiliateId: conversion.affiliateId,
        kind: conversion.kind === "ACTION" ? "ACTION" : "SALE",
        leadId: conversion.leadId,
        saleId: conversion.saleId,
        conversionId: conversion.id,
        amountCents: earning,
        currency: conversion.currency,
        description: `Conversion ${what} re-decided as approved`,
        entryId,
        availableAt: lockAt,
      },
    });
  }
  await tx.leadEvent.create({ data: billedTimelineLine(reinstated, "APPROVED", lockAt) });
  await recordLeadEvent(tx, conversion.leadId, "conversion", `Rejected conversion ${what} re-decided as approved: ${reason}`, { conversionId: conversion.id });
  await queueAffiliatePostback(tx, conversion.leadId, "converted", { ...convertedPostback(reinstated), key: `${conversion.id}:${key}` });
  return { conversion: reinstated, created: true, journalEntryId: entryId };
}

export interface ReinstatedConversion {
  conversion: Conversion;
  created: boolean;
  /** The entry that billed it (the conversion's own charge, or the reinstatement). */
  journalEntryId: string | null;
}
