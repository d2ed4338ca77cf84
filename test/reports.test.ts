import { beforeAll, describe, expect, it } from "vitest";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { parseCsv } from "~/modules/deliveries/csv";
import { adminReport } from "~/modules/reports/admin-report.server";
import { advertiserReport } from "~/modules/reports/advertiser-report.server";
import { affiliateReport } from "~/modules/reports/affiliate-report.server";
import { refreshReportRollups } from "~/modules/reports/report-rollups.server";
import type { ReportTable, ReportView } from "~/modules/reports/report-query.schema";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "./factories/accounts";
import { getPage, signIn, useTestStack } from "./support/app";
import { deliveredLead, makeConversionMarket, postConversion, settledConversion } from "./support/conversions";
import { available, fees, held } from "./support/disputes";
import { makeMarket } from "./support/selling";
import { postAndSettle } from "./support/selling";

// Each role's report over rows made through the real flows: a CPL market ($32 a lead, 20% fee)
// whose buyer bought three leads and returned one, and a CPA market whose buyer bought two and
// reported one action ($120). After the rollup, each report holds exactly its company's rows.

const stack = useTestStack({ workers: true });

type World = Awaited<ReturnType<typeof makeWorld>>;
let world: World;

async function makeWorld() {
  const cpl = await makeMarket(stack());
  const sold = [];
  for (const s1 of ["google", "google", "fb"]) {
    const lead = await postAndSettle(stack(), cpl.affiliate.apiKey, cpl.offer.id, { s1 });
    expect(lead.status).toBe("SOLD");
    sold.push(lead);
  }
  // The "fb" lead's phone fails validation now: its return is approved on the platform's evidence.
  await prisma.lead.update({ where: { id: sold[2].id }, data: { phone: "+1555" } });
  const { outcome } = await openReturn(cpl.buyer.actor, { lead_id: sold[2].id, reason: "invalid_phone" });
  expect(outcome).toBe("approved");
  // The buyer called the first lead 90 seconds after it was posted.
  await prisma.leadSale.updateMany({ where: { leadId: sold[0].id }, data: { contactedAt: new Date(sold[0].receivedAt.getTime() + 90_000) } });

  const cpa = await makeConversionMarket(stack(), { title: "Loans CPA" });
  const converted = await deliveredLead(stack(), cpa);
  await deliveredLead(stack(), cpa);
  const answer = await postConversion(stack().appUrl, cpa.buyer.apiKey, { lead_id: converted.id, conversion_id: "c-1", event: "funded" });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  const conversion = await settledConversion(answer.body.leadex_conversion_id);
  expect(conversion.billedAt).not.toBeNull();

  const refresh = await refreshReportRollups({ days: 2 });
  expect(refresh.leadRows).toBe(2);
  return { cpl, cpa, admin: await makeAdmin() };
}

beforeAll(async () => {
  world = await makeWorld();
}, 120_000);

const table = (view: ReportView, id: string): ReportTable => view.tables.find((t) => t.id === id)!;
const rowBy = (t: ReportTable, column: string, value: string) => t.rows.find((r) => r[column] === value);
const stat = (view: ReportView, label: string) => view.stats.find((s) => s.label === label)?.value;
const funnel = (view: ReportView) => Object.fromEntries(view.funnel.map((s) => [s.label, s.count]));

describe("the affiliate's report", () => {
  it("counts its own leads, earnings after fee and return, EPC, by offer and by sub-id, and none of another affiliate's", async () => {
    const view = await affiliateReport(world.cpl.affiliate.actor, new URLSearchParams());
    expect(view.errors).toEqual({});
    expect(funnel(view)).toEqual({ Received: 3, Accepted: 3, Sold: 3, Converted: 0, Returned: 1 });
    // Two leads kept at $25.60 each (the returned one earns nothing): $51.20, EPC $51.20 ÷ 3.
    expect(stat(view, "Earnings")).toBe(5_120);
    expect(stat(view, "EPC")).toBe(1_707);
    const byOffer = table(view, "offer");
    expect(byOffer.rows).toHaveLength(1);
    expect(byOffer.rows[0]).toMatchObject({ offer: world.cpl.offer.title, received: 3, sold: 3, returned: 1, earningsCents: 5_120, epcCents: 1_707 });
    expect(byOffer.rows[0].returnRate).toBeCloseTo(1 / 3);
    const bySubId = table(view, "sub-id");
    expect(bySubId.rows).toHaveLength(2);
    expect(rowBy(bySubId, "subId", "google")).toMatchObject({ received: 2, returned: 0, earningsCents: 5_120, epcCents: 2_560 });
    expect(rowBy(bySubId, "subId", "fb")).toMatchObject({ received: 1, returned: 1, earningsCents: 0, returnRate: 1 });
    expect(view.charts.map((c) => c.id)).toEqual(["leads", "earnings"]);
    expect(view.charts[0].svg).toMatch(/^<svg width="100%"[^>]* viewBox="0 0 720 280"/);
    // The CSP allows no inline style: the SVG carries none.
    expect(view.charts[0].svg).not.toMatch(/<style|style="/);

    const other = await affiliateReport(world.cpa.affiliate.actor, new URLSearchParams({ subKey: "s2" }));
    expect(funnel(other)).toEqual({ Received: 2, Accepted: 2, Sold: 2, Converted: 1, Returned: 0 });
    expect(table(other, "offer").rows.map((r) => r.offer)).toEqual(["Loans CPA"]);
    // $120 less the 20% fee.
    expect(stat(other, "Earnings")).toBe(9_600);
    expect(table(other, "sub-id").rows).toEqual([expect.objectContaining({ subId: "(none)", received: 2 })]);
  });

  it("exports the filtered table as CSV in dollars, the same rows as the page", async () => {
    const cookie = await signIn(stack().appUrl, world.cpl.affiliate.email, world.cpl.affiliate.password);
    const response = await fetch(new URL("/affiliate/reports.csv?table=sub-id&subKey=s1&grouping=week", stack().appUrl), { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const { rows } = parseCsv(await response.text());
    expect(rows[0]).toEqual([
      "Sub-id s1",
      "Leads",
      "Accepted",
      "Acceptance rate (%)",
      "Sold",
      "Converted",
      "Returned",
      "Return rate (%)",
      "Earnings ($)",
      "EPC ($)",
    ]);
    expect(rows.slice(1).filter((r) => r.length > 1)).toEqual([
      ["google", "2", "2", "100.0", "2", "0", "0", "0.0", "51.20", "25.60"],
      ["fb", "1", "1", "100.0", "1", "0", "1", "100.0", "0.00", "0.00"],
    ]);
    const offers = parseCsv(await (await fetch(new URL("/affiliate/reports.csv?table=offer", stack().appUrl), { headers: { cookie } })).text()).rows;
    expect(offers.slice(1).map((r) => r[0])).toEqual([world.cpl.offer.title]);
  });

  it("answers a period it cannot read with 400, naming the field, on the page and in the CSV", async () => {
    const cookie = await signIn(stack().appUrl, world.cpl.affiliate.email, world.cpl.affiliate.password);
    const page = await getPage(stack().appUrl, "/affiliate/reports?from=2026-12-10&to=2026-12-01", cookie);
    expect(page.status).toBe(400);
    expect(page.text).toContain("From: The first day comes after the last");
    const csv = await fetch(new URL("/affiliate/reports.csv?from=2026-02-30", stack().appUrl), { headers: { cookie } });
    expect(csv.status).toBe(400);
    expect(await csv.text()).toBe("from: Enter a day such as 2026-11-01\n");
  });
});

describe("the advertiser's report", () => {
  it("shows what it bought: spend less returns, cost per lead, the selling affiliate by name, speed to lead per order", async () => {
    const view = await advertiserReport(world.cpl.buyer.actor, new URLSearchParams());
    expect(funnel(view)).toEqual({ Bought: 3, Delivered: 3, Contacted: 1, Converted: 0, Returned: 1 });
    expect(stat(view, "Spend")).toBe(6_400);
    expect(stat(view, "Cost per lead")).toBe(2_133);
    const bySource = table(view, "source");
    expect(bySource.rows).toEqual([expect.objectContaining({ affiliate: world.cpl.affiliate.companyName, bought: 3, returned: 1, spendCents: 6_400 })]);
    const speed = table(view, "speed").rows;
    expect(speed).toHaveLength(1);
    expect(speed[0]).toMatchObject({ bought: 3, delivered: 3, contacted: 1 });
    // Read from 10% time buckets: within 5% of the 90 seconds.
    expect(Math.abs(Number(speed[0].contactMedian) - 90)).toBeLessThanOrEqual(4.5);
    expect(speed[0].contactP90).toBe(speed[0].contactMedian);
    expect(speed[0].deliverMedian).toEqual(expect.any(Number));
    // No sub-ids for buyers: the affiliate's traffic sources are its own business.
    expect(view.tables.map((t) => t.id)).toEqual(["period", "offer", "source", "speed"]);
    expect(JSON.stringify(view.tables)).not.toContain("google");
  });

  it("gives the CPA buyer its cost per action and conversion rate, and nothing of the other buyer", async () => {
    const view = await advertiserReport(world.cpa.buyer.actor, new URLSearchParams());
    expect(funnel(view)).toMatchObject({ Bought: 2, Converted: 1, Returned: 0 });
    expect(stat(view, "Spend")).toBe(12_000);
    expect(stat(view, "Cost per action")).toBe(12_000);
    expect(stat(view, "Conversion rate")).toBe(0.5);
    expect(table(view, "offer").rows.map((r) => r.offer)).toEqual(["Loans CPA"]);
    expect(table(view, "source").rows.map((r) => r.affiliate)).toEqual([world.cpa.affiliate.companyName]);
  });

  it("exports its by-affiliate table in dollars", async () => {
    const cookie = await signIn(stack().appUrl, world.cpl.buyer.email, world.cpl.buyer.password);
    const response = await fetch(new URL("/advertiser/reports.csv?table=source", stack().appUrl), { headers: { cookie } });
    const { rows } = parseCsv(await response.text());
    expect(rows[0].slice(0, 4)).toEqual(["Affiliate", "Leads bought", "Spend ($)", "Cost per lead ($)"]);
    expect(rows[1].slice(0, 4)).toEqual([world.cpl.affiliate.companyName, "3", "64.00", "21.33"]);
  });
});

describe("the platform report", () => {
  it("adds up every company: volume, spend, fees from the ledger, take rate, what affiliates are owed, each buyer", async () => {
    const view = await adminReport(world.admin.actor, new URLSearchParams({ grouping: "week" }));
    expect(funnel(view)).toEqual({ Received: 5, Accepted: 5, Sold: 5, Converted: 1, Returned: 1 });
    // Fees: three $6.40 less the returned one, plus $24 on the action.
    expect(stat(view, "Revenue")).toBe(3_680);
    expect(Number(await fees())).toBe(3_680);
    expect(stat(view, "Take rate")).toBeCloseTo(3_680 / 18_400);
    const owed = [world.cpl.affiliate, world.cpa.affiliate].map((a) => a.actor.companyId);
    expect(stat(view, "Affiliates' money held")).toBe(Number((await held(owed[0])) + (await held(owed[1]))));
    expect(stat(view, "Affiliates' money available")).toBe(Number((await available(owed[0])) + (await available(owed[1]))));
    const byAdvertiser = table(view, "advertiser");
    expect(byAdvertiser.rows.map((r) => [r.advertiser, r.bought, r.spendCents])).toEqual([
      [world.cpa.buyer.companyName, 2, 12_000],
      [world.cpl.buyer.companyName, 3, 6_400],
    ]);
    expect(
      table(view, "speed")
        .rows.map((r) => r.advertiser)
        .sort(),
    ).toEqual([world.cpa.buyer.companyName, world.cpl.buyer.companyName].sort());
    expect(table(view, "period").total).toMatchObject({ received: 5, spendCents: 18_400, feesCents: 3_680 });
  });

  it("gives the same figures after the rollup runs again (idempotent)", async () => {
    const before = await adminReport(world.admin.actor, new URLSearchParams(), { charts: false });
    await Promise.all([refreshReportRollups({ days: 2 }), refreshReportRollups({ days: 60 })]);
    const after = await adminReport(world.admin.actor, new URLSearchParams(), { charts: false });
    expect(after.tables.slice(0, 3)).toEqual(before.tables.slice(0, 3));
  });
});
