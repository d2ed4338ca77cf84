import type { Conversion, Dispute } from "~/generated/prisma/client";
import { isLocked, reverseConversionInTx } from "~/modules/conversions/conversion-corrections.server";
import { describeConversion } from "~/modules/conversions/conversion-rows.server";
import { prisma, type Tx } from "~/utils/db.server";
import { parseOrThrow } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import {
  CONVERSION_DISPUTE_REASON_LABELS,
  conversionDisputeRequestSchema,
  readConversionDisputeClaim,
  type ConversionDisputeClaim,
} from "./conversion-disputes.schema";
import { DisputeRefusedError } from "./dispute-errors";
import { addEvidence } from "./dispute-evidence.server";
import { approvalStep, approvedColumns, day, isUniqueViolation, responseDeadline } from "./dispute-opening.server";
import { recordDisputeStep } from "./dispute-steps.server";
import type { ConversionDisputeReasonCode, Finding } from "./disputes.schema";
import type { ApprovalContext } from "./lead-returns.server";

// Conversion disputes (advertiser → affiliate → admin): the buyer disputes a conversion it
// approved or that locked (a sale refunded after the lock, a chargeback). The seller accepts or
// contests; no answer by the deadline accepts it; an admin decides a contest. Approval reverses
// the conversion, or the refunded part of a sale, past the lock: the affiliate owes it back.

export const conversionDisputeKey = (conversionId: string) => `conversion-dispute:${conversionId}`;

/** An advertiser disputes one of its billed, approved or locked conversions. */
export async function openConversionDispute(actor: Actor, record: Record<string, unknown>, options: { now?: Date } = {}): Promise<Dispute> {
  requirePermission(actor, "write:dispute:own");
  if (actor.role !== "ADVERTISER") throw new DisputeRefusedError("forbidden", 403, "Only the buyer of a conversion disputes it");
  const input = parseOrThrow(conversionDisputeRequestSchema, record);
  const now = options.now ?? new Date();
  const conversion = await prisma.conversion.findFirst({
    where: { advertiserId: actor.companyId, OR: [{ id: input.conversion_id }, { externalId: input.conversion_id }] },
  });
  if (!conversion) {
    throw new DisputeRefusedError("conversion_not_found", 404, `No conversion ${input.conversion_id} among yours`, {
      conversion_id: "Not one of your conversions",
    });
  }
  checkDisputable(conversion, now);
  const remaining = (conversion.saleAmountCents ?? 0) - conversion.reversedSaleCents;
  if (input.amount !== undefined) {
    if (conversion.kind === "ACTION")
      throw new DisputeRefusedError("invalid_fields", 422, "A CPA action is disputed whole", { amount: "Leave out for an action" });
    if (input.amount <= 0) throw new DisputeRefusedError("invalid_fields", 422, "A refunded amount is more than 0", { amount: "Must be more than 0" });
    if (input.amount > remaining) {
      const message = `Only ${formatMoney(remaining, conversion.currency)} of this sale is left to dispute`;
      throw new DisputeRefusedError("invalid_fields", 422, message, { amount: message });
    }
  }
  const reason = input.reason as ConversionDisputeReasonCode;
  const label = CONVERSION_DISPUTE_REASON_LABELS[reason];
  const claim: ConversionDisputeClaim = {
    conversion_external_id: conversion.externalId,
    refunded_amount_cents: input.amount ?? null,
    payout_cents: conversion.payoutCents - conversion.reversedPayoutCents,
    currency: conversion.currency,
  };
  const key = conversionDisputeKey(conversion.id);
  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.dispute.findUnique({ where: { key }, select: { id: true, status: true } });
      if (existing) throw alreadyDisputed(conversion, existing);
      const responseDueAt = responseDeadline(now);
      const lead = await tx.lead.findUniqueOrThrow({ where: { id: conversion.leadId }, select: { externalId: true } });
      const dispute = await tx.dispute.create({
        data: {
          kind: "CONVERSION_DISPUTE",
          key,
          leadId: conversion.leadId,
          saleId: conversion.saleId,
          orderId: conversion.orderId,
          offerId: conversion.offerId,
          advertiserId: conversion.advertiserId,
          affiliateId: conversion.affiliateId,
          conversionId: conversion.id,
          openedById: actor.userId,
          openedByRole: actor.role,
          reasonCode: reason,
          note: input.note ?? null,
          claim,
          finding: conversionFinding(conversion, now),
          responseDueAt,
        },
      });
      await addEvidence(tx, dispute.id, "opener", actor.userId, input);
      const what = `${describeConversion(conversion)}${claim.refunded_amount_cents !== null ? `, ${formatMoney(claim.refunded_amount_cents, claim.currency)} of it` : ""}`;
      await recordDisputeStep(tx, dispute, "opened", {
        actorId: actor.userId,
        message: `Conversion dispute opened by the buyer: ${label}, ${what}${input.note ? ` ("${input.note.slice(0, 200)}")` : ""}`,
        data: { reasonCode: reason, conversionId: conversion.id },
      });
      await recordDisputeStep(tx, dispute, "awaiting_response", {
        actorId: null,
        message: `The seller has until ${responseDueAt.toISOString()} to accept or contest it`,
        tell: {
          affiliate:
            `A buyer disputes a conversion on your lead ${lead.externalId}: ${label}, ${what}. ` +
            `Accept or contest it by ${responseDueAt.toISOString()}; with no answer by then it is accepted and the earning is reversed.`,
        },
      });
      return dispute;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const existing = await prisma.dispute.findUnique({ where: { key }, select: { id: true, status: true } });
      if (existing) throw alreadyDisputed(conversion, existing);
    }
    throw error;
  }
}

function alreadyDisputed(conversion: Conversion, existing: { id: string; status: string }) {
  return new DisputeRefusedError(
    "dispute_exists",
    409,
    `Conversion ${conversion.externalId} is already disputed (${existing.id}, ${existing.status.toLowerCase().replace("_", " ")}): a conversion is disputed once`,
    undefined,
    existing.id,
  );
}

/** Only a billed conversion that is approved or locked: anything earlier is reversed directly. */
function checkDisputable(conversion: Conversion, now: Date) {
  const id = conversion.externalId;
  if (["REVERSED", "REJECTED", "FRAUD"].includes(conversion.status)) {
    throw new DisputeRefusedError(
      "conversion_already_reversed",
      409,
      `Conversion ${id} is ${conversion.status.toLowerCase()}: there is nothing left to dispute`,
    );
  }
  if (!conversion.journalEntryId) {
    throw new DisputeRefusedError(
      "conversion_not_billed",
      409,
      `Conversion ${id} was not billed: nothing was charged for it. Reverse it with POST /api/v1/conversions (type=reversal) instead`,
    );
  }
  if (conversion.status !== "APPROVED" && !isLocked(conversion, now)) {
    throw new DisputeRefusedError(
      "conversion_still_pending",
      409,
      `Conversion ${id} is still ${conversion.status.toLowerCase()}: reverse it directly with POST /api/v1/conversions (type=reversal) or reject it; disputes are for approved or locked conversions`,
    );
  }
}

function conversionFinding(conversion: Conversion, now: Date): Finding {
  const locked = isLocked(conversion, now);
  const payout = conversion.payoutCents - conversion.reversedPayoutCents;
  const facts = [
    `Tracked as ${describeConversion(conversion)} on ${day(conversion.occurredAt)}`,
    `Billed ${formatMoney(payout, conversion.currency)}${conversion.billedAt ? ` on ${day(conversion.billedAt)}` : ""}`,
    locked
      ? `Locked since ${day(conversion.lockedAt ?? conversion.lockAt ?? now)}: the seller's earning may already be paid`
      : `Approved; locks on ${conversion.lockAt ? day(conversion.lockAt) : "—"}`,
  ];
  if (conversion.reversedSaleCents > 0) facts.push(`Already partly reversed: ${formatMoney(conversion.reversedSaleCents, conversion.currency)} of the sale`);
  return { verdict: "unknown", summary: locked ? "A locked conversion: only an approved dispute reverses it" : "An approved conversion", facts };
}

/**
 * Approves a conversion dispute in the caller's transaction: the conversion (or the refunded part
 * of the sale) is reversed past its lock, keyed by the dispute, with the affiliate's `reversed`
 * postback. A conversion reversed meanwhile by other means is approved with nothing more to move.
 */
export async function approveConversionDispute(tx: Tx, dispute: Dispute, ctx: ApprovalContext): Promise<Dispute> {
  const claim = readConversionDisputeClaim(dispute.claim);
  const label = CONVERSION_DISPUTE_REASON_LABELS[dispute.reasonCode as ConversionDisputeReasonCode] ?? dispute.reasonCode;
  const conversion = await tx.conversion.findUniqueOrThrow({ where: { id: dispute.conversionId! } });
  const key = `dispute:${dispute.id}`;
  const remaining = (conversion.saleAmountCents ?? 0) - conversion.reversedSaleCents;
  const gone = ["REVERSED", "REJECTED", "FRAUD"].includes(conversion.status) || (conversion.kind === "SALE" && remaining <= 0);
  let journalEntryId: string | null = null;
  let moneyWords = "It had been reversed meanwhile: nothing more to move";
  const already = await tx.conversionAdjustment.findUnique({ where: { conversionId_key: { conversionId: conversion.id, key } } });
  if (already || !gone) {
    const part = conversion.kind === "SALE" && claim.refunded_amount_cents !== null ? Math.min(claim.refunded_amount_cents, remaining) : null;
    await reverseConversionInTx(tx, conversion.id, { key, saleAmountCents: part, reason: `Dispute ${dispute.id} (${label}): ${ctx.reason}` }, ctx.now, {
      overrideLock: true,
    });
    const adjustment = await tx.conversionAdjustment.findUniqueOrThrow({ where: { conversionId_key: { conversionId: conversion.id, key } } });
    journalEntryId = adjustment.journalEntryId;
    moneyWords = `${formatMoney(-adjustment.payoutDeltaCents, conversion.currency)} back to the buyer${part !== null ? ` for ${formatMoney(part, conversion.currency)} of the sale` : ""}; the seller's earning is reversed`;
  }
  const approved = await tx.dispute.update({ where: { id: dispute.id }, data: { ...approvedColumns(ctx), journalEntryId } });
  const how = {
    EVIDENCE: `Approved by the platform's evidence: ${ctx.reason}`,
    RESPONDENT: "The seller accepted it",
    DEADLINE: "The seller did not answer before the deadline",
    ADMIN: `Approved by an admin: ${ctx.reason}`,
  }[ctx.resolvedBy];
  const lead = await tx.lead.findUniqueOrThrow({ where: { id: dispute.leadId }, select: { externalId: true } });
  await recordDisputeStep(tx, dispute, approvalStep(ctx), {
    actorId: ctx.actorId,
    message: `Conversion dispute approved (${label}). ${how}. ${moneyWords}`,
    data: { journalEntryId, conversionId: conversion.id },
    tell: {
      advertiser: `Your dispute ${dispute.id} of conversion ${claim.conversion_external_id} (${label}) is approved. ${how}. ${moneyWords}.`,
      ...(ctx.resolvedBy === "RESPONDENT"
        ? {}
        : { affiliate: `The dispute ${dispute.id} of a conversion on your lead ${lead.externalId} (${label}) is approved. ${how}. ${moneyWords}.` }),
    },
  });
  return approved;
}
