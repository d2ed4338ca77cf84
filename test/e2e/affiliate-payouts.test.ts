/**
 * In a real browser, against the real web server, workers and the Stripe emulator: an affiliate
 * onboards through the emulated Stripe Connect page and, after a payout run, sees a paid payout.
 */
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { runPayouts } from "~/modules/payouts/payout-runs.server";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage, followNavLink, fitsSideways } from "../support/browser";
import { makeMarket, postAndSettle } from "../support/selling";

describe("affiliate payouts in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("an affiliate sets up payouts on Stripe's onboarding page and sees its paid payout", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    const market = await makeMarket(stack());
    for (let i = 0; i < 3; i++) expect((await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id)).status).toBe("SOLD");
    await logInThroughPage(page, appUrl, market.affiliate, "/affiliate");
    expect(await page.getByTestId("held-earnings").textContent()).toBe("$76.80");

    await followNavLink(page, "Payouts");
    await page.waitForURL(`${appUrl}/affiliate/payouts`);
    await page.getByRole("button", { name: "Set up payouts with Stripe" }).click();
    // Stripe's hosted onboarding (the emulator's page), then back to Leadex.
    await page.waitForURL((url) => url.origin !== new URL(appUrl).origin);
    await page.getByRole("button", { name: "Complete onboarding" }).click();
    await page.waitForURL((url) => url.href.startsWith(`${appUrl}/affiliate/payouts?onboarding=return`));
    expect(await page.getByRole("status").textContent()).toContain("Your Stripe account is ready");
    expect(await page.getByTestId("payout-account").textContent()).toContain("Stripe can pay you");

    // The return window passes and the weekly run pays the affiliate.
    await releaseDueEarnings(`e2e-${randomUUID()}`, new Date(Date.now() + 8 * 86_400_000));
    await runPayouts({ key: `e2e-${randomUUID()}`, trigger: "SCHEDULE", triggeredById: null });
    await page.reload();
    const row = page.getByTestId("payouts").locator("tbody tr").first();
    expect(await row.textContent()).toContain("$76.80");
    expect(await row.textContent()).toContain("paid");

    await followNavLink(page, "Earnings");
    await page.waitForURL(`${appUrl}/affiliate/earnings`);
    expect(await page.getByTestId("paid-earnings").textContent()).toBe("$76.80");
    expect(await page.getByTestId("held-earnings").textContent()).toBe("$0.00");

    // On a phone the page still shows the figures without sideways scrolling of the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    expect(await fitsSideways(page)).toBe(true);
  });
});
