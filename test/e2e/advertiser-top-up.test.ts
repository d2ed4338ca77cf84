/**
 * In a real browser, against the real web server, workers and the Stripe emulator: an advertiser
 * funds the wallet through Checkout, then buys a lead that an affiliate posts by postback.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAdvertiser, makeAffiliate, type MadeAccount } from "../factories/accounts";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { makeOffer, makeOrder } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { collectCspViolations, logInThroughPage, openBrowserPage } from "../support/browser";

const ORDER_PRICE_CENTS = 3000;

describe("advertiser wallet in the browser", () => {
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
    await makeOrder(advertiser.actor, offer.id, { priceCents: ORDER_PRICE_CENTS });

    ({ browser, page } = await openBrowserPage());
    cspViolations = collectCspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("an advertiser tops up $100 by card, then a posted lead is sold to them and debited", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();

    // Log in through the login page.
    await logInThroughPage(page, appUrl, advertiser, "/advertiser");

    // Billing: an empty wallet, then a $100 top-up on the emulated Checkout page.
    await page.getByRole("link", { name: "Billing", exact: true }).click();
    await page.waitForURL(`${appUrl}/advertiser/billing`);
    expect(await page.getByTestId("wallet-balance").textContent()).toBe("$0.00");
    await page.getByLabel("Amount (USD)").fill("100");
    await page.getByRole("button", { name: "Top up" }).click();

    await page.waitForURL((url) => url.origin !== new URL(appUrl).origin && url.pathname.startsWith("/checkout/"));
    await expect.poll(() => page.locator(".amount").textContent()).toBe("$100.00");
    await page.getByLabel("Email").fill(advertiser.email);
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByRole("button", { name: "Pay" }).click();

    // Back on Leadex: credited from the ledger, whichever of the redirect or the webhook came first.
    await page.waitForURL((url) => url.href.startsWith(`${appUrl}/advertiser/billing?topup=success`));
    expect(await page.getByTestId("wallet-balance").textContent()).toBe("$100.00");
    expect(await page.getByTestId("header-balance").textContent()).toBe("$100.00");
    expect(await page.getByRole("status").textContent()).toContain("topped up");

    // The affiliate posts a lead through the real postback API; a worker sells it to the open order.
    const fields = leadFields();
    const posted = await postLead(appUrl, affiliate.apiKey, { offer_id: offerId, lead_id: affiliateLeadId(), s1: "e2e", ...fields });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body).toMatchObject({ status: "received", duplicate_request: false });

    await expect
      .poll(
        async () => {
          await page.goto(`${appUrl}/advertiser/leads`);
          return (await page.locator("main").textContent()) ?? "";
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain(fields.email);
    const row = page.getByRole("row").filter({ hasText: fields.email });
    await expect.poll(() => row.textContent()).toContain("$30.00");

    // The wallet dropped by the order's price.
    await page.getByRole("link", { name: "Billing", exact: true }).click();
    await page.waitForURL(`${appUrl}/advertiser/billing`);
    expect(await page.getByTestId("wallet-balance").textContent()).toBe("$70.00");

    // Hydration, navigation, the top-up form's redirect to Checkout: all within the CSP.
    expect(cspViolations).toEqual([]);
  });
});
