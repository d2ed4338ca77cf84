import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lockDueConversions } from "~/modules/conversions/conversion-billing.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { listStuck } from "~/modules/reconciliation/conversion-stuck.server";
import { runConversionReconciliation } from "~/modules/reconciliation/conversion-reconciliation.server";
import { conversionRunReportOf, type LowRateFlag } from "~/modules/reconciliation/reconciliation.schema";
import { applyApprovedTrueUp } from "~/modules/reconciliation/true-up-apply.server";
import { trueUpSummaryOf } from "~/modules/reconciliation/true-up.schema";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitAndFollow, submitForm, useTestStack } from "./support/app";
import { CPA_EVENTS, deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

// Workers that reconcile conversions: true-ups (an advertiser's own list matched against what
// Leadex recorded, approved by an admin), the under-reporting watch, and the stuck states.

// The upkeep job would lock the conversions this file leaves pending on purpose.
const stack = useTestStack({ workers: true, env: { CONVERSION_UPKEEP_EVERY_MS: "3600000" } });
const DAY = 24 * 60 * 60 * 1000;
const wallet = (id: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"));
const cps = { pricingModel: "CPS" as const, priceCents: 0, salePercentBps: 1000, conversionEvents: [] };
const day = (at: Date) => at.toISOString().slice(0, 10);

async function postTrueUp(apiKey: string, body: unknown, opts: { contentType?: string; query?: string } = {}) {
  const response = await fetch(new URL(`/api/v1/conversions/true-ups${opts.query ?? ""}`, stack().appUrl), {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": opts.contentType ?? "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function getTrueUp(apiKey: string, trueUpId: string, query = "") {
  const response = await fetch(new URL(`/api/v1/conversions/true-ups/${trueUpId}${query}`, stack().appUrl), { headers: { authorization: `Bearer ${apiKey}` } });
  return { status: response.status, body: (await response.json()) as any };
}

const reconciled = (trueUpId: string) =>
  waitFor(`true-up ${trueUpId} to be matched`, async () => {
    const t = await prisma.trueUp.findUniqueOrThrow({ where: { id: trueUpId } });
    return t.status !== "UPLOADED" ? t : undefined;
  });

async function reported(apiKey: string, body: Record<string, unknown>) {
  const answer = await postConversion(stack().appUrl, apiKey, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return settledConversion(answer.body.leadex_conversion_id);
}

describe("true-ups", () => {
  it("a true-up with matched, differing, missing and extra rows gives the right report and, once approved, the right entries", async () => {
    // One buyer on a CPS offer (10%) and a CPA offer of another affiliate.
    const market = await makeConversionMarket(stack(), cps);
    const cpaAffiliate = await makeAffiliate();
    const cpaOffer = await makeOffer(cpaAffiliate.actor, { pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
    await makeOrder(market.buyer.actor, cpaOffer.id, { priceCents: undefined });
    const buyer = market.buyer;
    const sales = [];
    for (let i = 0; i < 6; i++) sales.push(await deliveredLead(stack(), market));
    const actions = [
      await deliveredLead(stack(), { affiliate: cpaAffiliate, offer: cpaOffer }),
      await deliveredLead(stack(), { affiliate: cpaAffiliate, offer: cpaOffer }),
    ];

    const sMatch = await reported(buyer.apiKey, { conversion_id: "s-match", lead_id: sales[0].id, amount: "100.00" });
    const sDiff = await reported(buyer.apiKey, { conversion_id: "s-diff", lead_id: sales[1].id, amount: "200.00" });
    const sExtra = await reported(buyer.apiKey, { conversion_id: "s-extra", lead_id: sales[2].id, amount: "80.00" });
    const sLockedExtra = await reported(buyer.apiKey, { conversion_id: "s-locked-extra", lead_id: sales[3].id, amount: "50.00" });
    const sLockedDiff = await reported(buyer.apiKey, { conversion_id: "s-locked-diff", lead_id: sales[4].id, amount: "300.00" });
    const aDiff = await reported(buyer.apiKey, { conversion_id: "a-diff", lead_id: actions[0].id, event: "application" });
    await prisma.conversion.updateMany({ where: { id: { in: [sLockedExtra.id, sLockedDiff.id] } }, data: { lockAt: new Date(Date.now() - 1000) } });
    expect(await lockDueConversions()).toBe(2);
    const billedCents = 1000 + 2000 + 800 + 500 + 3000 + 1500;
    expect(await wallet(buyer.actor.companyId)).toBe(50_000n - BigInt(billedCents));

    // The second CPA lead was delivered 40 days ago: its conversion 35 days after is past the 30-day window.
    const oldSale = await prisma.leadSale.findFirstOrThrow({ where: { leadId: actions[1].id } });
    await prisma.leadSale.update({ where: { id: oldSale.id }, data: { soldAt: new Date(Date.now() - 40 * DAY) } });
    const lateOld = new Date(Date.now() - 5 * DAY).toISOString();
    // Every lead was delivered before this moment: a conversion now is after delivery.
    const lateNew = new Date().toISOString();

    const rows = [
      { conversion_id: "s-match", lead_id: sales[0].id, amount: "100.00" },
      { conversion_id: "s-diff", lead_id: sales[1].id, amount: "150.00" },
      { conversion_id: "a-diff", lead_id: actions[0].id, event: "funded" },
      { conversion_id: "s-locked-diff", amount: "250.00" },
      { conversion_id: "s-late", lead_id: sales[5].id, amount: "60.00", currency: "USD", occurred_at: lateNew },
      { conversion_id: "a-late-old", lead_id: actions[1].id, event: "funded", occurred_at: lateOld },
      { conversion_id: "x-unknown", lead_id: "no-such-lead", event: "funded", occurred_at: lateNew },
      { conversion_id: "s-match", amount: "100" },
      { conversion_id: "bad-1", lead_id: sales[5].id, amount: "-5" },
    ];
    const period = { period_start: day(new Date(Date.now() - 60 * DAY)), period_end: day(new Date(Date.now() + DAY)) };
    const sent = await postTrueUp(buyer.apiKey, { ...period, reference: "nov-true-up", rows });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    expect(sent.body).toMatchObject({ status: "uploaded", rows: 9, unreadable_rows: 1, duplicate_request: false });
    const trueUpId: string = sent.body.true_up_id;
    // The same reference again is the same true-up.
    const again = await postTrueUp(buyer.apiKey, { ...period, reference: "nov-true-up", rows });
    expect(again).toMatchObject({ status: 200, body: { true_up_id: trueUpId, duplicate_request: true } });

    expect((await reconciled(trueUpId)).status).toBe("RECONCILED");
    const summary = trueUpSummaryOf((await prisma.trueUp.findUniqueOrThrow({ where: { id: trueUpId } })).summary)!;
    expect(summary).toEqual({
      currency: "usd",
      listRows: 9,
      leadexConversions: 6,
      matched: 1,
      amountDiffers: 3,
      onlyAdvertiser: 3,
      onlyLeadex: 2,
      refusedRows: 2,
      leadexPayoutCents: billedCents,
      proposed: { record: { count: 1, cents: 600 }, adjust: { count: 2, cents: -500 + 10_500 }, reverse: { count: 1, cents: -800 } },
      proposedPayoutDeltaCents: 600 + 10_000 - 800,
      disputes: { count: 2, cents: -500 - 500 },
      notRecordable: 2,
    });
    const verdicts = await prisma.trueUpRow.findMany({ where: { trueUpId }, orderBy: [{ rowNumber: { sort: "asc", nulls: "last" } }, { externalId: "asc" }] });
    expect(verdicts.map((r) => [r.rowNumber, r.externalId, r.outcome, r.action, r.payoutDeltaCents, r.reasonCode])).toEqual([
      [1, "s-match", "MATCHED", "none", 0, null],
      [2, "s-diff", "AMOUNT_DIFFERS", "adjust", -500, null],
      [3, "a-diff", "AMOUNT_DIFFERS", "adjust", 10_500, null],
      [4, "s-locked-diff", "AMOUNT_DIFFERS", "dispute", -500, "conversion_locked"],
      [5, "s-late", "ONLY_ADVERTISER", "record", 600, null],
      [6, "a-late-old", "ONLY_ADVERTISER", "refuse", 0, "outside_attribution_window"],
      [7, "x-unknown", "ONLY_ADVERTISER", "refuse", 0, "unknown_lead"],
      [8, "s-match", "REFUSED", "refuse", 0, "duplicate_row"],
      [9, "bad-1", "REFUSED", "refuse", 0, "invalid_amount"],
      [null, "s-extra", "ONLY_LEADEX", "reverse", -800, null],
      [null, "s-locked-extra", "ONLY_LEADEX", "dispute", -500, "conversion_locked"],
    ]);

    // Both sides read the report; nobody else does.
    const byApi = await getTrueUp(buyer.apiKey, trueUpId, "?outcome=only_leadex");
    expect(byApi.status).toBe(200);
    expect(byApi.body).toMatchObject({
      status: "reconciled",
      summary: { matched: 1, proposed_payout_delta: "98.00", disputes: { count: 2, payout_delta: "-10.00" } },
    });
    expect(byApi.body.rows.map((r: any) => r.conversion_id)).toEqual(["s-extra", "s-locked-extra"]);
    const stranger = await makeAdvertiser();
    expect((await getTrueUp(stranger.apiKey, trueUpId)).status).toBe(404);
    const buyerCookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await getPage(stack().appUrl, `/advertiser/true-ups/${trueUpId}`, buyerCookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("awaiting approval");
    expect(page.text).toContain("Not in the advertiser's list: reversed if approved");

    // The admin approves: each change posts through the ledger with its own key.
    const admin = await makeAdmin();
    const adminCookie = await signIn(stack().appUrl, admin.email, admin.password);
    const awaiting = await getPage(stack().appUrl, "/admin/reconciliation", adminCookie);
    expect(awaiting.text).toContain(market.buyer.companyName);
    const approved = await submitAndFollow(stack().appUrl, `/admin/true-ups/${trueUpId}`, { intent: "approve" }, adminCookie);
    expect(approved.status).toBe(302);
    expect(approved.text).toContain("Approved: 4 changes are being applied");
    await waitFor("the proposals to be applied", async () => (await prisma.trueUp.findUniqueOrThrow({ where: { id: trueUpId } })).appliedAt);
    const sLate = await waitFor("the late conversion to be billed", async () => {
      const c = await prisma.conversion.findFirst({ where: { advertiserId: buyer.actor.companyId, externalId: "s-late" } });
      return c?.status === "PENDING" ? c : undefined;
    });
    expect(sLate).toMatchObject({ source: "TRUE_UP", saleAmountCents: 6000, payoutCents: 600, occurredAt: new Date(lateNew) });

    const keys = [
      `conversion-amount:${sDiff.id}:amount:1:20000->15000`,
      `conversion-true-up:${aDiff.id}:${trueUpId}`,
      `conversion-reversal:${sExtra.id}:true-up:${trueUpId}`,
      `conversion:${sLate.id}`,
    ];
    expect((await prisma.journalEntry.findMany({ where: { idempotencyKey: { in: keys } } })).length).toBe(4);
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: sDiff.id } })).toMatchObject({ saleAmountCents: 15_000, payoutCents: 1500 });
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: aDiff.id } })).toMatchObject({ event: "funded", payoutCents: 12_000 });
    expect((await prisma.conversion.findUniqueOrThrow({ where: { id: sExtra.id } })).status).toBe("REVERSED");
    expect(await prisma.conversion.findUniqueOrThrow({ where: { id: sLockedDiff.id } })).toMatchObject({ status: "LOCKED", saleAmountCents: 30_000 });
    expect((await prisma.conversion.findUniqueOrThrow({ where: { id: sMatch.id } })).payoutCents).toBe(1000);
    expect(await wallet(buyer.actor.companyId)).toBe(50_000n - BigInt(billedCents) - 9800n);
    const results = await prisma.trueUpRow.findMany({ where: { trueUpId, result: { not: null } }, select: { externalId: true, result: true } });
    expect(results.map((r) => `${r.externalId}:${r.result}`).sort()).toEqual(["a-diff:applied", "s-diff:applied", "s-extra:applied", "s-late:applied"]);

    // Approving twice changes nothing, and neither does the job run again.
    const entries = await prisma.journalEntry.count();
    const twice = await submitAndFollow(stack().appUrl, `/admin/true-ups/${trueUpId}`, { intent: "approve" }, adminCookie);
    expect(twice.text).toContain("Already approved");
    expect(await applyApprovedTrueUp(trueUpId)).toEqual({ applied: 0, refused: 0 });
    expect(await prisma.journalEntry.count()).toBe(entries);
    expect(await prisma.auditLog.count({ where: { action: "true-up.approved", targetId: trueUpId } })).toBe(1);
    const after = await getPage(stack().appUrl, `/advertiser/true-ups/${trueUpId}`, buyerCookie);
    expect(after.text).toContain("approved and applied");
    expect(after.text).toContain("applied: Recorded: payout 6.00");
    await expectLedgerInvariants();
  });

  it("a list is taken as a CSV upload in the portal and as a CSV body by API; one it cannot read is refused naming the field", async () => {
    const market = await makeConversionMarket(stack(), cps);
    const lead = await deliveredLead(stack(), market);
    await reported(market.buyer.apiKey, { conversion_id: "csv-1", lead_id: lead.id, amount: "10.00" });
    const period = { period_start: day(new Date(Date.now() - DAY)), period_end: day(new Date()) };
    const csv = `conversion_id,lead_id,amount\r\ncsv-1,${lead.id},10.00\r\n`;

    const cookie = await signIn(stack().appUrl, market.buyer.email, market.buyer.password);
    const form = new FormData();
    form.set("period_start", period.period_start);
    form.set("period_end", period.period_end);
    form.set("file", new Blob([csv], { type: "text/csv" }), "november.csv");
    const uploaded = await fetch(new URL("/advertiser/true-ups", stack().appUrl), { method: "POST", redirect: "manual", headers: { cookie }, body: form });
    expect(uploaded.status).toBe(303);
    const viaPortal = await prisma.trueUp.findFirstOrThrow({ where: { advertiserId: market.buyer.actor.companyId, source: "csv" } });
    expect(uploaded.headers.get("location")).toBe(`/advertiser/true-ups/${viaPortal.id}`);
    const flash = (uploaded.headers.get("set-cookie") ?? "").split(";")[0];
    expect((await getPage(stack().appUrl, `/advertiser/true-ups/${viaPortal.id}`, `${cookie}; ${flash}`)).text).toContain("1 rows received");
    expect(viaPortal.fileName).toBe("november.csv");

    const viaApi = await postTrueUp(market.buyer.apiKey, csv, {
      contentType: "text/csv",
      query: `?period_start=${period.period_start}&period_end=${period.period_end}`,
    });
    expect(viaApi.status).toBe(202);
    for (const id of [viaPortal.id, viaApi.body.true_up_id]) {
      await reconciled(id);
      expect(trueUpSummaryOf((await prisma.trueUp.findUniqueOrThrow({ where: { id } })).summary)).toMatchObject({
        matched: 1,
        onlyLeadex: 0,
        proposedPayoutDeltaCents: 0,
      });
    }

    const backwards = await postTrueUp(market.buyer.apiKey, { period_start: period.period_end, period_end: period.period_start, rows: [] });
    expect(backwards).toMatchObject({ status: 422, body: { error: { code: "invalid_fields", fields: { period_end: "The period ends after it starts" } } } });
    const noColumn = await postTrueUp(market.buyer.apiKey, "lead,amount\r\nx,1\r\n", {
      contentType: "text/csv",
      query: `?period_start=${period.period_start}&period_end=${period.period_end}`,
    });
    expect(noColumn).toMatchObject({ status: 422, body: { error: { fields: { body: expect.stringContaining("Unknown column") } } } });
    expect((await postTrueUp(market.buyer.apiKey, "{not json")).status).toBe(400);
    expect((await postTrueUp(market.affiliate.apiKey, { ...period, rows: [{ conversion_id: "x" }] })).status).toBe(403);
    const missingFile = await submitForm(stack().appUrl, "/advertiser/true-ups", period, cookie);
    expect(missingFile.status).toBe(400);
    await expectLedgerInvariants();
  });
});

// ---- the watch and the stuck states read rows: seeded straight into the tables ----------------

async function cpaOrderWithHistory(offer: { id: string; affiliateId: string }, opts: { delivered: number; converted: number; daysAgo: (i: number) => number }) {
  const buyer = await makeAdvertiser();
  const order = await makeOrder(buyer.actor, offer.id, { priceCents: undefined });
  const leads = Array.from({ length: opts.delivered }, (_, i) => ({ id: `lead-${randomUUID()}`, soldAt: new Date(Date.now() - opts.daysAgo(i) * DAY) }));
  await prisma.lead.createMany({
    data: leads.map((l) => ({
      id: l.id,
      offerId: offer.id,
      affiliateId: offer.affiliateId,
      externalId: l.id,
      status: "SOLD" as const,
      rawFields: {},
      subIds: {},
      reasons: [],
    })),
  });
  await prisma.leadSale.createMany({
    data: leads.map((l) => ({
      id: `sale-${l.id}`,
      leadId: l.id,
      orderId: order.id,
      advertiserId: buyer.actor.companyId,
      pricingModel: "CPA" as const,
      priceCents: 0,
      feeCents: 0,
      currency: "usd",
      soldAt: l.soldAt,
    })),
  });
  await prisma.conversion.createMany({
    data: leads.slice(0, opts.converted).map((l) => ({
      advertiserId: buyer.actor.companyId,
      externalId: `conv-${l.id}`,
      leadId: l.id,
      saleId: `sale-${l.id}`,
      orderId: order.id,
      offerId: offer.id,
      affiliateId: offer.affiliateId,
      kind: "ACTION" as const,
      source: "API" as const,
      event: "funded",
      currency: "usd",
      payoutCents: 12_000,
      feeCents: 2400,
      earningCents: 9600,
      terms: {},
      reported: {},
      status: "LOCKED" as const,
      occurredAt: new Date(l.soldAt.getTime() + DAY),
      receivedAt: new Date(l.soldAt.getTime() + DAY),
      lockAt: new Date(l.soldAt.getTime() + 2 * DAY),
      lockedAt: new Date(l.soldAt.getTime() + 2 * DAY),
    })),
  });
  return { buyer, order, leads };
}

async function latestRunReport(runKey: string) {
  const run = await prisma.reconciliationRun.findUniqueOrThrow({ where: { runKey } });
  return { run, report: conversionRunReportOf(run.report)! };
}

describe("conversion reconciliation runs", () => {
  it("the watch flags an order whose leads convert far below its peers', with the figures behind the flag", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { title: "Watched loans", pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
    // Leads delivered 8 to 27 days ago: inside the cohort, their attribution windows still open.
    const daysAgo = (i: number) => 8 + (i % 20);
    const peerA = await cpaOrderWithHistory(offer, { delivered: 40, converted: 12, daysAgo });
    const peerB = await cpaOrderWithHistory(offer, { delivered: 40, converted: 10, daysAgo });
    const quiet = await cpaOrderWithHistory(offer, { delivered: 40, converted: 1, daysAgo });
    const fine = await cpaOrderWithHistory(offer, { delivered: 40, converted: 9, daysAgo });

    const runKey = `schedule:watch-${randomUUID()}`;
    expect((await runConversionReconciliation(runKey)).stored).toBe(true);
    const { report } = await latestRunReport(runKey);
    const flags = report.watch.flags.filter((f) => f.offerId === offer.id);
    expect(flags.map((f) => f.orderId)).toEqual([quiet.order.id]);
    const flag = flags[0] as LowRateFlag;
    expect(flag).toMatchObject({
      kind: "low_rate",
      advertiserName: quiet.buyer.companyName,
      affiliateName: affiliate.companyName,
      delivered: 40,
      converted: 1,
      ratePct: 2.5,
      baseline: "peers",
      // The median of the other three orders: 12, 10 and 9 of 40.
      baselineRatePct: 25,
      expectedConversions: 10,
    });
    expect(flag.peers.map((p) => p.orderId).sort()).toEqual([peerA.order.id, peerB.order.id, fine.order.id].sort());
    expect(flag.pValue).toBeLessThan(0.01);
    expect(report.watch.affiliates.find((a) => a.affiliateId === affiliate.actor.companyId)).toMatchObject({
      orders: 4,
      delivered: 160,
      converted: 32,
      flaggedOrders: 1,
    });

    const admin = await makeAdmin();
    const page = await getPage(stack().appUrl, "/admin/reconciliation", await signIn(stack().appUrl, admin.email, admin.password));
    expect(page.text).toContain(`${quiet.buyer.companyName} on Watched loans`);
    expect(page.text).toContain("1 of 40 leads converted (2.5%) against 25%");
  });

  it("the watch flags an order whose daily conversions stopped while its leads kept coming", async () => {
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { title: "Daily sales", pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
    // 20 leads a day apart converting the next day (received 4 to 23 days ago), then 5 leads in the last 2 days with none.
    const stopped = await cpaOrderWithHistory(offer, { delivered: 25, converted: 20, daysAgo: (i) => (i < 20 ? 5 + i : 0.2 + (i - 20) * 0.3) });
    // Another order converting every day until now is not flagged.
    await cpaOrderWithHistory(offer, { delivered: 25, converted: 25, daysAgo: (i) => 1.5 + i });

    const runKey = `schedule:stream-${randomUUID()}`;
    await runConversionReconciliation(runKey);
    const { report } = await latestRunReport(runKey);
    const flags = report.watch.flags.filter((f) => f.offerId === offer.id);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      kind: "stream_stopped",
      orderId: stopped.order.id,
      activeDays: 20,
      baselineConversions: 20,
      leadsWhileQuiet: 5,
      quietDays: 3,
    });
  });

  it("conversions pending past their lock, reversals waiting for a conversion and CPA leads unconverted after the window are counted and listed", async () => {
    const before = Object.fromEntries(
      await Promise.all((["pending_past_lock", "waiting_reversals", "unconverted_deliveries"] as const).map(async (k) => [k, (await listStuck(k, 1)).count])),
    );
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { pricingModel: "CPA", priceCents: 0, conversionEvents: CPA_EVENTS });
    // One lead delivered 40 days ago (its 30-day window closed 10 days ago) without a conversion ...
    const unconverted = await cpaOrderWithHistory(offer, { delivered: 1, converted: 0, daysAgo: () => 40 });
    // ... and one whose conversion should have locked two hours ago.
    const stale = await cpaOrderWithHistory(offer, { delivered: 1, converted: 1, daysAgo: () => 3 });
    await prisma.conversion.updateMany({
      where: { orderId: stale.order.id },
      data: { status: "PENDING", lockAt: new Date(Date.now() - 2 * 60 * 60 * 1000), lockedAt: null },
    });
    await prisma.pendingConversionReversal.create({
      data: {
        advertiserId: stale.buyer.actor.companyId,
        conversionExternalId: "never-came",
        key: "refund-1",
        reason: "Refunded",
        reported: {},
        receivedAt: new Date(Date.now() - 2 * DAY),
      },
    });

    const runKey = `schedule:stuck-${randomUUID()}`;
    const outcome = await runConversionReconciliation(runKey);
    const { run, report } = await latestRunReport(runKey);
    expect(report.stuck.pending_past_lock.count).toBe(before.pending_past_lock + 1);
    expect(report.stuck.waiting_reversals.count).toBe(before.waiting_reversals + 1);
    expect(report.stuck.unconverted_deliveries.count).toBe(before.unconverted_deliveries + 1);
    expect(report.stuck.waiting_reversals.sample.map((i) => i.what)).toContain("Reversal refund-1 of conversion never-came, never reported");
    expect(report.stuck.unconverted_deliveries.sample.map((i) => i.leadId)).toContain(unconverted.leads[0].id);
    expect(report.stuck.pending_past_lock.sample.map((i) => i.leadId)).toContain(stale.leads[0].id);
    expect(run.findings).toBe(outcome.findings);
    expect(run.findings).toBeGreaterThanOrEqual(3);

    const admin = await makeAdmin();
    const page = await getPage(stack().appUrl, "/admin/reconciliation", await signIn(stack().appUrl, admin.email, admin.password));
    expect(page.text).toContain("Reversal refund-1 of conversion never-came, never reported");
    expect(page.text).toContain(unconverted.leads[0].id);
  });

  it("two runs with the same key store one run; an admin's button runs one through the worker", async () => {
    const runKey = `schedule:twice-${randomUUID()}`;
    const [first, second] = await Promise.all([runConversionReconciliation(runKey), runConversionReconciliation(runKey)]);
    expect([first.stored, second.stored].sort()).toEqual([false, true]);
    expect(await prisma.reconciliationRun.count({ where: { runKey } })).toBe(1);
    expect((await runConversionReconciliation(runKey)).stored).toBe(false);
    expect(await prisma.reconciliationRun.count({ where: { runKey } })).toBe(1);

    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const adminRuns = () => prisma.reconciliationRun.count({ where: { kind: "conversions", runKey: { startsWith: "admin:" } } });
    const earlier = await adminRuns();
    const started = await submitAndFollow(stack().appUrl, "/admin/reconciliation", { intent: "run" }, cookie);
    expect(started.status).toBe(302);
    expect(started.text).toContain("Reconciliation started");
    await waitFor("the admin's run to be stored", async () => (await adminRuns()) === earlier + 1);
    const page = await getPage(stack().appUrl, "/admin/reconciliation", cookie);
    expect(page.text).toMatch(/Latest runs.*admin/);
  });
});
