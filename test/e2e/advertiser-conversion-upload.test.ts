/**
 * In a real browser, against the real web server and workers: an advertiser uploads a CSV of
 * conversions, watches the progress page (which refreshes itself) reach done, downloads the report
 * with the reason of the refused row, and sees on its conversions that the affiliate's `converted`
 * postback reached the affiliate's tracker. Then, on a phone, approves a conversion; and without
 * JavaScript, the upload and its progress page work the same.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "~/modules/deliveries/csv";
import { saveOwnPostbackSettings } from "~/modules/deliveries/affiliate-postbacks.server";
import { prisma } from "~/utils/db.server";
import { useTestStack } from "../support/app";
import { collectCspViolations, fitsSideways, logInThroughPage, openBrowserPage, followNavLink } from "../support/browser";
import { deliveredLead, makeConversionMarket } from "../support/conversions";
import { startHttpReceiver, type HttpReceiver } from "../support/http-receiver";
import { expectLedgerInvariants } from "../support/ledger-invariants";

const PHONE = { width: 390, height: 844 };

describe("advertiser conversion upload in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;
  let tracker: HttpReceiver;
  let market: Awaited<ReturnType<typeof makeConversionMarket>>;
  let leads: Array<{ id: string; externalId: string }>;
  let cspViolations: string[] = [];

  beforeAll(async () => {
    tracker = await startHttpReceiver();
    market = await makeConversionMarket(stack());
    // The affiliate wants to hear about conversions at its own tracker.
    await saveOwnPostbackSettings(market.affiliate.actor, {
      postbackUrl: `${tracker.url}/pb?lead={lead_id}&event={event}&payout={payout}&what={conversion_event}`,
      postbackEvents: ["converted"],
    });
    leads = [];
    for (let i = 0; i < 3; i++) leads.push(await deliveredLead(stack(), market));
    ({ browser, page } = await openBrowserPage());
    cspViolations = collectCspViolations(page);
  });

  afterAll(async () => {
    await browser?.close();
    await tracker?.close();
  });

  it("an advertiser uploads conversions, watches them posted, reads the report and sees the affiliate notified", { timeout: 180_000 }, async () => {
    const { appUrl } = stack();
    await logInThroughPage(page, appUrl, market.buyer, "/advertiser");

    await followNavLink(page, "Conversions");
    await page.waitForURL(`${appUrl}/advertiser/conversions`);
    await expect.poll(() => page.locator("main").textContent()).toContain("No conversions yet");
    await page.getByRole("link", { name: "Upload a CSV", exact: true }).click();
    await page.waitForURL(`${appUrl}/advertiser/conversions/upload`);

    const csv = [
      "conversion_id,lead_id,event,occurred_at,adv1",
      `e2e-1,${leads[0].id},funded,,spring`,
      `e2e-2,${leads[1].id},application,,spring`,
      `e2e-3,${leads[2].id},signup,,spring`,
      `e2e-4,${leads[2].id},funded,not a date,spring`,
    ].join("\n");
    await page.getByLabel("CSV file").setInputFiles({ name: "november.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await page.waitForURL(/\/advertiser\/conversions\/upload\/[\w-]+$/);

    // The page refreshes itself until every row is done.
    await expect.poll(() => page.getByTestId("upload-status").textContent(), { timeout: 30_000, interval: 500 }).toBe("done");
    expect(await page.getByTestId("upload-summary").textContent()).toBe("Done: 2 of 4 rows accepted, 2 refused. The report lists every row with its reason.");
    expect(await page.getByTestId("upload-progress").getAttribute("value")).toBe("4");
    const refused = (await page.getByTestId("refused-rows").textContent()) ?? "";
    expect(refused).toContain("This offer pays for application, funded, not signup");
    expect(refused).toContain("occurred_at: Use an ISO 8601 date-time");

    // The report: every row with its outcome and reason.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the report (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^leadex-conversion-upload-.*\.csv$/);
    const report = parseCsv(fs.readFileSync((await download.path())!, "utf8"));
    const [header, ...rows] = report.rows;
    const at = (name: string) => header.indexOf(name);
    expect(rows.map((r) => [r[at("conversion_id")], r[at("outcome")], r[at("reason_code")]])).toEqual([
      ["e2e-1", "accepted", ""],
      ["e2e-2", "accepted", ""],
      ["e2e-3", "refused", "unknown_event"],
      ["e2e-4", "refused", "invalid_fields"],
    ]);

    // The conversions: billed by the worker, and the affiliate's tracker was told of each.
    await page.getByRole("link", { name: "See your conversions" }).click();
    await page.waitForURL(`${appUrl}/advertiser/conversions`);
    const row = (id: string) => page.locator(`tr[data-conversion="${id}"]`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return [(await row("e2e-1").textContent()) ?? "", (await row("e2e-2").textContent()) ?? ""];
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual([expect.stringContaining("Affiliate notified"), expect.stringContaining("Affiliate notified")]);
    expect(await row("e2e-1").textContent()).toContain("$120.00");
    expect(await row("e2e-1").textContent()).toContain("pending");
    const heard = tracker.requests.map((r) => Object.fromEntries(new URL(r.url, tracker.url).searchParams));
    expect(heard).toEqual(
      expect.arrayContaining([
        { lead: leads[0].externalId, event: "converted", payout: "96.00", what: "funded" },
        { lead: leads[1].externalId, event: "converted", payout: "12.00", what: "application" },
      ]),
    );

    // The conversion's own page says so too.
    await row("e2e-1").getByRole("link", { name: "e2e-1" }).click();
    await page.waitForURL(/\/advertiser\/conversions\/[\w-]+$/);
    expect(await page.getByTestId("affiliate-notice").textContent()).toContain("Affiliate notified");

    // On a phone: every page fits the screen, and a conversion can be approved.
    await page.setViewportSize(PHONE);
    for (const path of ["/advertiser/conversions", "/advertiser/conversions/upload", page.url().replace(appUrl, "")]) {
      await page.goto(`${appUrl}${path}`);
      expect(await fitsSideways(page), path).toBe(true);
    }
    await page.goto(`${appUrl}/advertiser/conversions`);
    await row("e2e-2").getByText("Approve or reject").click();
    await row("e2e-2").getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => page.getByTestId("flash").textContent()).toContain("Conversion e2e-2 approved.");
    await expect.poll(() => row("e2e-2").textContent()).toContain("approved");
    expect(await row("e2e-2").textContent()).not.toContain("Approve or reject");
    expect(await fitsSideways(page)).toBe(true);

    expect(cspViolations).toEqual([]);
    await expectLedgerInvariants();
  });

  it("without JavaScript the upload is taken and its progress page refreshes itself to done", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: PHONE });
    try {
      const plain = await context.newPage();
      await logInThroughPage(plain, appUrl, market.buyer, "/advertiser");
      await plain.goto(`${appUrl}/advertiser/conversions/upload`);
      const csv = `conversion_id,lead_id,event\r\nnojs-1,${leads[2].id},application\r\n`;
      await plain.getByLabel("CSV file").setInputFiles({ name: "plain.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await plain.getByRole("button", { name: "Upload and check" }).click();
      await plain.waitForURL(/\/advertiser\/conversions\/upload\/[\w-]+$/);
      await expect.poll(() => plain.getByTestId("upload-status").textContent(), { timeout: 30_000, interval: 500 }).toBe("done");
      expect(await plain.getByTestId("upload-summary").textContent()).toContain("Done: 1 of 1 rows accepted, 0 refused.");
      expect(await fitsSideways(plain)).toBe(true);
      expect(await prisma.conversion.count({ where: { advertiserId: market.buyer.actor.companyId, externalId: "nojs-1", source: "CSV" } })).toBe(1);
    } finally {
      await context.close();
    }
  });
});
