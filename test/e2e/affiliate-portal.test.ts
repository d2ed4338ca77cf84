/**
 * In a real browser, against the real web server and workers, at desktop and phone widths: a new
 * affiliate follows the dashboard guide to Send leads, posts a lead, opens it from the leads list,
 * then edits and pauses its offer and sees both in the offer's history.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAffiliate } from "../factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { makeOffer } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { collectCspViolations, logInThroughPage, openBrowserPage, fitsSideways } from "../support/browser";
import { waitFor } from "../support/wait";
import { prisma } from "~/utils/db.server";

describe("the affiliate portal in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1280, 390]) {
    it(`guide → Send leads → a posted lead's page → edit and pause the offer, at ${width} px`, { timeout: 120_000 }, async () => {
      const { appUrl } = stack();
      await page.context().clearCookies();
      await page.setViewportSize({ width, height: 900 });
      const violations = collectCspViolations(page);
      const affiliate = await makeAffiliate();
      const offer = await makeOffer(affiliate.actor, { title: `Auto quotes ${width}` });
      await logInThroughPage(page, appUrl, affiliate, "/affiliate");

      const guide = page.getByTestId("first-run-guide");
      expect(await guide.getByTestId("guide-apiKey").getAttribute("data-done")).toBe("yes");
      expect(await guide.getByTestId("guide-realLead").getAttribute("data-done")).toBe("no");
      await guide.getByRole("link", { name: "Send leads" }).click();
      await page.waitForURL(`${appUrl}/affiliate/send-leads`);
      expect(await page.getByTestId("example-offer-id").textContent()).toBe(offer.id);
      expect(await fitsSideways(page)).toBe(true);

      const externalId = affiliateLeadId();
      const posted = await postLead(appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: externalId, s1: "spring", ...leadFields() });
      expect(posted.status).toBe(201);
      await waitFor("the lead to be decided", async () => (await prisma.lead.findUnique({ where: { id: posted.body.lead_id } }))?.status === "UNSOLD");

      await page.goto(`${appUrl}/affiliate/leads`);
      await page.getByRole("link", { name: externalId }).click();
      await page.waitForURL(`${appUrl}/affiliate/leads/${posted.body.lead_id}`);
      expect(await page.getByTestId("lead-outcome").textContent()).toContain("No buyer's order matched this lead (no_matching_order)");
      expect(await page.getByTestId("checks").count()).toBe(1);
      expect(await fitsSideways(page)).toBe(true);

      await page.getByRole("link", { name: offer.title }).click();
      await page.getByRole("link", { name: "Edit offer" }).click();
      await page.waitForURL(`${appUrl}/affiliate/offers/${offer.id}/edit`);
      await page.getByLabel("Title").fill(`Auto quotes ${width}, edited`);
      await page.getByLabel("Price (USD)").fill("30.00");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.waitForURL(`${appUrl}/affiliate/offers/${offer.id}`);
      // The URL changes as the navigation starts; the page has its new title once it rendered.
      await page.getByRole("heading", { level: 1, name: `Auto quotes ${width}, edited`, exact: true }).waitFor();
      expect(await page.getByTestId("offer-payout").textContent()).toContain("asking $30.00 − fee $6.00 = you are paid $24.00");

      await page.getByRole("button", { name: "Pause offer" }).click();
      await page.getByRole("button", { name: "Resume offer" }).waitFor();
      const history = await page.getByTestId("offer-history").textContent();
      expect(history).toContain("Paused");
      expect(history).toContain("Edited");
      expect(await fitsSideways(page)).toBe(true);
      expect(violations).toEqual([]);
    });
  }
});
