/**
 * In a real browser, at desktop and phone widths: an admin finds a company, suspends it with a
 * reason and leaves a note, finds an offer and unlists it, and reads both in the audit log. Each
 * action tells the admin what happened; on a phone no page scrolls sideways.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "../factories/accounts";
import { makeOffer } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { collectCspViolations, logInThroughPage, openBrowserPage, fitsSideways } from "../support/browser";

const SIZES = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

describe("the admin console in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;
  let cspViolations: string[];

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
    cspViolations = collectCspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const size of SIZES) {
    it(`companies → suspend with a note → offers → unlist → the audit log shows both (${size.name}, ${size.width} px)`, { timeout: 120_000 }, async () => {
      const { appUrl } = stack();
      const buyer = await makeAdvertiser();
      const affiliate = await makeAffiliate();
      const offer = await makeOffer(affiliate.actor, { title: `Roof repair quotes ${size.name} ${Date.now()}` });
      const admin = await makeAdmin();
      await page.context().clearCookies();
      await page.setViewportSize({ width: size.width, height: size.height });
      await logInThroughPage(page, appUrl, admin, "/admin/leads");

      // Companies: search by name, open it.
      await page.goto(`${appUrl}/admin/companies`);
      await page.getByLabel("Search").fill(buyer.companyName);
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL((url) => url.searchParams.get("q") === buyer.companyName);
      await expect.poll(() => page.getByTestId("companies").locator("tbody tr").count()).toBe(1);
      expect(await fitsSideways(page)).toBe(true);
      await page.getByRole("link", { name: buyer.companyName }).click();
      await page.waitForURL(`${appUrl}/admin/companies/${buyer.actor.companyId}`);

      // Suspend without a reason is refused by the form; with one, the page says what happened.
      await page.waitForLoadState("networkidle");
      await page.getByLabel("Why suspend it").fill("Chargebacks on three top-ups");
      await page.getByRole("button", { name: "Suspend" }).click();
      await expect.poll(() => page.getByTestId("flash").textContent()).toContain(`${buyer.companyName} is suspended`);
      expect(await page.getByText("Suspended on").isVisible()).toBe(true);
      // Typed into before the page hydrates, a textarea can lose its text: let the page settle first.
      await page.waitForLoadState("networkidle");
      await page.getByLabel("New note").fill("Asked for their card statements");
      await page.getByRole("button", { name: "Add note" }).click();
      await expect.poll(() => page.getByTestId("flash").textContent()).toContain("Note added.");
      expect(await page.getByTestId("company-notes").textContent()).toContain("Asked for their card statements");
      expect(await fitsSideways(page)).toBe(true);

      // Offers: find it, unlist it with a reason.
      await page.goto(`${appUrl}/admin/offers?q=${encodeURIComponent(offer.title)}`);
      await page.getByRole("link", { name: offer.title }).click();
      await page.waitForURL(`${appUrl}/admin/offers/${offer.id}`);
      await page.waitForLoadState("networkidle");
      await page.getByLabel("Why unlist it").fill("Title promises free roofs");
      await page.getByRole("button", { name: /^Unlist/ }).click();
      await expect.poll(() => page.getByTestId("flash").textContent()).toContain("is unlisted; its affiliate is told.");
      expect(await page.getByText("Title promises free roofs").first().isVisible()).toBe(true);
      expect(await fitsSideways(page)).toBe(true);
      expect((await prisma.offer.findUniqueOrThrow({ where: { id: offer.id } })).unlistedReason).toBe("Title promises free roofs");

      // The audit log, filtered to this admin: both actions, newest first, targets linked.
      await page.goto(`${appUrl}/admin/audit`);
      await page.getByLabel("Who").fill(admin.email);
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL((url) => url.searchParams.get("actor") === admin.email);
      const rows = page.getByTestId("audit-log").locator("tbody tr");
      await expect.poll(() => rows.count()).toBe(3);
      expect(await rows.nth(0).textContent()).toContain("Offer unlisted");
      expect(await rows.nth(1).textContent()).toContain("Note added to company");
      expect(await rows.nth(2).textContent()).toContain("Company suspended");
      expect(await fitsSideways(page)).toBe(true);
      await rows.nth(2).getByRole("link", { name: buyer.actor.companyId }).click();
      await page.waitForURL(`${appUrl}/admin/companies/${buyer.actor.companyId}`);
      expect(cspViolations).toEqual([]);
    });
  }
});
