import fs from "node:fs";
import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { describe, expect, it, vi } from "vitest";
import { getStripe } from "~/modules/billing/stripe.server";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { runPayouts } from "~/modules/payouts/payout-runs.server";
import { runLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";
import { ledgerRunReportOf } from "~/modules/reconciliation/reconciliation.schema";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { getPage, signIn, submitAndFollow, useTestStack } from "./support/app";
import { logInThroughPage, openBrowserPage } from "./support/browser";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { makeMarket, postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

// One file, one emulator and one database: the clean flow runs first, then drift is injected.
const stack = useTestStack({ workers: true });
const DAY = 86_400_000;

const reportOf = async (runKey: string) => {
  const run = await prisma.reconciliationRun.findUniqueOrThrow({ where: { runKey } });
  return { run, report: ledgerRunReportOf(run.report)! };
};

async function allBalanceTransactions(): Promise<Stripe.BalanceTransaction[]> {
  const all: Stripe.BalanceTransaction[] = [];
  for await (const t of getStripe().balanceTransactions.list({ limit: 100 })) all.push(t);
  return all;
}

const chargeOfTopUp = async (topUpId: string) => {
  const { stripePaymentIntentId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
  return (await getStripe().paymentIntents.retrieve(stripePaymentIntentId!)).latest_charge as string;
};

/** Top-ups, lead sales, a payout and part of it reversed, a dashboard refund, a won and a lost chargeback: every kind of Stripe money Leadex books. */
async function cleanFlow() {
  const { emulator } = stack();
  const market = await makeMarket(stack());
  for (let i = 0; i < 3; i++) expect((await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id)).status).toBe("SOLD");
  const affiliateId = market.affiliate.actor.companyId;
  await releaseDueEarnings(`release-${randomUUID()}`, new Date(Date.now() + 8 * DAY));
  await startPayoutOnboarding(market.affiliate.actor, market.affiliate.email);
  const accountId = (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).stripeAccountId!;
  await emulator.completeAccountOnboarding(accountId);
  await waitFor("payouts enabled", async () => (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).payoutsEnabled);
  expect(await runPayouts({ key: `pay-${randomUUID()}`, trigger: "SCHEDULE", triggeredById: null })).toMatchObject({ paid: 1 });
  const payout = await prisma.payout.findFirstOrThrow({ where: { affiliateId } });
  await emulator.reverseTransfer(payout.stripeTransferId!, 1_000);
  await waitFor("the reversal to be booked", () =>
    prisma.journalEntry.findFirst({ where: { kind: "PAYOUT_REVERSED", stripeObjectId: { startsWith: "trr_" } } }),
  );

  const refunded = await makeAdvertiser();
  const topUp = await fundWallet(refunded.actor, 4_000, emulator);
  const { stripePaymentIntentId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUp.id } });
  const refund = await getStripe().refunds.create({ payment_intent: stripePaymentIntentId!, amount: 1_500 });
  await waitFor("the refund to be booked", async () => (await prisma.stripeRefund.findUnique({ where: { stripeRefundId: refund.id } }))?.journalEntryId);

  for (const outcome of ["won", "lost"] as const) {
    const disputed = await makeAdvertiser();
    const paid = await fundWallet(disputed.actor, 2_500, emulator);
    const dispute = await emulator.openDispute(await chargeOfTopUp(paid.id));
    await waitFor("the chargeback", () => prisma.stripeChargeDispute.findFirst({ where: { stripeDisputeId: dispute.id, withdrawnEntryId: { not: null } } }));
    await emulator.closeDispute(dispute.id, outcome);
    await waitFor(
      "the dispute to close",
      async () => (await prisma.stripeChargeDispute.findFirst({ where: { stripeDisputeId: dispute.id } }))?.status === outcome,
    );
  }
  await emulator.waitForWebhooks();
  return { payout, refund, topUp };
}

describe("ledger reconciliation with Stripe", () => {
  it(
    "after top-ups, sales, a payout and its reversal, a refund and chargebacks, a run finds nothing: drift 0 and ledger cash = Stripe",
    { timeout: 120_000 },
    async () => {
      const { payout, refund, topUp } = await cleanFlow();
      // Each Stripe object is named by the entries that book it.
      expect(await prisma.journalEntry.findUniqueOrThrow({ where: { id: payout.journalEntryId! } })).toMatchObject({ stripeObjectId: payout.stripeTransferId });
      expect(await prisma.journalEntry.findUniqueOrThrow({ where: { idempotencyKey: `stripe-refund:${refund.id}` } })).toMatchObject({
        stripeObjectId: refund.id,
      });
      const charge = await chargeOfTopUp(topUp.id);
      expect((await prisma.journalEntry.findMany({ where: { stripeObjectId: charge }, orderBy: { kind: "asc" } })).map((e) => e.kind)).toEqual([
        "STRIPE_FEE",
        "TOP_UP",
      ]);
      expect(await prisma.journalEntry.count({ where: { kind: { in: ["CHARGEBACK", "CHARGEBACK_REINSTATED"] }, stripeObjectId: { startsWith: "du_" } } })).toBe(
        3,
      );

      const key = `clean-${randomUUID()}`;
      const outcome = await runLedgerReconciliation(key);
      expect(outcome).toMatchObject({ findings: 0, driftCents: 0n, stored: true });
      const { run, report } = await reportOf(key);
      expect(run).toMatchObject({ kind: "ledger", findings: 0, driftCents: 0n });
      expect(report.items).toEqual([]);
      expect(report.unbalancedEntries).toEqual([]);
      expect(report.belowFloor).toEqual([]);
      // The lost chargeback's wallet is below zero, explained by its recorded chargeback.
      expect(report.explainedBelowFloor).toBeGreaterThan(0);
      expect(report.cash).toHaveLength(1);
      expect(report.cash[0].differenceCents).toBe(0);
      expect(report.stripe.balanceTransactions).toBe((await allBalanceTransactions()).length);

      // Safe to run twice: the same key stores one run.
      expect(await runLedgerReconciliation(key)).toMatchObject({ stored: false });
      expect(await prisma.reconciliationRun.count({ where: { runKey: key } })).toBe(1);

      const admin = await makeAdmin();
      const cookie = await signIn(stack().appUrl, admin.email, admin.password);
      const page = await getPage(stack().appUrl, "/admin/finance", cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain("Books match Stripe");
      expect(page.text).not.toContain("Drift found");
      const detail = await getPage(stack().appUrl, `/admin/finance/runs/${run.id}`, cookie);
      expect(detail.text).toContain("Every Stripe balance transaction matches the ledger.");
      expect(detail.text).toContain("Every journal entry balances.");
      await expectLedgerInvariants();
      await expectCashEqualsStripe();
    },
  );

  it("reads every page of Stripe's balance transactions", async () => {
    const total = (await allBalanceTransactions()).length;
    // More than three pages of three.
    expect(total).toBeGreaterThan(9);
    const key = `pages-${randomUUID()}`;
    expect(await runLedgerReconciliation(key, { pageSize: 3 })).toMatchObject({ findings: 0, driftCents: 0n });
    expect((await reportOf(key)).report.stripe.balanceTransactions).toBe(total);
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("reports a Stripe-only charge and an entry whose amount differs, loudly, without touching the ledger", async () => {
    const stripe = getStripe();
    // A charge made at Stripe, not through Leadex.
    const intent = await stripe.paymentIntents.create({ amount: 4_321, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    expect(intent.status).toBe("succeeded");
    const strayCharge = intent.latest_charge as string;
    const strayNet = (await allBalanceTransactions()).find((t) => t.source === strayCharge)!.net;
    // An entry naming a real charge with a wrong amount.
    const advertiser = await makeAdvertiser();
    const topUp = await fundWallet(advertiser.actor, 3_000, stack().emulator);
    const charge = await chargeOfTopUp(topUp.id);
    const chargeNet = (await allBalanceTransactions()).find((t) => t.source === charge)!.net;
    await prisma.$transaction((tx) =>
      postJournalEntry(tx, {
        idempotencyKey: `test-wrong-amount:${charge}`,
        kind: "TEST_ADJUSTMENT",
        description: "A mistaken cash entry",
        stripeObjectId: charge,
        postings: [
          { account: ledgerAccounts.stripeCash("usd"), amountCents: 500n },
          { account: ledgerAccounts.platformFees("usd"), amountCents: -500n },
        ],
      }),
    );
    await stack().emulator.waitForWebhooks();
    const entriesBefore = await prisma.journalEntry.count();

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const key = `drift-${randomUUID()}`;
    const outcome = await runLedgerReconciliation(key);
    expect(warn.mock.calls.filter(([line]) => String(line).startsWith("[reconciliation] ledger drift"))).toHaveLength(1);
    warn.mockRestore();

    const { report } = await reportOf(key);
    expect(report.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "missing_in_ledger", sourceId: strayCharge, stripeCents: strayNet, ledgerCents: null, differenceCents: strayNet }),
        expect.objectContaining({ kind: "amount_differs", sourceId: charge, stripeCents: chargeNet, ledgerCents: chargeNet + 500, differenceCents: -500 }),
      ]),
    );
    expect(report.items).toHaveLength(2);
    expect(report.cash[0].differenceCents).toBe(strayNet - 500);
    // Two unmatched items and cash ≠ Stripe; drift is what the items are off by.
    expect(outcome).toMatchObject({ findings: 3, driftCents: BigInt(strayNet + 500) });
    expect(await prisma.journalEntry.count()).toBe(entriesBefore);

    // The admin sees it in red, with both amounts, and can run it again from the page (the worker warns in its log).
    const admin = await makeAdmin();
    const cookie = await signIn(stack().appUrl, admin.email, admin.password);
    const page = await getPage(stack().appUrl, "/admin/finance", cookie);
    expect(page.text).toContain("Drift found");
    const html = await (await fetch(new URL("/admin/finance", stack().appUrl), { headers: { cookie } })).text();
    expect(html).toContain("verdict-drift");
    const run = await prisma.reconciliationRun.findUniqueOrThrow({ where: { runKey: key } });
    const detail = await getPage(stack().appUrl, `/admin/finance/runs/${run.id}`, cookie);
    expect(detail.text).toContain(`${strayCharge} Missing in the ledger charge`);
    expect(detail.text).toContain(`${charge} Amount differs charge $${(chargeNet / 100).toFixed(2)} $${((chargeNet + 500) / 100).toFixed(2)} -$5.00`);

    const started = await submitAndFollow(stack().appUrl, "/admin/finance", { intent: "run" }, cookie);
    expect(started).toMatchObject({ status: 302, location: "/admin/finance" });
    expect(started.text).toContain("Ledger reconciliation started");
    const adminRun = await waitFor("the worker's run", () =>
      prisma.reconciliationRun.findFirst({ where: { kind: "ledger", runKey: { startsWith: "admin:" } } }),
    );
    expect(adminRun.findings).toBe(3);
    await waitFor("the worker's warning", async () =>
      fs.readFileSync(stack().logFile, "utf8").includes(`[reconciliation] ledger drift in run ${adminRun.runKey}`),
    );

    // The ledger's own invariants still hold; cash ≠ Stripe here by design (the injected drift).
    await expectLedgerInvariants();
  });

  it("the finance page and a run's detail fit a 390 px phone without sideways scrolling", async () => {
    const admin = await makeAdmin();
    const run = await prisma.reconciliationRun.findFirstOrThrow({ where: { kind: "ledger", findings: { gt: 0 } } });
    const { browser, page } = await openBrowserPage();
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await logInThroughPage(page, stack().appUrl, admin, "/admin/leads");
      for (const path of ["/admin/finance", `/admin/finance/runs/${run.id}`]) {
        await page.goto(`${stack().appUrl}${path}`);
        expect(await page.locator(".verdict-drift").first().isVisible(), path).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), path).toBe(true);
      }
    } finally {
      await browser.close();
    }
  });
});
