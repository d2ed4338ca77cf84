import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { CHECKOUT_SESSION_LIFETIME_MS, sweepExpiredCheckouts } from "~/modules/billing/checkout-expiry.server";
import { startTopUp } from "~/modules/billing/top-ups.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { getPage, signIn, useTestStack } from "./support/app";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";

// Top-ups settle as Stripe has them: a day-old checkout nobody paid is marked expired, one paid
// whose webhook was lost is credited by the sweep, and Stripe's fee on each charge is booked as the
// platform's expense so ledger cash equals Stripe's balance.

const stack = useTestStack();
const wallet = (advertiserId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, "usd"));
const stripeFees = () => balanceCents(prisma, ledgerAccounts.stripeFees("usd"));
/** Stripe's card fee (the emulator's, as Stripe's US pricing): 2.9% + 30¢, rounded. */
const cardFee = (cents: number) => Math.round(cents * 0.029) + 30;
const aDayLater = () => new Date(Date.now() + CHECKOUT_SESSION_LIFETIME_MS + 3_600_000);

/** Runs `work` with Stripe's webhooks to Leadex lost (nothing delivered), then delivers them again. */
async function withWebhooksLost<T>(work: () => Promise<T>): Promise<T> {
  stack().emulator.setWebhookUrl("");
  try {
    return await work();
  } finally {
    stack().emulator.setWebhookUrl(`${stack().appUrl}/webhooks/stripe`);
  }
}

/** Two workers sweeping at the same moment. */
async function sweepTwiceAtOnce(now: Date) {
  const [a, b] = await Promise.all([sweepExpiredCheckouts(now), sweepExpiredCheckouts(now)]);
  return {
    expired: a.outcomes.expired + b.outcomes.expired,
    credited: a.outcomes.credited + b.outcomes.credited,
  };
}

describe("top-up settlement", () => {
  it("Stripe's fee on each top-up is the platform's expense: the wallet gets the full amount and ledger cash equals Stripe's balance", async () => {
    const advertiser = await makeAdvertiser();
    const feesBefore = await stripeFees();
    const first = await fundWallet(advertiser.actor, 10_000, stack().emulator);
    await fundWallet(advertiser.actor, 2_550, stack().emulator);
    expect(await wallet(advertiser.actor.companyId)).toBe(12_550n);
    expect(await stripeFees()).toBe(feesBefore + BigInt(cardFee(10_000) + cardFee(2_550)));
    const feeEntry = await prisma.journalEntry.findFirstOrThrow({
      where: { kind: "STRIPE_FEE", description: { contains: `top-up ${first.id}` } },
      include: { postings: { include: { account: true } } },
    });
    expect(feeEntry.description).toContain("$3.20");
    expect(feeEntry.idempotencyKey).toMatch(/^stripe-fee:txn_/);
    expect(feeEntry.postings.map((p) => [p.account.code, p.amountCents]).sort()).toEqual([
      ["platform:stripe-cash:usd", -320n],
      ["platform:stripe-fees:usd", 320n],
    ]);
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("a checkout abandoned for a day is marked expired once by two sweeps at once, and the billing page says so", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 4_000);
    // Not yet a day old: the session may still be paid, so the sweep leaves it alone.
    expect((await sweepExpiredCheckouts()).checked).toBe(0);
    expect((await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).status).toBe("PENDING");

    // Stripe expires the session a day later, and its checkout.session.expired webhook is lost.
    const swept = await withWebhooksLost(() => sweepTwiceAtOnce(aDayLater()));
    expect(swept).toEqual({ expired: 1, credited: 0 });
    const topUp = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    expect(topUp).toMatchObject({ status: "EXPIRED", journalEntryId: null, paidAt: null });
    expect(await wallet(advertiser.actor.companyId)).toBe(0n);
    // Stripe has it expired too: nobody can pay it any more.
    const session = await stack()
      .emulator.completeCheckoutSession(topUp.stripeCheckoutSessionId!)
      .catch((e: Error) => e);
    expect(String(session)).toContain("is expired, not open");

    // A sweep later finds nothing left to do.
    expect((await sweepExpiredCheckouts(aDayLater())).checked).toBe(0);

    const cookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain("expired Checkout expired unpaid: you were not charged");
    expect(page.text).toContain("$40.00");
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("a paid checkout whose webhooks were lost is credited once by the sweep, with Stripe's fee, and the late webhook credits nothing more", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 10_000);
    const { stripeCheckoutSessionId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    const feesBefore = await stripeFees();

    const swept = await withWebhooksLost(async () => {
      await stack().emulator.completeCheckoutSession(stripeCheckoutSessionId!);
      expect((await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).status).toBe("PENDING");
      return sweepTwiceAtOnce(aDayLater());
    });
    expect(swept).toEqual({ expired: 0, credited: 1 });
    expect(await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).toMatchObject({ status: "PAID", journalEntryId: expect.any(String) });
    expect(await wallet(advertiser.actor.companyId)).toBe(10_000n);
    expect(await stripeFees()).toBe(feesBefore + 320n);
    await expectCashEqualsStripe();

    // Stripe delivers the lost checkout.session.completed at last: the top-up is credited already.
    const completed = stack()
      .emulator.deliveredEvents()
      .find((e) => e.type === "checkout.session.completed" && (e.data.object as Stripe.Checkout.Session).id === stripeCheckoutSessionId)!;
    expect(await stack().emulator.resendEvent(completed.id)).toBe(200);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `topup:${topUpId}` } })).toBe(1);
    expect(await prisma.journalEntry.count({ where: { kind: "STRIPE_FEE", description: { contains: `top-up ${topUpId}` } } })).toBe(1);
    expect(await wallet(advertiser.actor.companyId)).toBe(10_000n);
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });
});
