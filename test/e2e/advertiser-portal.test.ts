/**
 * In a real browser, on a desktop and on a phone: an advertiser with an empty wallet finds an
 * offer in the marketplace, opens an order (warned that its wallet cannot pay), edits it, closes it
 * through the confirmation, and marks a lead it bought contacted.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser, makeAffiliate, uniqueSuffix, type MadeAccount } from "../factories/accounts";
import { affiliateLeadId } from "../factories/leads";
import { makeOffer } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { collectCspViolations, logInThroughPage, openBrowserPage } from "../support/browser";

const SIZES = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** A lead the advertiser bought on the order (as routing leaves it), to mark contacted. */
async function soldLead(orderId: string, offer: { id: string; affiliateId: string }, advertiserId: string) {
  const lead = await prisma.lead.create({
    data: {
      offerId: offer.id,
      affiliateId: offer.affiliateId,
      externalId: affiliateLeadId(),
      status: "SOLD",
      rawFields: {},
      fields: { first_name: "Grace", last_name: "Hopper", email: `grace-${uniqueSuffix()}@example.test` },
      subIds: {},
      receivedAt: new Date(Date.now() - 42_000),
    },
  });
  await prisma.leadSale.create({ data: { leadId: lead.id, orderId, advertiserId, priceCents: 3000, feeCents: 0, currency: "usd", deliveredAt: new Date() } });
  return lead;
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${page.url()} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

describe("the advertiser portal in the browser", () => {
  const stack = useTestStack({ workers: false });
  let browser: Browser | undefined;
  let page: Page;
  let cspViolations: string[] = [];

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
    cspViolations = collectCspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const size of SIZES) {
    it(
      `on a ${size.name} (${size.width} px): search, order with an empty wallet, edit, close with confirmation, mark a lead contacted`,
      { timeout: 120_000 },
      async () => {
        const { appUrl } = stack();
        await page.setViewportSize({ width: size.width, height: size.height });
        const affiliate = await makeAffiliate();
        const title = `Kappa ${uniqueSuffix()} roofing`;
        const offer = await makeOffer(affiliate.actor, { title, priceCents: 2500 });
        const advertiser: MadeAccount = await makeAdvertiser();
        await page.context().clearCookies();
        await logInThroughPage(page, appUrl, advertiser, "/advertiser");

        // Marketplace: search by title, open the offer.
        await page.goto(`${appUrl}/advertiser/marketplace`);
        await page.getByLabel("Search").fill(title.split(" ").slice(0, 2).join(" "));
        await page.getByRole("button", { name: "Filter" }).click();
        await page.waitForURL((url) => url.searchParams.has("q"));
        await expect.poll(() => page.getByTestId("marketplace-offers").getByRole("link").count()).toBe(1);
        await expectNoSidewaysScroll(page);
        await page.getByRole("link", { name: title }).click();
        await page.waitForURL(`${appUrl}/advertiser/marketplace/${offer.id}`);

        // An empty wallet is said before the order is opened; the order opens anyway and says it buys nothing.
        await expect.poll(() => page.getByTestId("wallet-warning").textContent()).toContain("cannot pay a lead at $25.00");
        await page.getByLabel("Your price per lead (USD)").fill("30");
        await page.getByRole("button", { name: "Open order" }).click();
        await page.waitForURL((url) => /\/advertiser\/orders\/[\w-]+$/.test(url.pathname));
        const orderPath = new URL(page.url()).pathname;
        const orderId = orderPath.split("/").at(-1)!;
        await expect.poll(() => page.getByTestId("flash").textContent()).toContain("Order opened.");
        await expect.poll(() => page.getByTestId("order-details").textContent()).toContain("Open — not buying: wallet cannot pay");
        await expectNoSidewaysScroll(page);

        // Edit: a new price and a daily cap, then the history says what changed.
        await page.getByLabel("Your price per lead (USD)").fill("32.50");
        await page.getByLabel("Leads per day").fill("15");
        await page.getByRole("button", { name: "Save changes" }).click();
        await expect.poll(() => page.getByTestId("order-history").textContent()).toContain("Price per lead: $30.00 → $32.50");
        expect(await page.getByTestId("order-history").textContent()).toContain("Leads per day: none → 15");
        expect(await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({ priceCents: 3250, dailyCap: 15 });

        // A lead bought on the order, marked contacted from its page.
        const lead = await soldLead(orderId, offer, advertiser.actor.companyId);
        await page.goto(`${appUrl}/advertiser/leads/${lead.id}`);
        expect(await page.getByTestId("speed-to-lead").textContent()).toMatch(/delivered 4\d s after the postback/);
        await page.getByRole("button", { name: "Mark contacted" }).click();
        await expect.poll(() => page.getByTestId("speed-to-lead").textContent()).toContain(`marked by ${advertiser.email}`);
        await expectNoSidewaysScroll(page);

        // Close: the list's Close… asks first, and nothing closes until the person confirms.
        await page.goto(`${appUrl}/advertiser/orders`);
        const close = page.getByRole("link", { name: "Close…" });
        const box = await close.boundingBox();
        expect(box, "the Close button is on screen").not.toBeNull();
        expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
        await close.click();
        await expect.poll(() => page.getByTestId("close-confirmation").textContent()).toContain("This cannot be undone.");
        expect((await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("OPEN");
        await page.getByRole("button", { name: "Close the order for good" }).click();
        await expect.poll(() => page.getByTestId("flash").textContent()).toContain("Order closed.");
        expect((await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("CLOSED");
        await expectNoSidewaysScroll(page);
        await page.screenshot({ path: `test-results/advertiser-portal-${size.name}.png`, fullPage: true });
      },
    );
  }

  it("raised no Content-Security-Policy violation", () => {
    expect(cspViolations).toEqual([]);
  });
});
