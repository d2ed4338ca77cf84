import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getStripe } from "~/modules/billing/stripe.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { setOwnOrderStatus } from "~/modules/orders/orders.server";
import { prisma } from "~/utils/db.server";
import { makeAdmin, makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitAndFollow, submitForm, useTestStack } from "./support/app";
import { expectLedgerInvariants } from "./support/ledger-invariants";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: false });

const DISPUTE_FEE = 1_500;
const walletOf = (companyId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(companyId, "usd"));

/** An advertiser with an open order and a paid $50 top-up, whose card's bank disputes it. */
async function disputedTopUp() {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor);
  const admin = await makeAdmin();
  const advertiser = await makeAdvertiser();
  const order = await makeOrder(advertiser.actor, offer.id);
  const topUp = await fundWallet(advertiser.actor, 5_000, stack().emulator);
  const { stripePaymentIntentId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUp.id } });
  const paymentIntent = await getStripe().paymentIntents.retrieve(stripePaymentIntentId!);
  const dispute = await stack().emulator.openDispute(paymentIntent.latest_charge as string);
  const chargeback = await waitFor("the chargeback to be recorded", () =>
    prisma.stripeChargeDispute.findFirst({ where: { stripeDisputeId: dispute.id, withdrawnEntryId: { not: null } } }),
  );
  const cookie = await signIn(stack().appUrl, admin.email, admin.password);
  return { admin, advertiser, order, dispute, chargeback, cookie };
}

async function redeliver(disputeId: string, types: string[]) {
  await stack().emulator.waitForWebhooks();
  const events = stack()
    .emulator.deliveredEvents()
    .filter((e) => types.includes(e.type) && (e.data.object as Stripe.Dispute).id === disputeId);
  expect(events.map((e) => e.type).sort()).toEqual([...types].sort());
  for (const e of events) expect(await stack().emulator.resendEvent(e.id)).toBe(200);
}

describe("card disputes (chargebacks) of top-ups", () => {
  it("a chargeback debits the amount and Stripe's fee once (events delivered twice), pauses the orders and tells the advertiser and the admins", async () => {
    const { admin, advertiser, order, dispute, chargeback, cookie } = await disputedTopUp();
    const id = advertiser.actor.companyId;
    await redeliver(dispute.id, ["charge.dispute.created", "charge.dispute.funds_withdrawn"]);

    expect(await walletOf(id)).toBe(BigInt(5_000 - 5_000 - DISPUTE_FEE));
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `stripe-dispute:${dispute.id}:funds_withdrawn` } })).toBe(1);
    expect(chargeback).toMatchObject({ amountCents: 5_000, feeCents: DISPUTE_FEE, status: "needs_response", reason: "fraudulent", advertiserId: id });
    expect(chargeback.evidenceDueBy?.getTime()).toBe(dispute.evidence_details.due_by! * 1000);
    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "PAUSED", pauseReason: "CARD_DISPUTE" });

    // The advertiser sees why, and cannot resume the order nor open one that buys.
    const advertiserCookie = await signIn(stack().appUrl, advertiser.email, advertiser.password);
    const orders = await getPage(stack().appUrl, "/advertiser/orders", advertiserCookie);
    expect(orders.text).toContain("Your orders are paused because a payment to your wallet is disputed with your card's bank");
    expect(orders.text).toContain("Paused by Leadex: card dispute");
    await expect(setOwnOrderStatus(advertiser.actor, order.id, "OPEN")).rejects.toThrow(/disputed with your card's bank/);

    // The admins are told, and see it on the list with its deadline.
    const list = await getPage(stack().appUrl, "/admin/chargebacks", cookie);
    expect(list.text).toContain(advertiser.companyName);
    expect(list.text).toContain("$50.00 fraudulent needs response");
    const page = await getPage(stack().appUrl, `/admin/chargebacks/${chargeback.id}`, cookie);
    expect(page.text).toContain("Disputed amount and Stripe's fee taken from the wallet $65.00 (fee $15.00)");
    expect(page.text).toContain("Advertiser's orders paused 1 order(s)");
    expect(page.text).toContain("Submit evidence to Stripe");
    expect(await prisma.userNotice.count({ where: { userId: admin.actor.userId!, data: { path: ["disputeId"], equals: chargeback.id } } })).toBeGreaterThan(0);
    await expectLedgerInvariants();
  });

  it("a won dispute credits back the disputed amount once (not the fee), and the admin then resumes the orders", async () => {
    const { advertiser, order, dispute, chargeback, cookie } = await disputedTopUp();
    const early = await submitForm(stack().appUrl, `/admin/chargebacks/${chargeback.id}`, { intent: "resume" }, cookie);
    expect(early.status).toBe(409);
    expect(early.text).toContain("The bank has not decided this dispute yet");

    await stack().emulator.closeDispute(dispute.id, "won");
    await waitFor("the reinstatement", async () => (await prisma.stripeChargeDispute.findUniqueOrThrow({ where: { id: chargeback.id } })).status === "won");
    await redeliver(dispute.id, ["charge.dispute.funds_reinstated", "charge.dispute.closed"]);
    await redeliver(dispute.id, ["charge.dispute.funds_reinstated", "charge.dispute.closed"]);

    expect(await walletOf(advertiser.actor.companyId)).toBe(BigInt(-DISPUTE_FEE + 5_000));
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `stripe-dispute:${dispute.id}:funds_reinstated` } })).toBe(1);
    expect(await prisma.stripeChargeDispute.findUniqueOrThrow({ where: { id: chargeback.id } })).toMatchObject({ reinstatedCents: 5_000, status: "won" });

    const page = await getPage(stack().appUrl, `/admin/chargebacks/${chargeback.id}`, cookie);
    expect(page.text).toContain("Stripe returned the disputed amount to the wallet $50.00");
    expect(page.text).toContain("The bank decided won");
    const resumed = await submitAndFollow(stack().appUrl, `/admin/chargebacks/${chargeback.id}`, { intent: "resume" }, cookie);
    expect(resumed.status).toBe(302);
    expect(resumed.text).toContain("1 order(s) resumed.");
    expect(await prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: "OPEN", pauseReason: null });
    await setOwnOrderStatus(advertiser.actor, order.id, "PAUSED");
    await setOwnOrderStatus(advertiser.actor, order.id, "OPEN");
    await expectLedgerInvariants();
  });

  it("a lost dispute leaves the wallet debited", async () => {
    const { advertiser, dispute, chargeback } = await disputedTopUp();
    await stack().emulator.closeDispute(dispute.id, "lost");
    await waitFor("the loss", async () => (await prisma.stripeChargeDispute.findUniqueOrThrow({ where: { id: chargeback.id } })).status === "lost");
    await redeliver(dispute.id, ["charge.dispute.closed"]);
    expect(await walletOf(advertiser.actor.companyId)).toBe(BigInt(-DISPUTE_FEE));
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `stripe-dispute:${dispute.id}:funds_reinstated` } })).toBe(0);
    expect((await prisma.stripeChargeDispute.findUniqueOrThrow({ where: { id: chargeback.id } })).closedAt).not.toBeNull();
    await expectLedgerInvariants();
  });

  it("the admin's evidence reaches Stripe, and the dispute shows it under review", async () => {
    const { dispute, chargeback, cookie } = await disputedTopUp();
    const path = `/admin/chargebacks/${chargeback.id}`;
    const empty = await submitForm(stack().appUrl, path, { intent: "evidence", customer_email_address: "not-an-email" }, cookie);
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("Enter an email address");

    const sent = await submitAndFollow(
      stack().appUrl,
      path,
      {
        intent: "evidence",
        product_description: "Prepaid wallet credit for buying insurance leads on Leadex",
        customer_email_address: "owner@buyer.example",
        access_activity_log: "42 leads delivered to the buyer's CRM after the top-up",
      },
      cookie,
    );
    expect(sent.status).toBe(302);
    expect(sent.text).toContain("Evidence sent to Stripe; the dispute is under review.");
    const atStripe = await getStripe().disputes.retrieve(dispute.id);
    expect(atStripe.evidence).toMatchObject({
      product_description: "Prepaid wallet credit for buying insurance leads on Leadex",
      customer_email_address: "owner@buyer.example",
      access_activity_log: "42 leads delivered to the buyer's CRM after the top-up",
    });
    expect(atStripe.evidence_details.submission_count).toBe(1);
    expect(atStripe.status).toBe("under_review");

    const page = await getPage(stack().appUrl, path, cookie);
    expect(page.text).toContain("Evidence submitted to Stripe product_description, customer_email_address, access_activity_log; now under review");
    expect(page.text).not.toContain("Submit evidence to Stripe");
    const again = await submitForm(stack().appUrl, path, { intent: "evidence", uncategorized_text: "More" }, cookie);
    expect(again.status).toBe(409);
    expect(again.text).toContain("Stripe refused the evidence");
    await expectLedgerInvariants();
  });
});
