/**
 * In a real browser: each role opens its report at desktop and phone widths. The charts are
 * server-drawn SVG (no script), the page never scrolls sideways, the CSP blocks nothing, and the
 * period chosen in the form stays in the URL (and in the CSV links).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshReportRollups } from "~/modules/reports/report-rollups.server";
import { makeAdmin } from "../factories/accounts";
import { useTestStack } from "../support/app";
import { collectCspViolations, openBrowserPage, fitsSideways } from "../support/browser";
import { makeMarket, postAndSettle } from "../support/selling";

const DAY_MS = 86_400_000;

describe("reports in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let accounts: Array<{ role: string; home: string; path: string; chart: string; account: { email: string; password: string } }>;

  beforeAll(async () => {
    ({ browser } = await openBrowserPage());
    const market = await makeMarket(stack());
    for (const s1 of ["google", "fb"]) expect((await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id, { s1 })).status).toBe("SOLD");
    await refreshReportRollups({ days: 2 });
    accounts = [
      { role: "affiliate", home: "/affiliate", path: "/affiliate/reports", chart: "leads", account: market.affiliate },
      { role: "advertiser", home: "/advertiser", path: "/advertiser/reports", chart: "spend", account: market.buyer },
      { role: "admin", home: "/admin", path: "/admin/reports", chart: "revenue", account: await makeAdmin() },
    ];
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function pageFor(role: (typeof accounts)[number]): Promise<{ page: Page; violations: string[] }> {
    const context = await browser!.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const violations = collectCspViolations(page);
    // The admin's home moves with the admin console (issue 14): any page of the role will do.
    await page.goto(`${stack().appUrl}/login`);
    await page.getByLabel("Email").fill(role.account.email);
    await page.getByLabel("Password").fill(role.account.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL((url) => url.pathname.startsWith(role.home));
    return { page, violations };
  }

  // E2E_SCREENSHOTS=<folder>: each role's report at both widths, for review by eye.
  const shoot = async (page: Page, name: string) => {
    if (process.env.E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/${name}.png`, fullPage: true });
  };

  for (const role of ["affiliate", "advertiser", "admin"]) {
    it(`the ${role} sees its report with charts at 1280 and 390 px, and its period stays in the URL`, { timeout: 90_000 }, async () => {
      const target = accounts.find((a) => a.role === role)!;
      const { page, violations } = await pageFor(target);
      const { appUrl } = stack();
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${appUrl}${target.path}`);
      expect(await page.getByRole("heading", { name: "Reports", level: 1 }).isVisible()).toBe(true);
      const chart = page.getByTestId(`report-chart-${target.chart}`);
      expect(await chart.locator("svg").count()).toBe(1);
      expect(await chart.locator("figcaption").textContent()).toContain("per day");
      expect(await fitsSideways(page)).toBe(true);
      expect(await page.getByTestId("report-funnel").locator("li").count()).toBe(5);
      await shoot(page, `reports-${role}-1280`);

      // A period of two weeks by week, through the form (a GET: the URL holds it).
      const from = new Date(Date.now() - 13 * DAY_MS).toISOString().slice(0, 10);
      await page.getByLabel("From").fill(from);
      await page.getByLabel("Chart by").selectOption("week");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL((url) => url.searchParams.get("grouping") === "week" && url.searchParams.get("from") === from);
      expect(await page.getByLabel("Chart by").inputValue()).toBe("week");
      expect(await page.getByLabel("From").inputValue()).toBe(from);
      expect(await chart.locator("figcaption").textContent()).toContain("per week");
      const csvHref = await page
        .getByRole("link", { name: /Download CSV/ })
        .first()
        .getAttribute("href");
      expect(csvHref).toContain(`from=${from}`);
      expect(csvHref).toContain("grouping=week");

      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      expect(await chart.locator("svg").count()).toBe(1);
      const svgWidth = await chart.locator("svg").evaluate((svg) => svg.getBoundingClientRect().width);
      expect(svgWidth).toBeLessThanOrEqual(390);
      expect(await fitsSideways(page)).toBe(true);
      await shoot(page, `reports-${role}-390`);
      expect(violations).toEqual([]);
      await page.context().close();
    });
  }
});
