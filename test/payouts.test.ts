import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getStripe } from "~/modules/billing/stripe.server";
import { releaseDueEarnings, reverseLeadSale } from "~/modules/earnings/earnings.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { decideAffiliatePayout, openPayoutRun, payoutTransferKey, runPayouts } from "~/modules/payouts/payout-runs.server";
import { setPayoutHold } from "~/modules/payouts/payout-queries.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin } from "./factories/accounts";
import { getPage, signIn, useTestStack } from "./support/app";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { makeMarket, postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: true });
const DAY = 86_400_000;

const available = (affiliateId: string) => balanceCents(prisma, ledgerAccounts.affiliateAvailable(affiliateId, "usd"));
const run = (key = `test-${randomUUID()}`) => runPayouts({ key, trigger: "SCHEDULE", triggeredById: null });

/** An affiliate with `leads` sold leads ($25.60 earned each), released, optionally onboarded on Stripe Connect. */
async function affiliateWithEarnings(leads: number, opts: { onboard?: boolean } = {}) {
  const market = await makeMarket(stack());
  for (let i = 0; i < leads; i++) expect((await postAndSettle(stack(), market.affiliate.apiKey, market.offer.id)).status).toBe("SOLD");
  const affiliateId = market.affiliate.actor.companyId;
  await releaseDueEarnings(`release-${randomUUID()}`, new Date(Date.now() + 8 * DAY));
  let accountId: string | null = null;
  if (opts.onboard !== false) {
    await startPayoutOnboarding(market.affiliate.actor, market.affiliate.email);
    accountId = (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).stripeAccountId!;
    await stack().emulator.completeAccountOnboarding(accountId);
    await waitFor("account.updated to enable payouts", async () => (await prisma.company.findUniqueOrThrow({ where: { id: affiliateId } })).payoutsEnabled);
  }
  return { ...market, affiliateId, accountId };
}

describe("payouts through Stripe Connect", () => {
  it("pays an onboarded affiliate its available balance in one entry and one transfer, with a statement of what it paid", async () => {
    const { affiliateId, accountId, affiliate } = await affiliateWithEarnings(3);
    expect(await available(affiliateId)).toBe(7_680n);
    const summary = await run();
    expect(summary).toMatchObject({ paid: 1, failed: 0, pending: 0 });
    const payout = await prisma.payout.findFirstOrThrow({ where: { affiliateId } });
    expect(payout).toMatchObject({ status: "PAID", amountCents: 7_680, stripeAccountId: accountId });
    const transfer = await getStripe().transfers.retrieve(payout.stripeTransferId!);
    expect(transfer).toMatchObject({ amount: 7_680, destination: accountId, metadata: { leadex_payout_id: payout.id } });
    expect(await available(affiliateId)).toBe(0n);
    // The next run finds nothing to pay.
    await run();
    expect(await prisma.payout.count({ where: { affiliateId } })).toBe(1);

    const cookie = await signIn(stack().appUrl, affiliate.email, affiliate.password);
    const csv = await fetch(new URL(`/affiliate/payouts/${payout.id}.csv`, stack().appUrl), { headers: { cookie } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("date,kind,lead_id,description,available_at,amount,currency");
    expect(lines.filter((l) => l.includes(",lead_sale,"))).toHaveLength(3);
    expect(lines.at(-1)).toContain(",total,");
    expect(lines.at(-1)).toContain("76.80");
    // Nobody else can read it.
    const other = await makeMarket(stack());
    const otherCookie = await signIn(stack().appUrl, other.affiliate.email, other.affiliate.password);
    expect((await fetch(new URL(`/affiliate/payouts/${payout.id}.csv`, stack().appUrl), { headers: { cookie: otherCookie } })).status).toBe(404);
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("a run killed between the ledger entry and the transfer, run again, pays once", async () => {
    const { affiliateId } = await affiliateWithEarnings(2);
    const key = `killed-${randomUUID()}`;
    // The first run decides and posts the entry, then dies before calling Stripe.
    const runRow = await openPayoutRun({ key, trigger: "SCHEDULE", triggeredById: null });
    const decided = await prisma.$transaction((tx) => decideAffiliatePayout(tx, runRow, affiliateId));
    expect(decided?.status).toBe("PENDING");
    expect(await available(affiliateId)).toBe(0n);
    // ... or it reached Stripe and died before recording the answer.
    await getStripe().transfers.create(
      {
        amount: decided!.amountCents,
        currency: "usd",
        destination: decided!.stripeAccountId!,
        transfer_group: runRow.transferGroup,
        description: `Leadex payout ${decided!.id}`,
        metadata: { leadex_payout_id: decided!.id },
      },
      { idempotencyKey: payoutTransferKey(decided!.id) },
    );
    // Run again, the same run and a new one at once.
    await Promise.all([run(key), run()]);
    const payouts = await prisma.payout.findMany({ where: { affiliateId } });
    expect(payouts).toHaveLength(1);
    expect(payouts[0].status).toBe("PAID");
    const transfers = await getStripe().transfers.list({ destination: payouts[0].stripeAccountId!, limit: 10 });
    expect(transfers.data).toHaveLength(1);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: { startsWith: `payout:${payouts[0].id}` } } })).toBe(1);
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("says why an affiliate was not paid: below the minimum, not onboarded, requirements due, disabled by Stripe, held by an admin", async () => {
    const small = await affiliateWithEarnings(1);
    const notOnboarded = await affiliateWithEarnings(2, { onboard: false });
    const due = await affiliateWithEarnings(2);
    await stack().emulator.changeAccountRequirements(due.accountId!, { currently_due: ["individual.dob.day", "external_account"] });
    const disabled = await affiliateWithEarnings(2);
    await stack().emulator.changeAccountRequirements(disabled.accountId!, { disabled_reason: "rejected.fraud", payouts_enabled: false });
    const held = await affiliateWithEarnings(2);
    const admin = await makeAdmin();
    await setPayoutHold(admin.actor, held.affiliateId, { held: true, reason: "checking traffic sources" });
    await waitFor(
      "the requirements to arrive",
      async () => (await prisma.company.findUniqueOrThrow({ where: { id: due.affiliateId } })).stripeRequirementsDue.length > 0,
    );

    const summary = await run();
    const skips = new Map((await prisma.payoutSkip.findMany({ where: { runId: summary.runId } })).map((s) => [s.affiliateId, s.reason]));
    expect(skips.get(small.affiliateId)).toBe("Available $25.60 is below the minimum payout of $50.00");
    expect(skips.get(notOnboarded.affiliateId)).toBe("Set up payouts with Stripe to be paid");
    expect(skips.get(due.affiliateId)).toMatch(/^Stripe still needs: (date of birth, a bank account for payouts|a bank account for payouts, date of birth)$/);
    expect(skips.get(disabled.affiliateId)).toBe("Stripe has disabled payouts on your account (rejected fraud)");
    expect(skips.get(held.affiliateId)).toBe("Payouts are held by Leadex: checking traffic sources");
    expect(await prisma.auditLog.count({ where: { action: "payouts.held", targetId: held.affiliateId, actorId: admin.actor.userId } })).toBe(1);
    expect(
      await prisma.payout.count({
        where: { affiliateId: { in: [small.affiliateId, notOnboarded.affiliateId, due.affiliateId, disabled.affiliateId, held.affiliateId] } },
      }),
    ).toBe(0);

    // The affiliate reads why on its payouts page, with what Stripe still needs.
    const cookie = await signIn(stack().appUrl, due.affiliate.email, due.affiliate.password);
    const page = await getPage(stack().appUrl, "/affiliate/payouts", cookie);
    expect(page.text).toContain(skips.get(due.affiliateId));
    expect(page.text).toContain("Continue onboarding with Stripe");
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("a transfer reversed in Stripe puts the money back in the affiliate's available balance, with the reason on the payout", async () => {
    const { affiliateId } = await affiliateWithEarnings(2);
    await run();
    const payout = await prisma.payout.findFirstOrThrow({ where: { affiliateId } });
    await stack().emulator.reverseTransfer(payout.stripeTransferId!);
    await waitFor("transfer.reversed to be booked", async () => (await available(affiliateId)) === 5_120n);
    // A redelivered event changes nothing more.
    const event = stack()
      .emulator.deliveredEvents()
      .find((e) => e.type === "transfer.reversed")!;
    expect(await stack().emulator.resendEvent(event.id)).toBe(200);
    expect(await available(affiliateId)).toBe(5_120n);
    const reversed = await prisma.payout.findUniqueOrThrow({ where: { id: payout.id } });
    expect(reversed.status).toBe("REVERSED");
    expect(reversed.failureReason).toBe("the transfer was reversed in Stripe");
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
    // The next run pays it again.
    await run();
    expect(await prisma.payout.count({ where: { affiliateId, status: "PAID" } })).toBe(1);
    expect(await available(affiliateId)).toBe(0n);
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("a payout the affiliate's bank refuses comes back as available, with the bank's reason", async () => {
    const { affiliateId, accountId } = await affiliateWithEarnings(2);
    await run();
    const [stripePayout] = await stack().emulator.payOutAccountBalance(accountId!);
    await stack().emulator.failPayout(stripePayout.id, "account_closed", "The bank account has been closed");
    await waitFor("the failed payout to come back", async () => (await available(affiliateId)) === 5_120n);
    const payout = await prisma.payout.findFirstOrThrow({ where: { affiliateId } });
    expect(payout.failureReason).toBe("the bank refused Stripe's payout: The bank account has been closed");
    expect(payout.status).toBe("REVERSED");
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });

  it("a clawback after payout is recovered from the next earnings before anything more is paid", async () => {
    const { affiliateId, affiliate, offer } = await affiliateWithEarnings(2);
    await run();
    const sale = await prisma.leadSale.findFirstOrThrow({ where: { lead: { affiliateId } } });
    await prisma.$transaction((tx) => reverseLeadSale(tx, sale.id, "duplicate"));
    expect(await available(affiliateId)).toBe(-2_560n);
    let summary = await run();
    expect((await prisma.payoutSkip.findFirstOrThrow({ where: { runId: summary.runId, affiliateId } })).reason).toBe(
      "You owe $25.60 after a clawback; it is recovered from your next earnings",
    );
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
    // Four more leads ($102.40) later: paid what is left after the debt, the clawback a line of its own.
    for (let i = 0; i < 4; i++) await postAndSettle(stack(), affiliate.apiKey, offer.id);
    await releaseDueEarnings(`release-${randomUUID()}`, new Date(Date.now() + 8 * DAY));
    summary = await run();
    const second = await prisma.payout.findFirstOrThrow({ where: { runId: summary.runId, affiliateId }, include: { earnings: true } });
    expect(second.amountCents).toBe(10_240 - 2_560);
    expect(second.earnings.map((e) => [e.kind, e.amountCents]).sort()).toEqual(
      [
        ["CLAWBACK", -2_560],
        ["LEAD_SALE", 2_560],
        ["LEAD_SALE", 2_560],
        ["LEAD_SALE", 2_560],
        ["LEAD_SALE", 2_560],
      ].sort(),
    );
    await expectLedgerInvariants();
    await expectCashEqualsStripe();
  });
});
