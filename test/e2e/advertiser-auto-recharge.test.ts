/**
 * In a real browser, against the real web server, workers and the Stripe emulator: an advertiser
 * saves a card on Stripe's hosted page, turns on auto-recharge, and after buying a lead sees the
 * recharge on the billing page's statement.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAdvertiser, makeAffiliate, type MadeAccount } from "../factories/accounts";
import { fundWallet } from "../factories/billing";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { makeOffer, makeOrder } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { collectCspViolations, logInThroughPage, openBrowserPage } from "../support/browser";

describe("auto-recharge in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;
  let affiliate: MadeAccount & { apiKey: string };
  let advertiser: MadeAccount;
  let offerId: string;
  let cspViolations: string[] = [];

  beforeAll(async () => {
    affiliate = await makeAffiliate();
    advertiser = await makeAdvertiser();
    const offer = await makeOffer(affiliate.actor, { priceCents: 2500 });
    offerId = offer.id;
    await makeOrder(advertiser.actor, offer.id, { priceCents: 3000 });
    await fundWallet(advertiser.actor, 10_000, stack().emulator);

    ({ browser, page } = await openBrowserPage());
    cspViolations = collectCspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("an advertiser saves a card, turns on auto-recharge, buys a lead and sees the recharge", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    await logInThroughPage(page, appUrl, advertiser, "/advertiser");
    await page.goto(`${appUrl}/advertiser/billing`);
    // Four forms on one page: each label must point at its own field (a shared id sent "Amount" to another form).
    const duplicateIds = await page.evaluate(() => {
      const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
      return ids.filter((id, i) => ids.indexOf(id) !== i);
    });
    expect(duplicateIds).toEqual([]);
    expect(await page.getByTestId("wallet-balance").textContent()).toBe("$100.00");

    // Save a card on the emulated Checkout page (setup mode).
    await page.getByRole("button", { name: "Save a card" }).click();
    await page.waitForURL((url) => url.origin !== new URL(appUrl).origin && url.pathname.startsWith("/checkout/"));
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByRole("button", { name: "Save card" }).click();
    await page.waitForURL((url) => url.href.startsWith(`${appUrl}/advertiser/billing?card=saved`));
    expect(await page.getByTestId("saved-card").textContent()).toContain("Visa •••• 4242");

    // Recharge $50 when the balance falls below $80.
    await page.getByLabel("Recharge my wallet from my saved card when it runs low").check();
    await page.getByLabel("When the balance falls below (USD)").fill("80");
    await page.getByLabel("Add (USD)").fill("50");
    await page.getByRole("button", { name: "Save auto-recharge" }).click();
    await page.getByRole("status").filter({ hasText: "Auto-recharge is on." }).waitFor();

    // A lead posted by the affiliate is sold for $30: $70 is below $80, so the card is charged $50.
    const posted = await postLead(appUrl, affiliate.apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), ...leadFields() });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    await expect
      .poll(
        async () => {
          await page.goto(`${appUrl}/advertiser/billing`);
          return (await page.getByTestId("statement").textContent()) ?? "";
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain("Auto-recharge •••• 4242");
    expect(await page.getByTestId("statement").textContent()).toContain("+$50.00");
    expect(await page.getByTestId("wallet-balance").textContent()).toBe("$120.00");
    expect(cspViolations).toEqual([]);
  });
});
