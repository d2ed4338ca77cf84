import type { Conversion } from "~/generated/prisma/client";
import { advertiserWalletFloor } from "~/modules/billing/lead-sales.server";
import { queueAffiliatePostback } from "~/modules/deliveries/affiliate-postbacks.server";
import { ledgerAccounts, postJournalEntryBatch, type JournalEntryInput } from "~/modules/ledger/ledger.server";
import { CONVERSION_BILLING_QUEUE, conversionBillingKey } from "~/queues/conversion-billing.queue.server";
import { prisma, type Tx } from "~/utils/db.server";
import { applyRuleDecision, billedEarningLine, billedTimelineLine, chargeConversion, conversionFacts, convertedPostback } from "./conversion-billing.server";
import { applyPendingReversals } from "./conversion-corrections.server";
import { decideByRules } from "./conversion-rules";
import { describeConversion, termsOf } from "./conversion-rows.server";

// The worker's hot path (ADR 006): every RECEIVED conversion of one advertiser billed together,
// in one transaction and a fixed number of statements however many there are. The outcome of
// each is what `billConversion` would decide for it alone: rules first (reject, hold, approve),
// then one entry keyed by the conversion, checked in order against the wallet's floor.

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH_LIMIT = 500;

export interface BatchBillingOutcome {
  billed: number;
  held: number;
  rejected: number;
  awaitingFunds: number;
  /** Leads whose affiliate postbacks were queued (to dispatch once committed). */
  postbackLeadIds: string[];
}

type Claimed = Conversion & { lead: { subIds: unknown } };

function chargeEntry(c: Conversion): JournalEntryInput {
  const payout = c.payoutCents - c.reversedPayoutCents;
  const fee = c.feeCents - c.reversedFeeCents;
  return {
    idempotencyKey: `conversion:${c.id}`,
    kind: c.kind === "ACTION" ? "CONVERSION_ACTION" : "CONVERSION_SALE",
    description: `Conversion ${describeConversion(c)} on lead ${c.leadId}`,
    postings: [
      { account: ledgerAccounts.advertiserWallet(c.advertiserId, c.currency), amountCents: BigInt(payout) },
      { account: ledgerAccounts.affiliateHeld(c.affiliateId, c.currency), amountCents: -BigInt(payout - fee) },
      { account: ledgerAccounts.platformFees(c.currency), amountCents: -BigInt(fee) },
    ].filter((p) => p.amountCents !== 0n),
  };
}

/** Bills up to 500 of the advertiser's RECEIVED conversions (oldest first); others' locks are skipped, not waited on. */
export async function billReceivedConversions(advertiserId: string, now: Date = new Date()): Promise<BatchBillingOutcome> {
  return prisma.$transaction(async (tx) => {
    const outcome: BatchBillingOutcome = { billed: 0, held: 0, rejected: 0, awaitingFunds: 0, postbackLeadIds: [] };
    const claimed = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Conversion"
      WHERE "advertiserId" = ${advertiserId} AND status = 'RECEIVED' AND "reasonCode" IS DISTINCT FROM 'awaiting_funds'
      ORDER BY "receivedAt" LIMIT ${BATCH_LIMIT} FOR UPDATE SKIP LOCKED`;
    if (claimed.length === 0) return outcome;
    const conversions: Claimed[] = await tx.conversion.findMany({
      where: { id: { in: claimed.map((c) => c.id) } },
      include: { lead: { select: { subIds: true } } },
      orderBy: { receivedAt: "asc" },
    });
    const advertiser = await tx.company.findUniqueOrThrow({ where: { id: advertiserId }, select: { conversionRules: true } });

    const toCharge: Array<{ conversion: Claimed; status: "PENDING" | "APPROVED" }> = [];
    for (const conversion of conversions) {
      const decision = decideByRules(advertiser.conversionRules, conversionFacts(conversion, conversion.lead.subIds));
      const decided = await applyRuleDecision(tx, conversion, decision, now);
      if (decided === "rejected") outcome.rejected++;
      else if (decided === "held") outcome.held++;
      else if (conversion.payoutCents - conversion.reversedPayoutCents <= 0) {
        await tx.conversion.update({ where: { id: conversion.id }, data: { status: "REVERSED", reversedAt: conversion.reversedAt ?? now } });
      } else {
        toCharge.push({ conversion, status: decision?.action === "approve" ? "APPROVED" : "PENDING" });
      }
    }

    if (toCharge.length > 0) await chargeAll(tx, advertiserId, toCharge, now, outcome);

    const externalIds = conversions.map((c) => c.externalId);
    const early = await tx.pendingConversionReversal.findMany({
      where: { advertiserId, conversionExternalId: { in: externalIds }, appliedAt: null },
      select: { conversionExternalId: true },
    });
    for (const externalId of new Set(early.map((e) => e.conversionExternalId))) {
      await applyPendingReversals(tx, conversions.find((c) => c.externalId === externalId)!.id, now);
    }
    await tx.outboxMessage.updateMany({
      where: { queue: CONVERSION_BILLING_QUEUE, key: { in: conversions.map((c) => conversionBillingKey(c.id)) }, processedAt: null },
      data: { processedAt: now },
    });
    return outcome;
  });
}

async function chargeAll(
  tx: Tx,
  advertiserId: string,
  toCharge: Array<{ conversion: Claimed; status: "PENDING" | "APPROVED" }>,
  now: Date,
  outcome: BatchBillingOutcome,
) {
  const currency = toCharge[0].conversion.currency;
  const sameCurrency = toCharge.filter((t) => t.conversion.currency === currency);
  // Another currency (not sold yet: every offer is in DEFAULT_CURRENCY) goes one by one.
  for (const other of toCharge.filter((t) => t.conversion.currency !== currency)) {
    if ((await chargeConversion(tx, other.conversion, other.status, now)) === "billed") outcome.billed++;
  }
  const results = await postJournalEntryBatch(
    tx,
    sameCurrency.map((t) => chargeEntry(t.conversion)),
    await advertiserWalletFloor(tx, advertiserId, currency),
  );
  const billed: Array<{ conversion: Claimed; status: "PENDING" | "APPROVED"; entryId: string; lockAt: Date }> = [];
  for (const [i, result] of results.entries()) {
    const { conversion, status } = sameCurrency[i];
    if ("refused" in result) {
      outcome.awaitingFunds++;
      const reason = `Waiting for funds: ${result.refused.describe("payout")}`;
      await tx.conversion.update({ where: { id: conversion.id }, data: { reasonCode: "awaiting_funds", reason } });
      await tx.leadEvent.create({
        data: { leadId: conversion.leadId, type: "conversion", message: `Conversion ${describeConversion(conversion)} not billed yet: ${reason}` },
      });
      continue;
    }
    billed.push({ conversion, status, entryId: result.entryId, lockAt: new Date(now.getTime() + termsOf(conversion).lockPeriodDays * DAY_MS) });
  }
  if (billed.length === 0) return;
  outcome.billed += billed.length;
  await tx.$executeRaw`
    UPDATE "Conversion" c SET status = v.status::"ConversionStatus", "billedAt" = ${now}, "lockAt" = v.lock_at, "journalEntryId" = v.entry_id,
      "reasonCode" = NULL, reason = NULL, "approvedAt" = CASE WHEN v.status = 'APPROVED' THEN ${now}::timestamp ELSE NULL END
    FROM unnest(${billed.map((b) => b.conversion.id)}::text[], ${billed.map((b) => b.status)}::text[], ${billed.map((b) => b.lockAt)}::timestamp[], ${billed.map((b) => b.entryId)}::text[])
      AS v(id, status, lock_at, entry_id)
    WHERE c.id = v.id`;
  await tx.earning.createMany({
    data: billed.map(({ conversion, entryId, lockAt }) => billedEarningLine(conversion, entryId, lockAt)).filter((line) => line.amountCents > 0),
    skipDuplicates: true,
  });
  await tx.leadEvent.createMany({ data: billed.map(({ conversion, status, lockAt }) => billedTimelineLine(conversion, status, lockAt)) });
  // Postbacks only for affiliates that asked for `converted` ones.
  const affiliateIds = [...new Set(billed.map((b) => b.conversion.affiliateId))];
  const listening = await tx.company.findMany({
    where: { id: { in: affiliateIds }, postbackUrl: { not: null }, postbackEvents: { has: "converted" } },
    select: { id: true },
  });
  const listeners = new Set(listening.map((c) => c.id));
  for (const { conversion: c } of billed.filter((b) => listeners.has(b.conversion.affiliateId))) {
    await queueAffiliatePostback(tx, c.leadId, "converted", convertedPostback(c));
    outcome.postbackLeadIds.push(c.leadId);
  }
}
