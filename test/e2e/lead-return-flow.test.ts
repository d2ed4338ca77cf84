/**
 * In a real browser, three people: a buyer returns a lead from its page (with a call log file), the
 * seller contests it from its Disputes page, and an admin approves it from the queue. The buyer's
 * wallet gets the price back, the seller's earning is voided, and the ledger still balances.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "../factories/accounts";
import { useTestStack } from "../support/app";
import { logInThroughPage, openBrowserPage, followNavLink } from "../support/browser";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { makeMarket, postAndSettle } from "../support/selling";

describe("a lead return from request to decision, in the browser", () => {
  const stack = useTestStack();
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ({ browser } = await openBrowserPage());
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
  });

  /** A fresh browser context (own cookies) for one person. */
  async function personPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    return context.newPage();
  }

  it("the buyer returns a lead, the seller contests it, an admin approves it and the money moves", { timeout: 180_000 }, async () => {
    const { appUrl } = stack();
    const market = await makeMarket(stack());
    const lead = await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id);
    expect(lead.status).toBe("SOLD");
    const advertiserId = market.buyer.actor.companyId;
    const affiliateId = market.affiliate.actor.companyId;
    const walletBefore = await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, "usd"));
    const admin = await makeAdmin();

    // The buyer, from the lead's page.
    const buyer = await personPage();
    await logInThroughPage(buyer, appUrl, market.buyer, "/advertiser");
    await buyer.goto(`${appUrl}/advertiser/leads/${lead.id}`);
    await buyer.getByLabel("Reason").selectOption("wrong_person");
    await buyer.getByLabel("Note").fill("The person who answered is not the one on the lead");
    await buyer
      .getByLabel("Evidence file")
      .setInputFiles({ name: "call-log.txt", mimeType: "text/plain", buffer: Buffer.from("09:14 called, 2 min, wrong person") });
    await buyer.getByRole("button", { name: "Return this lead" }).click();
    const sent = await buyer.getByTestId("return-result").textContent();
    expect(sent).toContain("seller");
    const dispute = await prisma.dispute.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(dispute.status).toBe("AWAITING_RESPONSE");

    // The seller, from its Disputes page.
    const seller = await personPage();
    await logInThroughPage(seller, appUrl, market.affiliate, "/affiliate");
    await followNavLink(seller, /^Disputes/);
    await seller.waitForURL(`${appUrl}/affiliate/disputes`);
    await seller.locator(`a[href="/affiliate/disputes/${dispute.id}"]`).first().click();
    await seller.waitForURL(`${appUrl}/affiliate/disputes/${dispute.id}`);
    await seller.getByText("call-log.txt").first().waitFor();
    await seller.getByLabel("Contest").check();
    await seller.getByLabel("Note").fill("Consent and IP match the person on the lead");
    await seller.getByRole("button", { name: "Send the answer" }).click();
    await seller.getByText("You contested it: an admin decides").waitFor();
    expect((await prisma.dispute.findUniqueOrThrow({ where: { id: dispute.id } })).status).toBe("IN_REVIEW");

    // The admin, from the queue.
    const judge = await personPage();
    await logInThroughPage(judge, appUrl, admin, "/admin/leads");
    await judge.goto(`${appUrl}/admin/disputes`);
    expect(await judge.getByTestId("dispute-queue").textContent()).toContain(dispute.id);
    await judge.locator(`a[href="/admin/disputes/${dispute.id}"]`).first().click();
    await judge.waitForURL(`${appUrl}/admin/disputes/${dispute.id}`);
    expect(await judge.getByTestId("seller-side").textContent()).toContain("Consent and IP match the person on the lead");
    await judge.getByLabel("Reason").fill("The buyer's call log names another person; the seller shows no call");
    await judge.getByRole("button", { name: "Approve", exact: true }).click();
    await judge.waitForURL(`${appUrl}/admin/disputes/${dispute.id}?decided=1`);
    expect(await judge.getByTestId("decided").textContent()).toContain("Approved by an admin");

    // The money, and what the buyer now reads.
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, "usd"))).toBe(walletBefore + 3_200n);
    expect(await balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliateId, "usd"))).toBe(0n);
    await buyer.goto(`${appUrl}/advertiser/disputes/${dispute.id}`);
    expect(await buyer.locator("main").textContent()).toContain("Approved by an admin");
    await expectLedgerInvariants();
  });
});
