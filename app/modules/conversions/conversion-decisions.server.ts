import type { Conversion } from "~/generated/prisma/client";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { prisma } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { chargeConversion } from "./conversion-billing.server";
import { isLocked, reverseWholeConversion } from "./conversion-corrections.server";
import { ConversionRefusedError } from "./conversion-errors";
import { describeConversion, lockConversion } from "./conversion-rows.server";

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
