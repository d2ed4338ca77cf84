/**
 * In a real browser: an admin finds a contested return in the dispute queue (on a phone, without
 * sideways scrolling), opens it and denies it with a reason; the page then says what happened.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { respondToDispute } from "~/modules/disputes/dispute-decisions.server";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "../factories/accounts";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage, followNavLink, fitsSideways } from "../support/browser";
import { makeMarket, postAndSettle } from "../support/selling";

const PHONE = { width: 390, height: 844 };

describe("the admin's dispute queue in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("an admin opens a contested return from the queue on a phone and denies it", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    const market = await makeMarket(stack());
    const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
    const { dispute } = await openReturn(market.buyer.actor, { lead_id: lead.id, reason: "fake_or_fraud", note: "Nobody answers, the name is a cartoon" });
    await respondToDispute(market.affiliate.actor, dispute.id, { response: "contest", note: "Real person: the consent video shows her" });
    const admin = await makeAdmin();

    await page.setViewportSize(PHONE);
    await logInThroughPage(page, appUrl, admin, "/admin/leads");
    await followNavLink(page, /^Disputes/);
    await page.waitForURL(`${appUrl}/admin/disputes`);
    expect(await page.getByTestId("dispute-queue").textContent()).toContain(dispute.id);
    expect(await fitsSideways(page)).toBe(true);

    await page.getByRole("link", { name: "Lead return" }).first().click();
    await page.waitForURL(`${appUrl}/admin/disputes/${dispute.id}`);
    expect(await page.getByTestId("seller-side").textContent()).toContain("Real person: the consent video shows her");
    expect(await fitsSideways(page)).toBe(true);

    await page.getByLabel("Reason").fill("The consent video shows the person agreeing");
    await page.getByRole("button", { name: "Deny" }).click();
    await page.waitForURL(`${appUrl}/admin/disputes/${dispute.id}?decided=1`);
    expect(await page.getByTestId("decided").textContent()).toContain("Denied by an admin: The consent video shows the person agreeing");
    expect(await page.getByRole("button", { name: "Deny" }).count()).toBe(0);
    expect((await prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("DENIED");
    expect(await fitsSideways(page)).toBe(true);
  });
});
