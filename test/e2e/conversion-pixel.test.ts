/**
 * In a real browser: an advertiser makes its pixel token on the Conversion tracking page and puts
 * the snippets on its own thank-you page (another origin); the customer's browser loads the image
 * and the iframe, and the conversions are recorded and billed.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage, followNavLink } from "../support/browser";
import { deliveredLead, makeConversionMarket, settledConversion } from "../support/conversions";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { waitFor } from "../support/wait";

/** The advertiser's own site: serves one page, whatever is asked. */
async function startThankYouPage(html: () => string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // "localhost", not 127.0.0.1: another origin than Leadex's.
  return { url: `http://localhost:${port}/thank-you`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("conversion pixel in the browser", () => {
  const stack = useTestStack({ workers: true });
  let browser: Browser | undefined;
  let page: Page;
  let site: Awaited<ReturnType<typeof startThankYouPage>> | undefined;
  let thankYouHtml = "";

  beforeAll(async () => {
    ({ browser, page } = await openBrowserPage());
    site = await startThankYouPage(() => thankYouHtml);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("the snippets from the Conversion tracking page, on the advertiser's own page, record its conversions", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    const market = await makeConversionMarket(stack());
    const lead = await deliveredLead(stack(), market);

    await logInThroughPage(page, appUrl, market.buyer, "/advertiser");
    await followNavLink(page, "Conversion tracking");
    await page.waitForURL(`${appUrl}/advertiser/conversion-tracking`);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(width);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole("button", { name: "Generate token" }).click();
    const token = (await page.getByTestId("new-pixel-token").textContent())!;
    expect(token).toMatch(/^lxp_/);
    // The page offers to rotate the token it just made (waits for the revalidated page).
    await page.getByRole("button", { name: "Rotate token" }).waitFor({ state: "visible", timeout: 10_000 });

    // The page's CPA image snippet and its CPS iframe snippet, as the advertiser's site fills them in.
    const snippets = await page.locator(".code-block pre").allTextContents();
    const image = snippets.find((s) => s.startsWith("<img") && s.includes("event={event}"))!;
    const frame = snippets.find((s) => s.startsWith("<iframe"))!;
    expect(image).toContain(token);
    thankYouHtml =
      `<!DOCTYPE html><html><body><h1>Thank you!</h1>` +
      image.replace("{lead_id}", lead.id).replace("{order_id}", "web-1").replace("{event}", "application") +
      frame.replace("{lead_id}", lead.id).replace("{order_id}", "web-2").replace("{order_total}", "10.00").replace(" hidden", ` id="pixel-frame"`) +
      `</body></html>`;

    await page.goto(site!.url);
    await page.waitForLoadState("load");
    const imageLoaded = await page.evaluate(() => {
      const img = document.querySelector("img")!;
      return { complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
    });
    expect(imageLoaded).toEqual({ complete: true, width: 1, height: 1 });
    // The iframe is framed (not blocked), and says what happened.
    const framed = page.frameLocator("#pixel-frame");
    await expect.poll(() => framed.locator("body").textContent()).toContain("Conversion refused (invalid_fields): Send the event this action is");

    // The CPA action from the image; the frame's CPS snippet is refused: this market's offer pays per action, with an event.
    const action = await waitFor("the pixel's conversion", () => prisma.conversion.findFirst({ where: { advertiserId: market.buyer.actor.companyId } }));
    expect(action).toMatchObject({ externalId: "web-1", source: "PIXEL", event: "application" });
    expect(await settledConversion(action.id)).toMatchObject({ status: "PENDING", payoutCents: 1_500 });
    expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId } })).toBe(1);
    await expectLedgerInvariants();
  });
});
