import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lockDueConversions, runConversionUpkeep } from "~/modules/conversions/conversion-billing.server";
import { CONVERSION_REFUSALS, conversionReportSchema } from "~/modules/conversions/conversions.schema";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { closeQueues } from "~/queues/queue.server";
import { enqueueScheduledTask } from "~/queues/scheduled-work.queue.server";
import { prisma } from "~/utils/db.server";
import { percentOfCents } from "~/utils/money";
import { startWorkers } from "../scripts/stack/processes";
import { markConversionFraud } from "~/modules/conversions/conversion-fraud.server";
import { saveOwnPostbackSettings } from "~/modules/deliveries/affiliate-postbacks.server";
import { makeAdmin, makeAdvertiser } from "./factories/accounts";
import { startHttpReceiver } from "./support/http-receiver";
import { fundWallet } from "./factories/billing";
import { useTestStack } from "./support/app";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: true });
const DAY = 86_400_000;
const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const held = (id: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(id, "usd"));
const available = (id: string) => balanceCents(prisma, ledgerAccounts.affiliateAvailable(id, "usd"));
const cps = { pricingModel: "CPS" as const, priceCents: 0, salePercentBps: 1250, conversionEvents: [] };

/** Posts a conversion and waits for the worker to bill it. */
async function billed(apiKey: string, body: Record<string, unknown>) {
  const answer = await postConversion(stack().appUrl, apiKey, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return settledConversion(answer.body.leadex_conversion_id);
}

describe("CPA and CPS conversions", () => {
  it("reads a date-time without an offset as UTC, never as the server's own time zone", () => {
    const read = (occurred_at: string) => conversionReportSchema.parse({ conversion_id: "x", lead_id: "l", occurred_at }).occurred_at?.toISOString();
    expect(read("2026-11-28T14:05")).toBe("2026-11-28T14:05:00.000Z");
    expect(read("2026-11-28 14:05:30")).toBe("2026-11-28T14:05:30.000Z");
    expect(read("2026-11-28T14:05:00+02:00")).toBe("2026-11-28T12:05:00.000Z");
    expect(read("2026-11-28")).toBe("2026-11-28T00:00:00.000Z");
    expect(read("1764338700")).toBe("2025-11-28T14:05:00.000Z");
  });

  it("a CPA lead is delivered free and billed once on its conversion, in one entry keyed by the conversion", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(sale).toMatchObject({ pricingModel: "CPA", priceCents: 0, journalEntryId: null });
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n);

    const answer = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "app-1", event: "funded" });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ conversion_id: "app-1", status: "received", payout: "120.00", event: "funded" });
    const conversion = await settledConversion(answer.body.leadex_conversion_id);
    expect(conversion.status).toBe("PENDING");
    // $120 from the wallet; the platform keeps 20% ($24), the affiliate's $96 is held until the lock.
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 12_000n);
    expect(await held(market.affiliate.actor.companyId)).toBe(9_600n);
    expect(conversion.lockAt!.getTime() - conversion.billedAt!.getTime()).toBe(14 * DAY);

    const again = await postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: lead.id, conversion_id: "app-1", event: "funded" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "pending", duplicate_request: true });
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `conversion:${conversion.id}` } })).toBe(1);
    const timeline = await prisma.leadEvent.findMany({ where: { leadId: lead.id, type: "conversion" } });
    expect(timeline.map((e) => e.message)).toEqual([expect.stringContaining("Conversion action funded (app-1) billed $120.00")]);
    await expectLedgerInvariants();
  });

  it("a CPS sale pays its percentage, rounded half-up as money.ts says, within the offer's minimum and maximum", async () => {
    const market = await makeConversionMarket(stack(), { ...cps, saleMinCents: 500, saleMaxCents: 20_000 });
    const amounts = ["99.99", "20.00", "5000.00"]; // 12.5% → $12.50 (12.49875 rounds up), $2.50 → min $5, $625 → max $200
    const payouts: number[] = [];
    for (const [i, amount] of amounts.entries()) {
      const lead = await deliveredLead(stack(), market);
      const conversion = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: `sale-${i}`, amount, currency: "USD" });
      payouts.push(conversion.payoutCents);
    }
    expect(percentOfCents(9_999, 1250, "half-up")).toBe(1_250);
    expect(payouts).toEqual([1_250, 500, 20_000]);
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 21_750n);
    await expectLedgerInvariants();
  });

  it("the same conversion posted 20 times at once is recorded and billed once", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const body = { lead_id: lead.id, conversion_id: "burst-1", event: "application", occurred_at: new Date().toISOString() };
    const answers = await Promise.all(Array.from({ length: 20 }, () => postConversion(stack().appUrl, market.buyer.apiKey, body)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.leadex_conversion_id)).size).toBe(1);
    await settledConversion(answers[0].body.leadex_conversion_id);
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(1);
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 1_500n);
    await expectLedgerInvariants();
  });

  it("the same conversion id with a different amount is a 409 naming the field", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "order-77", amount: "80.00" });
    const answer = await postConversion(
      stack().appUrl,
      market.buyer.apiKey,
      { lead_id: lead.id, conversion_id: "order-77", amount: "85.00" },
      { format: "form" },
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("conversion_conflict");
    expect(Object.keys(answer.body.error.fields)).toEqual(["amount"]);
    expect(answer.body.error.message).toContain("different amount");
  });

  it("refuses with a clear reason code and status: every refusal the issue names", async () => {
    const market = await makeConversionMarket(stack(), { attributionWindowDays: 10 });
    const lead = await deliveredLead(stack(), market);
    // Delivered 20 days ago, on an offer that attributes conversions for 10 days.
    const delivered = await prisma.leadSale.findFirstOrThrow({ where: { leadId: lead.id } });
    const sale = await prisma.leadSale.update({ where: { id: delivered.id }, data: { soldAt: new Date(delivered.soldAt.getTime() - 20 * DAY) } });
    const inWindow = new Date(sale.soldAt.getTime() + DAY).toISOString();
    const cpsMarket = await makeConversionMarket(stack(), cps);
    const cpsLead = await deliveredLead(stack(), cpsMarket);
    const other = await makeAdvertiser();
    const cplLead = await (async () => {
      const { makeMarket } = await import("./support/selling");
      const cpl = await makeMarket(stack());
      return { lead: await postAndSettle(stack(), cpl.affiliate.apiKey, cpl.offer.id), buyer: cpl.buyer };
    })();
    const key = market.buyer.apiKey;
    const cases: Array<[string, string, Record<string, unknown>, string?]> = [
      ["unknown lead", "unknown_lead", { lead_id: "nope", conversion_id: "r1", event: "funded" }, key],
      ["a lead this advertiser did not buy", "lead_not_bought", { lead_id: lead.id, conversion_id: "r2", event: "funded" }, other.apiKey],
      ["a lead bought on CPL terms", "not_billed_on_conversions", { lead_id: cplLead.lead.id, conversion_id: "r3", event: "funded" }, cplLead.buyer.apiKey],
      [
        "outside the attribution window",
        "outside_attribution_window",
        { lead_id: lead.id, conversion_id: "r4", event: "funded", occurred_at: new Date(sale.soldAt.getTime() + 11 * DAY).toISOString() },
      ],
      ["an event the offer does not pay", "unknown_event", { lead_id: lead.id, conversion_id: "r5", event: "signup", occurred_at: inWindow }],
      ["a currency mismatch", "currency_mismatch", { lead_id: lead.id, conversion_id: "r6", event: "funded", currency: "EUR", occurred_at: inWindow }],
      ["a negative amount", "invalid_amount", { lead_id: cpsLead.id, conversion_id: "r7", amount: "-5" }, cpsMarket.buyer.apiKey],
      ["an absurd amount", "invalid_amount", { lead_id: cpsLead.id, conversion_id: "r8", amount: "99999999999" }, cpsMarket.buyer.apiKey],
      ["a zero sale", "invalid_amount", { lead_id: cpsLead.id, conversion_id: "r9", amount: "0" }, cpsMarket.buyer.apiKey],
      [
        "dated before the lead was delivered",
        "before_delivery",
        { lead_id: lead.id, conversion_id: "r10", event: "funded", occurred_at: new Date(sale.soldAt.getTime() - 60_000).toISOString() },
      ],
      [
        "dated in the future",
        "occurred_in_future",
        { lead_id: lead.id, conversion_id: "r11", event: "funded", occurred_at: new Date(Date.now() + DAY).toISOString() },
      ],
      ["no conversion id", "invalid_fields", { lead_id: lead.id, event: "funded" }],
      ["no lead id", "invalid_fields", { conversion_id: "r12", event: "funded" }],
      ["an amount change for an unknown conversion", "unknown_conversion", { type: "amount_change", conversion_id: "never", amount: "10" }],
    ];
    for (const [what, code, body, apiKey] of cases) {
      const answer = await postConversion(stack().appUrl, apiKey ?? key, body);
      expect(answer.body.error?.code, what).toBe(code);
      expect(answer.status, what).toBe(code === "invalid_fields" ? 422 : CONVERSION_REFUSALS[code as keyof typeof CONVERSION_REFUSALS]);
    }
    const negative = await postConversion(stack().appUrl, cpsMarket.buyer.apiKey, { lead_id: cpsLead.id, conversion_id: "r7", amount: "-5" });
    expect(negative.body.error.fields).toEqual({ amount: "The amount cannot be negative" });
    // Nothing refused was recorded or billed.
    expect(await prisma.conversion.count({ where: { advertiserId: { in: [market.buyer.actor.companyId, other.actor.companyId] } } })).toBe(0);
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n);
    await expectLedgerInvariants();
  });

  it("a reversal that arrives before its conversion is kept and applied when the conversion arrives", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    const early = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "inv-9", amount: "40.00", reversal_id: "re_1" });
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({ status: "reversal_pending" });
    // The same early reversal again is the same one.
    await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "inv-9", amount: "40.00", reversal_id: "re_1" });
    expect(await prisma.pendingConversionReversal.count({ where: { conversionExternalId: "inv-9" } })).toBe(1);

    const conversion = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "inv-9", amount: "100.00" });
    const after = await waitFor("the early reversal to apply", async () => {
      const c = await prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
      return c.reversedSaleCents > 0 ? c : undefined;
    });
    // $100 sale at 12.5% = $12.50; $40 of it refunded reverses 40% = $5.00 (fee $1.00, affiliate $4.00).
    expect(after).toMatchObject({ status: "PENDING", reversedSaleCents: 4_000, reversedPayoutCents: 500, reversedFeeCents: 100 });
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n - 1_250n + 500n);
    expect(await held(market.affiliate.actor.companyId)).toBe(1_000n - 400n);
    await expectLedgerInvariants();
  });

  it("a reversal while pending restores the wallet and the affiliate's held money; partial refunds reverse in proportion, once per refund", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "s-1", amount: "333.33" }); // 12.5% = 41.67 (41.66625 half-up)
    const buyer = market.buyer.actor.companyId;
    const affiliate = market.affiliate.actor.companyId;
    expect(await wallet(buyer)).toBe(50_000n - 4_167n);

    const part = { type: "reversal", conversion_id: "s-1", amount: "111.11", reversal_id: "refund-1", reason: "Partial refund" };
    const [first, retry] = await Promise.all([
      postConversion(stack().appUrl, market.buyer.apiKey, part),
      postConversion(stack().appUrl, market.buyer.apiKey, part),
    ]);
    expect([first.status, retry.status].sort()).toEqual([200, 201]);
    // 111.11 / 333.33 of $41.67 = $13.89.
    expect(await wallet(buyer)).toBe(50_000n - 4_167n + 1_389n);

    const rest = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "s-1", reversal_id: "refund-2" });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ status: "reversed", payout: "0.00", reversed_amount: "333.33" });
    expect(await wallet(buyer)).toBe(50_000n);
    expect(await held(affiliate)).toBe(0n);
    const tooMuch = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "s-1", reversal_id: "refund-3", amount: "1" });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe("conversion_not_reversible");
    // Nothing is released later for a reversed sale.
    await releaseDueEarnings(`run-${randomUUID()}`, new Date(Date.now() + 30 * DAY));
    expect(await available(affiliate)).toBe(0n);
    await expectLedgerInvariants();
  });

  it("an amount change while pending prices the sale again; once locked a conversion is never edited", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    const conversion = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "s-2", amount: "200.00" });
    const buyer = market.buyer.actor.companyId;
    const change = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "amount_change", conversion_id: "s-2", amount: "240.00" });
    expect(change.status).toBe(200);
    expect(change.body).toMatchObject({ amount: "240.00", payout: "30.00" });
    expect(await wallet(buyer)).toBe(50_000n - 3_000n);
    expect(await held(market.affiliate.actor.companyId)).toBe(2_400n);

    // Past the lock period the scheduled job locks it; a later reversal is refused (a dispute instead).
    const later = new Date(conversion.lockAt!.getTime() + 1000);
    expect(await lockDueConversions(later)).toBeGreaterThanOrEqual(1);
    const locked = await prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
    expect(locked).toMatchObject({ status: "LOCKED" });
    const refused = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "s-2" });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conversion_locked", message: expect.stringContaining("open a dispute") });
    const refusedChange = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "amount_change", conversion_id: "s-2", amount: "10" });
    expect(refusedChange.body.error.code).toBe("conversion_locked");
    // Released to the affiliate on the seller-money schedule.
    await releaseDueEarnings(`run-${randomUUID()}`, later);
    expect(await available(market.affiliate.actor.companyId)).toBe(2_400n);
    await expectLedgerInvariants();
  });

  it("a conversion the wallet cannot pay waits for funds and is billed once the advertiser tops up", async () => {
    const market = await makeConversionMarket(stack(), {}, { fundCents: 12_500 });
    const lead = await deliveredLead(stack(), market);
    // Spend the wallet down below one funded payout.
    await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "c-1", event: "funded" });
    const waiting = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "c-2", event: "funded" });
    expect(waiting).toMatchObject({
      status: "RECEIVED",
      reasonCode: "awaiting_funds",
      reason: expect.stringContaining("balance $5.00 is below the payout $120.00"),
    });
    expect(await wallet(market.buyer.actor.companyId)).toBe(500n);
    // No new lead is delivered while the wallet does not cover the order's reserve ($120).
    const skipped = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
    expect(skipped.status).toBe("UNSOLD");
    const events = await prisma.leadEvent.findMany({ where: { leadId: skipped.id, type: "order-skipped" } });
    expect(events.map((e) => e.message).join()).toContain("does not cover the order's reserve $120.00");

    await fundWallet(market.buyer.actor, 20_000, stack().emulator);
    const outcome = await runConversionUpkeep(new Date(Date.now() + 60_000));
    expect(outcome.billed).toBeGreaterThanOrEqual(1);
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ status: "PENDING", reasonCode: null });
    expect(await wallet(market.buyer.actor.companyId)).toBe(500n + 20_000n - 12_000n);
    await expectLedgerInvariants();
  });

  it("a burst of conversions on one wallet bills exactly what the wallet can pay, in order, with two workers, and the rest waits for funds", async () => {
    const market = await makeConversionMarket(stack(), {}, { fundCents: 50_000 });
    const leads: Array<{ id: string }> = [];
    for (let i = 0; i < 3; i++) leads.push(await deliveredLead(stack(), market));
    const second = await startWorkers({ env: stack().env, output: { file: stack().logFile } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          postConversion(stack().appUrl, market.buyer.apiKey, { lead_id: leads[i % 3].id, conversion_id: `burst-funded-${i}`, event: "funded" }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
      await Promise.all(answers.map((a) => settledConversion(a.body.leadex_conversion_id)));
    } finally {
      await second.stop();
      await closeQueues();
    }
    // $500 pays four $120 actions; eight wait, each saying why; the wallet stops at $20.
    const conversions = await prisma.conversion.findMany({ where: { advertiserId: market.buyer.actor.companyId } });
    expect(conversions.filter((c) => c.status === "PENDING")).toHaveLength(4);
    expect(conversions.filter((c) => c.reasonCode === "awaiting_funds")).toHaveLength(8);
    expect(await wallet(market.buyer.actor.companyId)).toBe(2_000n);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: { in: conversions.map((c) => `conversion:${c.id}`) } } })).toBe(4);
    await expectLedgerInvariants();
  });

  it("fires the affiliate's converted and reversed postbacks with this conversion's payout, once each", async () => {
    const tracker = await startHttpReceiver();
    try {
      const market = await makeConversionMarket(stack(), cps);
      await saveOwnPostbackSettings(market.affiliate.actor, {
        postbackUrl: `${tracker.url}/pb?id={lead_id}&event={event}&payout={payout}&what={conversion_event}&sale={sale_amount}&cid={conversion_id}`,
        postbackEvents: ["converted", "reversed"],
      });
      const lead = await deliveredLead(stack(), market);
      const conversion = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "pb-1", amount: "400.00" });
      // $400 at 12.5% = $50; the affiliate earns $40. A $100 refund reverses a quarter: $10 of it.
      await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "pb-1", amount: "100.00", reversal_id: "rf-1" });
      await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "pb-1", amount: "100.00", reversal_id: "rf-1" });
      await waitFor("both postbacks", async () => (tracker.requests.length >= 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      const queries = tracker.requests.map((r) => Object.fromEntries(new URL(r.url, tracker.url).searchParams));
      expect(queries).toEqual([
        { id: lead.externalId, event: "converted", payout: "40.00", what: "sale", sale: "400.00", cid: conversion.id },
        { id: lead.externalId, event: "reversed", payout: "10.00", what: "sale", sale: "100.00", cid: conversion.id },
      ]);
    } finally {
      await tracker.close();
    }
  });

  it("an admin marks a conversion as fraud: reversed and final, audited; once locked the affiliate owes its earning back", async () => {
    const market = await makeConversionMarket(stack());
    const admin = await makeAdmin();
    const lead = await deliveredLead(stack(), market);
    const pending = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "f-1", event: "funded" });
    const locked = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "f-2", event: "application" });
    // f-2's lock period has passed (and its earning was released); f-1 is still pending.
    await prisma.conversion.update({ where: { id: locked.id }, data: { lockAt: new Date(Date.now() - 1000) } });
    await prisma.earning.updateMany({ where: { conversionId: locked.id }, data: { availableAt: new Date(Date.now() - 1000) } });
    await lockDueConversions();
    await releaseDueEarnings(`run-${randomUUID()}`);
    const affiliate = market.affiliate.actor.companyId;
    expect(await available(affiliate)).toBe(1_200n);
    expect(await held(affiliate)).toBe(9_600n);

    await expect(markConversionFraud(admin.actor, pending.id, "")).rejects.toMatchObject({ status: 400 });
    await expect(markConversionFraud(market.buyer.actor, pending.id, "stolen card")).rejects.toMatchObject({ status: 403 });
    await markConversionFraud(admin.actor, pending.id, "stolen card");
    await markConversionFraud(admin.actor, locked.id, "fake application");
    await expect(markConversionFraud(admin.actor, locked.id, "again")).rejects.toMatchObject({ status: 409 });
    expect(await wallet(market.buyer.actor.companyId)).toBe(50_000n);
    expect(await available(affiliate)).toBe(0n);
    expect(await held(affiliate)).toBe(0n);
    const clawback = await prisma.earning.findFirstOrThrow({ where: { conversionId: locked.id, kind: "CLAWBACK" } });
    expect(clawback.amountCents).toBe(-1_200);
    expect(await prisma.auditLog.count({ where: { action: "conversion.fraud", targetId: { in: [pending.id, locked.id] } } })).toBe(2);
    const refused = await postConversion(stack().appUrl, market.buyer.apiKey, { type: "reversal", conversion_id: "f-1" });
    expect(refused.body.error).toMatchObject({ code: "conversion_not_reversible", message: expect.stringContaining("is fraud") });
    await expectLedgerInvariants();
  });

  it("approval after the lock period happens once with two workers running the upkeep at the same moment", async () => {
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);
    const conversion = await billed(market.buyer.apiKey, { lead_id: lead.id, conversion_id: "lock-1", event: "application" });
    await prisma.conversion.update({ where: { id: conversion.id }, data: { lockAt: new Date(Date.now() - 1000) } });
    const second = await startWorkers({ env: stack().env, output: { file: stack().logFile } });
    try {
      await Promise.all([enqueueScheduledTask("conversion-upkeep", `a-${randomUUID()}`), enqueueScheduledTask("conversion-upkeep", `b-${randomUUID()}`)]);
      const locked = await waitFor("the conversion to lock", async () => {
        const c = await prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
        return c.status === "LOCKED" ? c : undefined;
      });
      await new Promise((r) => setTimeout(r, 1500));
      const again = await prisma.conversion.findUniqueOrThrow({ where: { id: conversion.id } });
      expect(again.lockedAt).toEqual(locked.lockedAt);
      expect(again.approvedAt).toEqual(locked.approvedAt);
    } finally {
      await second.stop();
      await closeQueues();
    }
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: { startsWith: `conversion:${conversion.id}` } } })).toBe(1);
    await expectLedgerInvariants();
  });
});
