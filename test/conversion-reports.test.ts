import { beforeAll, describe, expect, it } from "vitest";
import { conversionReport, conversionReportCsv, type ConversionReportRow } from "~/modules/conversions/conversion-reports.server";
import { saveOwnConversionRule } from "~/modules/conversions/conversion-rules.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "./factories/accounts";
import { makeOrder } from "./factories/marketplace";
import { getPage, signIn, useTestStack } from "./support/app";
import { makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { postAndSettle } from "./support/selling";

// The conversion status report over real conversions: one buyer with a CPA offer (approved,
// pending, rejected by rule, reversed) and a CPS offer (a partial refund, an amount change), a
// second buyer's market beside it, and one conversion moved out of the period. Each viewer gets
// its own scope and money: the buyer its payouts, the affiliate its earnings, the admin all.

const stack = useTestStack({ workers: true });
const DAY_MS = 86_400_000;

type World = Awaited<ReturnType<typeof makeWorld>>;
let world: World;

async function makeWorld() {
  const cpa = await makeConversionMarket(stack(), { title: "Loans CPA" });
  const buyer = cpa.buyer;
  const cpsOffer = await makeConversionMarket(
    stack(),
    { title: "Shop CPS", pricingModel: "CPS", priceCents: 0, salePercentBps: 1250, conversionEvents: [] },
    { fundCents: 0 },
  );
  // The same buyer orders the CPS offer too (the market's own buyer stays idle).
  await makeOrder(buyer.actor, cpsOffer.offer.id, { priceCents: undefined });
  await prisma.order.updateMany({ where: { advertiserId: cpsOffer.buyer.actor.companyId }, data: { status: "CLOSED" } });
  const other = await makeConversionMarket(stack(), { title: "Other buyer's offer" });
  await saveOwnConversionRule(buyer.actor, { name: "Spam", condition: "s2 = spam", action: { type: "reject", reason: "Spam source" } });
  await saveOwnConversionRule(buyer.actor, { name: "VIP", condition: "adv1 = vip", action: { type: "approve" } });

  const convert = async (
    market: { affiliate: { apiKey: string }; offer: { id: string } },
    apiKey: string,
    subIds: Record<string, string>,
    body: Record<string, string>,
  ) => {
    const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id, subIds);
    expect(lead.status).toBe("SOLD");
    const answer = await postConversion(stack().appUrl, apiKey, { lead_id: lead.id, ...body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return { lead, conversion: await settledConversion(answer.body.leadex_conversion_id) };
  };
  const correct = async (body: Record<string, string>) => {
    const answer = await postConversion(stack().appUrl, buyer.apiKey, body);
    expect([200, 201], JSON.stringify(answer.body)).toContain(answer.status);
  };
  const cpsMarket = { affiliate: cpsOffer.affiliate, offer: cpsOffer.offer };

  const approved = await convert(cpa, buyer.apiKey, { s1: "google" }, { conversion_id: "c-1", event: "funded", adv1: "VIP" });
  const pending = await convert(cpa, buyer.apiKey, { s1: "google" }, { conversion_id: "c-2", event: "application" });
  const rejected = await convert(cpa, buyer.apiKey, { s1: "fb", s2: "spam" }, { conversion_id: "c-3", event: "funded" });
  const reversed = await convert(cpa, buyer.apiKey, { s1: "fb" }, { conversion_id: "c-4", event: "application" });
  await correct({ type: "reversal", conversion_id: "c-4", reversal_id: "r-4", reason: "Cancelled" });
  const refunded = await convert(cpsMarket, buyer.apiKey, { s1: "google" }, { conversion_id: "s-1", amount: "800.00" });
  await correct({ type: "reversal", conversion_id: "s-1", reversal_id: "refund-1", amount: "200.00", reason: "Partial refund" });
  const changed = await convert(cpsMarket, buyer.apiKey, {}, { conversion_id: "s-2", amount: "400.00" });
  await correct({ type: "amount_change", conversion_id: "s-2", amount: "480.00" });
  // One conversion that happened long ago (as if reported then), outside the default 30 days.
  const old = await convert(cpa, buyer.apiKey, { s1: "google" }, { conversion_id: "c-old", event: "application" });
  await prisma.conversion.update({ where: { id: old.conversion.id }, data: { occurredAt: new Date(Date.now() - 40 * DAY_MS) } });
  await convert(other, other.buyer.apiKey, { s1: "google" }, { conversion_id: "o-1", event: "funded" });

  const statuses = await prisma.conversion.findMany({
    where: { id: { in: [approved, pending, rejected, reversed, refunded, changed].map((c) => c.conversion.id) } },
    select: { externalId: true, status: true },
  });
  expect(Object.fromEntries(statuses.map((s) => [s.externalId, s.status]))).toEqual({
    "c-1": "APPROVED",
    "c-2": "PENDING",
    "c-3": "REJECTED",
    "c-4": "REVERSED",
    "s-1": "PENDING",
    "s-2": "PENDING",
  });
  return { cpa, cpsOffer, other, buyer, admin: await makeAdmin(), rejectedLead: rejected.lead };
}

beforeAll(async () => {
  world = await makeWorld();
}, 120_000);

const byLabel = (rows: ConversionReportRow[]) => Object.fromEntries(rows.map((r) => [r.label, r]));

describe("the conversion status report", () => {
  it("gives the buyer its figures by offer: counts and payouts by state, net, approval rate, cost per action and ROI", async () => {
    const report = await conversionReport(world.buyer.actor, { group: "offer" });
    expect(report.groupCount).toBe(2);
    const { "Loans CPA": cpa, "Shop CPS": cps } = byLabel(report.rows);
    expect(cpa).toMatchObject({
      grossCount: 4,
      grossCents: 27_000,
      approvedCount: 1,
      approvedCents: 12_000,
      pendingCount: 1,
      pendingCents: 1_500,
      rejectedCount: 1,
      rejectedCents: 12_000,
      reversedCount: 1,
      reversedCents: 1_500,
      adjustmentsCount: 0,
      adjustmentsCents: 0,
      netCents: 13_500,
      paidCount: 2,
      costPerActionCents: 6_750,
      salesCents: null,
      roi: null,
    });
    expect(cpa.approvalRate).toBeCloseTo(1 / 3);
    // $800 at 12.5% = $100, a quarter refunded ($25 back); $400 → $480 re-prices $50 → $60 (+$10).
    expect(cps).toMatchObject({
      grossCount: 2,
      grossCents: 16_000,
      approvedCount: 0,
      pendingCount: 2,
      pendingCents: 13_500,
      reversedCount: 0,
      reversedCents: 2_500,
      adjustmentsCount: 1,
      adjustmentsCents: 1_000,
      netCents: 13_500,
      paidCount: 2,
      approvalRate: null,
      costPerActionCents: 6_750,
      salesCents: 108_000,
      salesCount: 2,
    });
    expect(cps.roi).toBeCloseTo(7); // (1,080 − 135) ÷ 135
    expect(report.totals).toHaveLength(1);
    expect(report.totals[0]).toMatchObject({
      key: null,
      grossCount: 6,
      grossCents: 43_000,
      netCents: 27_000,
      paidCount: 4,
      salesCents: 108_000,
      rejectedCount: 1,
    });
    expect(report.totals[0].roi).toBeCloseTo(3);
    await expectLedgerInvariants();
  });

  it("covers the period asked for, and names what it cannot read", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const longAgo = new Date(Date.now() - 45 * DAY_MS).toISOString().slice(0, 10);
    const wide = await conversionReport(world.buyer.actor, { group: "offer", from: longAgo, to: today });
    expect(byLabel(wide.rows)["Loans CPA"].grossCount).toBe(5);
    const future = await conversionReport(world.buyer.actor, { from: "2099-01-01", to: "2099-01-31" });
    expect(future.rows).toEqual([]);
    expect(future.totals).toEqual([]);
    const bad = await conversionReport(world.buyer.actor, { from: "2026-02-30", to: "soon" });
    expect(bad.period.problems).toEqual({ from: "Enter a day such as 2026-11-01", to: "Enter a day such as 2026-11-30" });
    expect(bad.totals[0].grossCount).toBe(6); // the default 30 days
    const backwards = await conversionReport(world.buyer.actor, { from: today, to: longAgo });
    expect(backwards.period.problems.from).toBe("The first day comes after the last");
    const tooLong = await conversionReport(world.buyer.actor, { from: "2020-01-01", to: today });
    expect(tooLong.period.problems.from).toContain("at most 366 days");
  });

  it("shows the buyer its affiliates only by pseudonym, and filters by offer", async () => {
    const report = await conversionReport(world.buyer.actor, { group: "affiliate" });
    expect(report.rows.map((r) => r.label).sort()).toEqual([
      expect.stringMatching(/^Affiliate [0-9A-F]{6}$/),
      expect.stringMatching(/^Affiliate [0-9A-F]{6}$/),
    ]);
    const names = await prisma.company.findMany({ where: { id: { in: [world.cpa.affiliate.actor.companyId, world.cpsOffer.affiliate.actor.companyId] } } });
    for (const row of report.rows) for (const company of names) expect(row.label).not.toContain(company.name);
    // The buyer may not group by sub-id (the seller's business): it gets the offers instead.
    expect((await conversionReport(world.buyer.actor, { group: "sub_id" })).group).toBe("offer");
    const oneOffer = await conversionReport(world.buyer.actor, { group: "offer", offerId: world.cpsOffer.offer.id });
    expect(oneOffer.rows.map((r) => r.label)).toEqual(["Shop CPS"]);
    expect(oneOffer.totals[0].grossCount).toBe(2);
  });

  it("gives each affiliate its own earnings by offer and by sub-id, and nothing of others", async () => {
    const affiliate = world.cpa.affiliate.actor;
    const byOffer = await conversionReport(affiliate, { group: "offer" });
    expect(byOffer.measure).toBe("earning");
    expect(byOffer.showsSales).toBe(false);
    expect(byOffer.rows.map((r) => r.label)).toEqual(["Loans CPA"]);
    // Earnings are the payouts less the platform's 20%.
    expect(byOffer.rows[0]).toMatchObject({
      grossCount: 4,
      grossCents: 21_600,
      approvedCents: 9_600,
      rejectedCents: 9_600,
      reversedCents: 1_200,
      netCents: 10_800,
    });
    const bySubId = byLabel((await conversionReport(affiliate, { group: "sub_id", subId: "s1" })).rows);
    expect(Object.keys(bySubId).sort()).toEqual(["fb", "google"]);
    expect(bySubId.google).toMatchObject({ grossCount: 2, approvedCount: 1, pendingCount: 1, netCents: 10_800 });
    expect(bySubId.fb).toMatchObject({ grossCount: 2, rejectedCount: 1, reversedCount: 1, netCents: 0 });
    const bySubId2 = byLabel((await conversionReport(affiliate, { group: "sub_id", subId: "s2" })).rows);
    expect(bySubId2).toMatchObject({ spam: { grossCount: 1 }, "(none)": { grossCount: 3 } });
    const cpsAffiliate = await conversionReport(world.cpsOffer.affiliate.actor, { group: "offer" });
    expect(cpsAffiliate.rows.map((r) => r.label)).toEqual(["Shop CPS"]);
    expect((await conversionReport(affiliate, { group: "advertiser" })).group).toBe("offer");
  });

  it("gives the admin the whole platform, by advertiser too", async () => {
    const admin = { userId: null, companyId: "", role: "ADMIN" as const };
    const report = await conversionReport(admin, { group: "advertiser" });
    const buyers = await prisma.company.findMany({ where: { id: { in: [world.buyer.actor.companyId, world.other.buyer.actor.companyId] } } });
    const rows = byLabel(report.rows);
    const mine = rows[buyers.find((b) => b.id === world.buyer.actor.companyId)!.name];
    const theirs = rows[buyers.find((b) => b.id === world.other.buyer.actor.companyId)!.name];
    expect(mine).toMatchObject({ grossCount: 6, netCents: 27_000 });
    expect(theirs).toMatchObject({ grossCount: 1, netCents: 12_000 });
    expect(report.totals[0].grossCount).toBeGreaterThanOrEqual(7);
    const byAffiliate = await conversionReport(admin, { group: "affiliate" });
    const affiliateName = (await prisma.company.findUniqueOrThrow({ where: { id: world.cpa.affiliate.actor.companyId } })).name;
    expect(byLabel(byAffiliate.rows)[affiliateName]).toMatchObject({ grossCount: 4 });
    // The other buyer sees only its own.
    const other = await conversionReport(world.other.buyer.actor, { group: "offer" });
    expect(other.rows.map((r) => r.label)).toEqual(["Other buyer's offer"]);
  });

  it("exports the report as CSV in dollars, with the page's filters", async () => {
    const { filename, csv } = await conversionReportCsv(world.buyer.actor, { group: "offer" });
    expect(filename).toMatch(/^leadex-conversions-by-offer-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe(
      "offer,offer id,currency,gross conversions,gross payout,approved,approved payout,pending,pending payout,rejected,rejected payout,reversed,reversed payout,adjustments,adjustments payout,net payout,approval rate %,conversions paid,cost per action,sales,roi %",
    );
    expect(lines).toContain(`Loans CPA,${world.cpa.offer.id},usd,4,270.00,1,120.00,1,15.00,1,120.00,1,15.00,0,0.00,135.00,33.3,2,67.50,,`);
    expect(lines).toContain(`Shop CPS,${world.cpsOffer.offer.id},usd,2,160.00,0,0.00,2,135.00,0,0.00,0,25.00,1,10.00,135.00,,2,67.50,1080.00,700.0`);
    expect(lines[lines.length - 1]).toBe("Total,,usd,6,430.00,1,120.00,3,150.00,1,120.00,1,40.00,1,10.00,270.00,33.3,4,67.50,1080.00,300.0");

    const cookie = await signIn(stack().appUrl, world.buyer.email, world.buyer.password);
    const response = await fetch(new URL(`/advertiser/conversions/report.csv?group=offer&offerId=${world.cpsOffer.offer.id}`, stack().appUrl), {
      headers: { cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const filtered = (await response.text()).trim().split("\r\n");
    expect(filtered).toHaveLength(3);
    expect(filtered[1]).toMatch(/^Shop CPS,/);
    const affiliateCsv = await conversionReportCsv(world.cpa.affiliate.actor, { group: "sub_id", subId: "s1" });
    expect(affiliateCsv.csv.split("\r\n")[0]).toBe(
      "sub-id s1,sub-id s1 id,currency,gross conversions,gross earnings,approved,approved earnings,pending,pending earnings,rejected,rejected earnings,reversed,reversed earnings,adjustments,adjustments earnings,net earnings,approval rate %",
    );
  });

  it("shows the pages: the buyer's cost per action and ROI, the affiliate's conversions with status and dates, the admin's platform", async () => {
    const buyerCookie = await signIn(stack().appUrl, world.buyer.email, world.buyer.password);
    const report = await getPage(stack().appUrl, "/advertiser/conversions/report", buyerCookie);
    expect(report.status).toBe(200);
    expect(report.text).toContain("Loans CPA");
    expect(report.text).toContain("Cost per action $67.50");
    expect(report.text).toContain("ROI 300%");
    expect(report.text).toContain("Total (USD)");

    const affiliateCookie = await signIn(stack().appUrl, world.cpa.affiliate.email, world.cpa.affiliate.password);
    const page = await getPage(stack().appUrl, "/affiliate/conversions", affiliateCookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Rejected by the buyer\'s rule: Rule "Spam": Spam source');
    expect(page.text).toContain(world.rejectedLead.externalId);
    expect(page.text).toContain("Loan funded funded");
    expect(page.text).not.toContain("Shop CPS");
    const rejectedOnly = await getPage(stack().appUrl, "/affiliate/conversions?status=REJECTED", affiliateCookie);
    expect(rejectedOnly.text.match(/Occurred /g)).toHaveLength(1);

    const admin = world.admin;
    const adminCookie = await signIn(stack().appUrl, admin.email, admin.password);
    const platform = await getPage(stack().appUrl, "/admin/conversions?group=advertiser", adminCookie);
    expect(platform.status).toBe(200);
    const otherBuyer = await prisma.company.findUniqueOrThrow({ where: { id: world.other.buyer.actor.companyId } });
    expect(platform.text).toContain(otherBuyer.name);
    expect(platform.text).toContain("Total (USD)");
  });
});
