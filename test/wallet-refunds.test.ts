import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getStripe } from "~/modules/billing/stripe.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { getPage, signIn, submitAndFollow, submitForm, useTestStack } from "./support/app";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: false });

async function adminSession() {
  const admin = await makeAdmin();
  return signIn(stack().appUrl, admin.email, admin.password);
}

const walletOf = (companyId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(companyId, "usd"));

async function stripeRefundsOf(paymentIntent: string): Promise<Stripe.Refund[]> {
  return (await getStripe().refunds.list({ payment_intent: paymentIntent, limit: 100 })).data;
}

/** Delivers again every event the emulator sent about these Stripe refunds (refund.created, and charge.refunded of their charges). */
async function redeliverRefundEvents(refundIds: string[], chargeIds: string[]) {
  await stack().emulator.waitForWebhooks();
  const events = stack()
    .emulator.deliveredEvents()
    .filter(
      (e) =>
        (e.type === "refund.created" && refundIds.includes((e.data.object as Stripe.Refund).id)) ||
        (e.type === "charge.refunded" && chargeIds.includes((e.data.object as Stripe.Charge).id)),
    );
  expect(events.length).toBeGreaterThanOrEqual(refundIds.length * 2);
  for (const e of events) expect(await stack().emulator.resendEvent(e.id)).toBe(200);
}

describe("refunds of unused balance", () => {
  it("an admin refunds unused balance to the newest top-ups' cards, and the refund posts once even when its webhooks are delivered twice", async () => {
    const advertiser = await makeAdvertiser();
    const older = await fundWallet(advertiser.actor, 5_000, stack().emulator);
    const newer = await fundWallet(advertiser.actor, 3_000, stack().emulator);
    const cookie = await adminSession();
    const id = advertiser.actor.companyId;

    const before = await getPage(stack().appUrl, `/admin/billing/${id}`, cookie);
    expect(before.status).toBe(200);
    expect(before.text).toContain("Wallet $80.00");
    expect(before.text).toContain("Refundable to cards $80.00");
    const list = await getPage(stack().appUrl, `/admin/billing?q=${encodeURIComponent(advertiser.companyName)}`, cookie);
    expect(list.text).toMatch(new RegExp(`${advertiser.companyName} \\$80\\.00 \\$80\\.00 \\(2\\) \\$80\\.00`));

    const answer = await submitAndFollow(stack().appUrl, `/admin/billing/${id}`, { amount: "60", note: "Leaving the marketplace" }, cookie);
    expect(answer.status).toBe(302);
    expect(answer.text).toContain("$60.00 of $60.00 refunded to the advertiser's card.");
    expect(await walletOf(id)).toBe(2_000n);

    const [olderTopUp, newerTopUp] = await Promise.all([
      prisma.topUp.findUniqueOrThrow({ where: { id: older.id } }),
      prisma.topUp.findUniqueOrThrow({ where: { id: newer.id } }),
    ]);
    const newerRefunds = await stripeRefundsOf(newerTopUp.stripePaymentIntentId!);
    const olderRefunds = await stripeRefundsOf(olderTopUp.stripePaymentIntentId!);
    expect(newerRefunds.map((r) => r.amount)).toEqual([3_000]);
    expect(olderRefunds.map((r) => r.amount)).toEqual([3_000]);
    const refunds = [...newerRefunds, ...olderRefunds];

    await redeliverRefundEvents(
      refunds.map((r) => r.id),
      refunds.map((r) => r.charge as string),
    );
    await stack().emulator.waitForWebhooks();
    expect(await walletOf(id)).toBe(2_000n);
    for (const r of refunds) expect(await prisma.journalEntry.count({ where: { idempotencyKey: `stripe-refund:${r.id}` } })).toBe(1);
    const rows = await prisma.stripeRefund.findMany({ where: { advertiserId: id } });
    expect(rows.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(await balanceCents(prisma, ledgerAccounts.refundsInFlight("usd"))).toBe(0n);
    expect(await prisma.auditLog.count({ where: { action: "wallet.refund.requested", targetId: id } })).toBe(1);

    const after = await getPage(stack().appUrl, `/admin/billing/${id}`, cookie);
    expect(after.text).toContain("Refundable to cards $20.00");
    expect(after.text).toContain("Leaving the marketplace");
    await expectLedgerInvariants();
  });

  it("a refund larger than the wallet is refused, and nothing is refunded", async () => {
    const advertiser = await makeAdvertiser();
    const topUp = await fundWallet(advertiser.actor, 5_000, stack().emulator);
    const cookie = await adminSession();
    const id = advertiser.actor.companyId;
    expect((await submitForm(stack().appUrl, `/admin/billing/${id}`, { amount: "30", note: "Part of it" }, cookie)).status).toBe(302);

    const refused = await submitForm(stack().appUrl, `/admin/billing/${id}`, { amount: "30", note: "The rest and more" }, cookie);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("The wallet holds $20.00: a refund of $30.00 is more than that.");
    const { stripePaymentIntentId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUp.id } });
    expect((await stripeRefundsOf(stripePaymentIntentId!)).map((r) => r.amount)).toEqual([3_000]);
    expect(await prisma.walletRefund.count({ where: { advertiserId: id } })).toBe(1);
    expect(await walletOf(id)).toBe(2_000n);

    const invalid = await submitForm(stack().appUrl, `/admin/billing/${id}`, { amount: "-5", note: "" }, cookie);
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain("Enter the amount to refund");
    expect(invalid.text).toContain("Say why the balance is refunded");
    await expectLedgerInvariants();
  });

  it("a refund made in Stripe's dashboard debits the wallet once, from its webhook", async () => {
    const advertiser = await makeAdvertiser();
    const topUp = await fundWallet(advertiser.actor, 4_000, stack().emulator);
    const { stripePaymentIntentId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUp.id } });
    const refund = await getStripe().refunds.create({ payment_intent: stripePaymentIntentId!, amount: 1_500 });
    await waitFor("the refund webhook", async () => (await prisma.stripeRefund.findUnique({ where: { stripeRefundId: refund.id } }))?.journalEntryId);
    await redeliverRefundEvents([refund.id], [refund.charge as string]);
    expect(await walletOf(advertiser.actor.companyId)).toBe(2_500n);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `stripe-refund:${refund.id}` } })).toBe(1);
    await expectLedgerInvariants();
  });
});
