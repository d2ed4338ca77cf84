import type { Conversion, TrueUpRow } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { applyReversal, changeSaleAmount, isLocked } from "~/modules/conversions/conversion-corrections.server";
import { ConversionRefusedError } from "~/modules/conversions/conversion-errors";
import { reportConversion } from "~/modules/conversions/conversion-intake.server";
import { describeConversion, lockConversion, termsOf } from "~/modules/conversions/conversion-rows.server";
import { conversionPrice } from "~/modules/conversions/conversion-terms";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { InsufficientBalanceError, ledgerAccounts, postJournalEntry, type PostingInput } from "~/modules/ledger/ledger.server";
import { markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { TRUE_UP_QUEUE, trueUpJobKey } from "~/queues/true-up.queue.server";
import { prisma } from "~/utils/db.server";
import { isDomainError } from "~/utils/errors";
import { centsToDecimal, formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { APPLIED_ACTIONS } from "./true-up.schema";

// Applying an approved true-up (the worker): each proposal through the conversions' own write
// paths, each with its own ledger key. A late conversion is recorded by `reportConversion` as the
// advertiser (source TRUE_UP) and billed by the billing worker like any other; an amount that
// differs on a pending sale goes through `changeSaleAmount`; a reversal through `applyReversal`
// keyed by the true-up; an event that differs, or a locked conversion the offer lets be adjusted,
// through `adjustConversionForTrueUp` below. A row is marked applied (or refused, with the words)
// after its change commits; a retried job skips it, and the keys make a repeat post nothing.

const APPLY_BATCH = 200;

export interface ApplyOutcome {
  applied: number;
  refused: number;
}

/** Applies what is left of an approved true-up's proposals; safe to run again. */
export async function applyApprovedTrueUp(trueUpId: string, now: Date = new Date()): Promise<ApplyOutcome> {
  const trueUp = await prisma.trueUp.findUnique({ where: { id: trueUpId } });
  const outcome: ApplyOutcome = { applied: 0, refused: 0 };
  if (!trueUp || trueUp.status !== "APPROVED") return outcome;
  const advertiser: Actor = { userId: null, companyId: trueUp.advertiserId, role: "ADVERTISER" };
  const label = `True-up ${trueUp.id} (${trueUp.periodStart.toISOString().slice(0, 10)} to ${new Date(trueUp.periodEnd.getTime() - 1).toISOString().slice(0, 10)})`;
  for (;;) {
    const rows = await prisma.trueUpRow.findMany({
      where: { trueUpId, action: { in: [...APPLIED_ACTIONS] }, appliedAt: null },
      orderBy: [{ rowNumber: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      take: APPLY_BATCH,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      const result = await applyRow(advertiser, trueUpId, label, row, now);
      await prisma.trueUpRow.update({
        where: { id: row.id },
        data: {
          appliedAt: new Date(),
          result: result.ok ? "applied" : "refused",
          resultMessage: result.message,
          conversionId: result.conversionId ?? row.conversionId,
        },
      });
      if (result.ok) outcome.applied++;
      else outcome.refused++;
    }
  }
  await prisma.trueUp.updateMany({ where: { id: trueUpId, appliedAt: null }, data: { appliedAt: new Date() } });
  await markOutboxProcessed(prisma, TRUE_UP_QUEUE, trueUpJobKey(trueUpId, "apply"));
  return outcome;
}

interface RowResult {
  ok: boolean;
  message: string;
  conversionId?: string | null;
}

/** A refusal in the words the API would answer with. */
function refusal(error: unknown): RowResult {
  if (!isDomainError(error)) throw error;
  const fields = Object.entries(error.fieldErrors ?? {}).map(([f, m]) => `${f}: ${m}`);
  return { ok: false, message: fields.length > 0 && error.code === "invalid_fields" ? fields.join("; ") : error.message };
}

async function applyRow(advertiser: Actor, trueUpId: string, label: string, row: TrueUpRow, now: Date): Promise<RowResult> {
  try {
    if (row.action === "record") return await recordLate(advertiser, row);
    const conversion = row.conversionId ? await prisma.conversion.findUnique({ where: { id: row.conversionId } }) : null;
    if (!conversion) return { ok: false, message: "The conversion is gone" };
    const key = `true-up:${trueUpId}`;
    if (row.action === "reverse") {
      const reason = row.outcome === "ONLY_LEADEX" ? `${label}: not in the advertiser's list` : `${label}: listed with no sale`;
      const result = await applyReversal(conversion.id, { key, saleAmountCents: null, reason }, now);
      return {
        ok: true,
        message: result.created ? `Reversed: ${formatMoney(result.conversion.reversedPayoutCents, conversion.currency)} back to the buyer` : "Already reversed",
      };
    }
    return await adjust(conversion, row, trueUpId, label, now);
  } catch (error) {
    return refusal(error);
  }
}

async function recordLate(advertiser: Actor, row: TrueUpRow): Promise<RowResult> {
  const answer = await reportConversion(
    advertiser,
    {
      type: "conversion",
      conversion_id: row.externalId,
      lead_id: row.leadId ?? undefined,
      event: row.event ?? undefined,
      amount: row.saleAmountCents === null ? undefined : centsToDecimal(row.saleAmountCents),
      currency: row.currency ?? undefined,
      occurred_at: row.occurredAt?.toISOString(),
    },
    "TRUE_UP",
  );
  const payout = String(answer.body.payout);
  if (answer.httpStatus === 202) return { ok: true, message: `Recorded: payout ${payout}, billed by the worker`, conversionId: answer.conversionId };
  return { ok: true, message: `Already recorded under this id (payout ${payout}): nothing more`, conversionId: answer.conversionId };
}

async function adjust(conversion: Conversion, row: TrueUpRow, trueUpId: string, label: string, now: Date): Promise<RowResult> {
  const reason = `${label}: the advertiser's list says ${conversion.kind === "ACTION" ? `event ${row.event}` : `a sale of ${formatMoney(row.saleAmountCents ?? 0, conversion.currency)}`}`;
  if (conversion.kind === "SALE" && row.saleAmountCents !== null && !isLocked(conversion, now)) {
    const net = (conversion.saleAmountCents ?? 0) - conversion.reversedSaleCents;
    if (conversion.reversedSaleCents > 0 && row.saleAmountCents < net) {
      // Partly reversed already: the rest of the difference is one more part reversed.
      const result = await applyReversal(conversion.id, { key: `true-up:${trueUpId}`, saleAmountCents: net - row.saleAmountCents, reason }, now);
      return {
        ok: true,
        message: result.created
          ? `Partly reversed: payout now ${formatMoney(result.conversion.payoutCents - result.conversion.reversedPayoutCents, conversion.currency)}`
          : "Already adjusted",
      };
    }
    const result = await changeSaleAmount(conversion.id, row.saleAmountCents, reason, now);
    return {
      ok: true,
      message: result.created ? `Sale amount changed: payout now ${formatMoney(result.conversion.payoutCents, conversion.currency)}` : "Already at this amount",
    };
  }
  const result = await adjustConversionForTrueUp(conversion.id, trueUpId, { event: row.event, saleAmountCents: row.saleAmountCents }, reason, now);
  return { ok: true, message: result.created ? `Adjusted: payout now ${formatMoney(result.conversion.payoutCents, conversion.currency)}` : "Already adjusted" };
}

/**
 * Re-prices a conversion as a true-up lists it (another CPA event, or a locked CPS sale's amount
 * where the offer allows locked adjustments), once per (conversion, true-up): one entry of the
 * difference keyed `conversion-true-up:<conversion>:<true-up>`. While pending it moves held money
 * (a line released with the conversion); after the lock it moves available money (a line released
 * at once, a CLAWBACK when it takes back). The wallet's floor is checked when it costs more.
 */
export async function adjustConversionForTrueUp(
  conversionId: string,
  trueUpId: string,
  target: { event: string | null; saleAmountCents: number | null },
  reason: string,
  now: Date = new Date(),
): Promise<{ conversion: Conversion; created: boolean }> {
  return prisma.$transaction(async (tx) => {
    const conversion = await lockConversion(tx, conversionId);
    if (!conversion) throw new ConversionRefusedError("unknown_conversion", "Unknown conversion");
    const key = `true-up:${trueUpId}`;
    const earlier = await tx.conversionAdjustment.findUnique({ where: { conversionId_key: { conversionId, key } } });
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
    if (locked && !terms.allowsLockedAdjustments) {
      throw new ConversionRefusedError(
        "conversion_locked",
        `Conversion ${conversion.externalId} is locked and its offer allows no adjustment: open a dispute instead`,
      );
    }
    const event = conversion.kind === "ACTION" ? (target.event ?? conversion.event) : null;
    const saleAmountCents = conversion.kind === "SALE" ? (target.saleAmountCents ?? conversion.saleAmountCents) : null;
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
          idempotencyKey: `conversion-true-up:${conversion.id}:${trueUpId}`,
          kind: locked ? "CONVERSION_LOCKED_ADJUSTMENT" : "CONVERSION_TRUE_UP",
          description: `Conversion ${what} re-priced by a true-up to ${formatMoney(price.payoutCents, conversion.currency)}: ${reason}`,
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
            description: `Conversion ${conversion.externalId} re-priced by a true-up`,
            entryId: journalEntryId,
            ...(locked ? { availableAt: now, releasedAt: now, releaseEntryId: journalEntryId } : { availableAt: conversion.lockAt ?? now }),
          },
        });
      }
    }
    await tx.conversionAdjustment.create({
      data: {
        conversionId: conversion.id,
        kind: locked ? "LOCKED_ADJUSTMENT" : "TRUE_UP",
        key,
        saleAmountDeltaCents: (saleAmountCents ?? 0) - (conversion.saleAmountCents ?? 0),
        payoutDeltaCents: payoutDelta,
        feeDeltaCents: feeDelta,
        earningDeltaCents: earningDelta,
        reason,
        journalEntryId,
      },
    });
    const updated = await tx.conversion.update({ where: { id: conversion.id }, data: { event, saleAmountCents, ...price } });
    await recordLeadEvent(
      tx,
      conversion.leadId,
      "conversion",
      `Conversion ${what} re-priced by a true-up: payout ${formatMoney(conversion.payoutCents, conversion.currency)} → ${formatMoney(price.payoutCents, conversion.currency)}`,
      { conversionId: conversion.id, payoutCents: payoutDelta },
    );
    return { conversion: updated, created: true };
  });
}
