/**
 * In a real browser, against the real web server: every portal page of each role, on a desktop
 * and on a phone, scanned by axe-core (with WCAG 2.2's target-size rule turned on). Fails on any serious or critical violation (printed with
 * the elements at fault), on a page wider than the phone, and on a page that does not answer 200.
 * Screenshots of each page go to a temp dir (printed) for review by eye.
 */
import { mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "../factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage, fitsSideways } from "../support/browser";
import { makeMarket } from "../support/selling";
import { waitFor } from "../support/wait";

const AXE_SOURCE = readFileSync(path.join(process.cwd(), "node_modules/axe-core/axe.min.js"), "utf8");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SHOTS = path.join(os.tmpdir(), "leadex-screens");

/** Pages added by issue 14 alongside this test; skipped (with a note) only while they do not exist. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // evaluate() runs outside the page's Content-Security-Policy, which forbids injected scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    // target-size (WCAG 2.2 AA, 24 × 24 px tap targets or that much space around them) is off by default in axe.
    const result = await axe.run(document, { resultTypes: ["violations"], rules: { "target-size": { enabled: true } } });
    return result.violations;
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

function describeViolations(where: string, violations: AxeViolation[]) {
  return violations.map((v) => `${where}: [${v.impact}] ${v.id} — ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}`).join("\n")}`);
}

describe("accessibility of every portal page (axe-core)", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;
  let market: Awaited<ReturnType<typeof makeMarket>>;
  let leadId: string;
  let admin: { email: string; password: string };

  beforeAll(async () => {
    market = await makeMarket(stack());
    const posted = await postLead(stack().appUrl, market.affiliate.apiKey, { offer_id: market.offer.id, lead_id: affiliateLeadId(), ...leadFields() });
    expect(posted.status).toBe(201);
    // A busy machine may take a while to sell it: the pages, not the pipeline's speed, are tested here.
    const lead = await waitFor(
      "the lead to be sold",
      async () => {
        const row = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id } });
        return row.status === "SOLD" ? row : undefined;
      },
      { timeoutMs: 90_000 },
    );
    leadId = lead.id;
    admin = await makeAdmin();
    ({ browser, page } = await openBrowserPage());
    mkdirSync(SHOTS, { recursive: true });
    console.log(`screenshots: ${SHOTS}`);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function scan(role: string, account: { email: string; password: string }, home: string, paths: string[]) {
    const { appUrl } = stack();
    await page.context().clearCookies();
    await page.setViewportSize(DESKTOP);
    await logInThroughPage(page, appUrl, account, home);
    const problems: string[] = [];
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      for (const pagePath of paths) {
        const answer = await page.goto(`${appUrl}${pagePath}`);
        if (answer?.status() !== 200) {
          problems.push(`${pagePath}: answered ${answer?.status()}`);
          continue;
        }
        const where = `${pagePath} at ${size.width}px`;
        problems.push(...describeViolations(where, await seriousViolations(page)));
        if (!(await fitsSideways(page))) problems.push(`${where}: wider than the screen`);
        const file = `${role}${pagePath.replace(/[^a-z0-9]+/gi, "_")}-${size.width}.png`;
        await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
      }
    }
    if (problems.length > 0) console.log(problems.join("\n"));
    expect(problems).toEqual([]);
  }

  it("advertiser pages", { timeout: 300_000 }, async () => {
    await scan("advertiser", market.buyer, "/advertiser", [
      "/advertiser",
      "/advertiser/reports",
      "/advertiser/marketplace",
      `/advertiser/marketplace/${market.offer.id}`,
      "/advertiser/orders",
      "/advertiser/leads",
      `/advertiser/leads/${leadId}`,
      `/advertiser/orders/${market.order.id}`,
      "/advertiser/returns",
      "/advertiser/conversions",
      "/advertiser/conversions/report",
      "/advertiser/conversions/rules",
      "/advertiser/conversions/upload",
      "/advertiser/true-ups",
      "/advertiser/billing",
      "/advertiser/suppression",
      "/advertiser/conversion-tracking",
      "/advertiser/api-keys",
      "/advertiser/deliveries",
      "/advertiser/settings",
      "/notifications",
    ]);
  });

  it("affiliate pages", { timeout: 300_000 }, async () => {
    await scan("affiliate", market.affiliate, "/affiliate", [
      "/affiliate",
      "/affiliate/reports",
      "/affiliate/offers",
      "/affiliate/offers/new",
      `/affiliate/offers/${market.offer.id}`,
      "/affiliate/send-leads",
      "/affiliate/leads",
      `/affiliate/leads/${leadId}`,
      `/affiliate/offers/${market.offer.id}/edit`,
      "/notifications",
      "/affiliate/conversions",
      "/affiliate/earnings",
      "/affiliate/payouts",
      "/affiliate/postbacks",
      "/affiliate/disputes",
      "/affiliate/inquiries/new",
      "/affiliate/api-keys",
    ]);
  });

  it("admin pages", { timeout: 300_000 }, async () => {
    await scan("admin", admin, "/admin/leads", [
      "/admin",
      "/admin/reports",
      "/admin/companies",
      "/admin/offers",
      "/admin/leads",
      `/admin/leads/${leadId}`,
      "/admin/review",
      "/admin/conversions",
      "/admin/disputes",
      "/admin/disputes/flags",
      "/admin/chargebacks",
      "/admin/suppression",
      "/admin/billing",
      `/admin/billing/${market.buyer.actor.companyId}`,
      "/admin/finance",
      "/admin/payouts",
      "/admin/reconciliation",
      "/admin/audit",
      `/admin/companies/${market.buyer.actor.companyId}`,
      `/admin/offers/${market.offer.id}`,
      "/notifications",
      // Not /admin/queues: Bull Board's own page, not Leadex's markup.
    ]);
  });
});
