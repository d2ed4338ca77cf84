/**
 * In a real browser, against the real web server and workers: leads held for review on an offer
 * with a high accept score show in the admin's review queue; the admin rejects one with a reason
 * and approves the other, and both leave the queue.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lead } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "../factories/accounts";
import { fundWallet } from "../factories/billing";
import { affiliateLeadId, leadFields, postLead } from "../factories/leads";
import { makeOffer, makeOrder } from "../factories/marketplace";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage } from "../support/browser";
import { waitFor } from "../support/wait";

describe("admin review queue in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  let page: Page;
  let admin: { email: string; password: string };
  let held: Lead[];

  beforeAll(async () => {
    const affiliate = await makeAffiliate();
    const buyer = await makeAdvertiser();
    const offer = await makeOffer(affiliate.actor, { title: "Solar panel quotes", vertical: "solar", qualityRules: { acceptScore: 100 } });
    await makeOrder(buyer.actor, offer.id, { priceCents: 3000 });
    await fundWallet(buyer.actor, 10_000, stack().emulator);
    admin = await makeAdmin();
    held = [];
    for (const fields of [leadFields({ first_name: "Grace" }), leadFields({ first_name: "Alan" })]) {
      const posted = await postLead(stack().appUrl, affiliate.apiKey, { offer_id: offer.id, lead_id: affiliateLeadId(), ...fields });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      held.push(
        await waitFor("the lead to be held for review", async () => {
          const lead = await prisma.lead.findUniqueOrThrow({ where: { id: posted.body.lead_id } });
          return lead.status === "HELD" ? lead : undefined;
        }),
      );
    }

    ({ browser, page } = await openBrowserPage());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("an admin sees held leads with their score, rejects one with a reason, approves the other, and both leave the queue", { timeout: 120_000 }, async () => {
    const { appUrl } = stack();
    const [rejectMe, approveMe] = held;

    await logInThroughPage(page, appUrl, admin, "/admin/leads");

    // The queue: both held leads, oldest first, with score and temperature.
    await page.getByRole("link", { name: "Review queue" }).click();
    await page.waitForURL(`${appUrl}/admin/review`);
    const queue = page.getByTestId("review-queue");
    const rows = queue.locator("tbody tr");
    // A client-side navigation changes the URL before React has drawn the page: wait for the rows.
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain(rejectMe.externalId);
    expect(await rows.nth(1).textContent()).toContain(approveMe.externalId);
    expect(await rows.nth(0).getByTestId("quality-score").textContent()).toBe(`${rejectMe.qualityScore}/100`);
    expect(await rows.nth(0).getByTestId("temperature").textContent()).toBe(rejectMe.temperature!.toLowerCase());

    // The first lead: its score reasons and checks, then a reject without a reason is refused.
    await rows.nth(0).getByRole("link", { name: rejectMe.externalId }).click();
    await page.waitForURL(`${appUrl}/admin/leads/${rejectMe.id}`);
    await expect.poll(() => page.getByRole("heading", { name: "Checks" }).isVisible()).toBe(true);
    expect(await page.getByTestId("score-reasons").textContent()).toContain("Email address given");
    await page.getByRole("button", { name: "Reject" }).click();
    await expect.poll(() => page.locator(".field-error").textContent()).toBe("Give a reason to reject this lead");
    expect((await prisma.lead.findUniqueOrThrow({ where: { id: rejectMe.id } })).status).toBe("HELD");

    await page.getByLabel("Reason").fill("Phone belongs to someone else");
    await page.getByRole("button", { name: "Reject" }).click();
    await page.waitForURL((url) => url.pathname === "/admin/review" && url.searchParams.get("outcome") === "rejected");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("rejected");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).textContent()).toContain(approveMe.externalId);

    // The second lead: approved, sold to the open order, and the queue is empty.
    await rows.nth(0).getByRole("link", { name: approveMe.externalId }).click();
    await page.waitForURL(`${appUrl}/admin/leads/${approveMe.id}`);
    await page.getByLabel("Reason").fill("Confirmed by phone");
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL((url) => url.pathname === "/admin/review" && url.searchParams.get("outcome") === "sold");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("approved and sold");
    await expect.poll(() => page.getByText("Nothing to review").isVisible()).toBe(true);

    const [rejected, approved] = await Promise.all(held.map((l) => prisma.lead.findUniqueOrThrow({ where: { id: l.id }, include: { sales: true } })));
    expect([rejected.status, rejected.reasons]).toEqual(["REJECTED", ["admin_rejected"]]);
    expect([approved.status, approved.sales.length]).toEqual(["SOLD", 1]);
    expect((await prisma.auditLog.findMany({ orderBy: { createdAt: "asc" } })).map((a) => [a.action, a.targetId])).toEqual([
      ["lead.review.rejected", rejectMe.id],
      ["lead.review.approved", approveMe.id],
    ]);
  });
});
