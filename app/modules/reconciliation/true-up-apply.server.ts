import type { Conversion, TrueUpRow } from "~/generated/prisma/client";
import { applyReversal, changeSaleAmount, isLocked } from "~/modules/conversions/conversion-corrections.server";
import { reportConversion } from "~/modules/conversions/conversion-intake.server";
import { repriceConversion } from "~/modules/conversions/conversion-repricing.server";
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

/** Re-prices a conversion as a true-up lists it, once per (conversion, true-up) (conversion-repricing.server.ts). */
export async function adjustConversionForTrueUp(
  conversionId: string,
  trueUpId: string,
  target: { event: string | null; saleAmountCents: number | null },
  reason: string,
  now: Date = new Date(),
): Promise<{ conversion: Conversion; created: boolean }> {
  return prisma.$transaction((tx) =>
    repriceConversion(
      tx,
      conversionId,
      {
        key: `true-up:${trueUpId}`,
        journalKey: `conversion-true-up:${conversionId}:${trueUpId}`,
        target,
        reason,
        by: "a true-up",
        unlockedKind: "TRUE_UP",
        unlockedJournalKind: "CONVERSION_TRUE_UP",
      },
      now,
    ),
  );
}
