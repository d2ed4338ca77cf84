import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  applyRechargePayment,
  checkAutoRecharge,
  loadRechargePayment,
  saveAutoRechargeSettings,
  sweepAutoRecharges,
} from "~/modules/billing/auto-recharge.server";
import { startCardSetup } from "~/modules/billing/saved-cards.server";
import { getStripe } from "~/modules/billing/stripe.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { makeAdvertiser, makeAffiliate } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { makeOffer, makeOrder } from "./factories/marketplace";
import { getPage, signIn, submitAndOpen, submitForm, useTestStack } from "./support/app";
import { expectCashEqualsStripe, expectLedgerInvariants } from "./support/ledger-invariants";
import { postAndSettle } from "./support/selling";
import { waitFor } from "./support/wait";

// Auto-recharge end to end: leads sold by the real workers debit the wallet; when it falls below
// the threshold the saved card is charged off-session once, and only the webhook credits it.

const stack = useTestStack();
const wallet = (advertiserId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, "usd"));
const recharges = (advertiserId: string) => prisma.topUp.findMany({ where: { advertiserId, kind: "AUTO_RECHARGE" }, orderBy: { createdAt: "asc" } });

const CARDS = {
  visa: "4242424242424242",
  /** Saves fine; every later charge is declined. */
  declinesCharges: "4000000000000341",
  /** Saves fine (3D Secure passed on the page); off-session charges need authentication. */
  needsAuthentication: "4000002760003184",
};

/** A seller, and a buyer with an open CPL order at `priceCents` and `fundedCents` in its wallet. */
async function market(priceCents: number, fundedCents: number) {
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor, { priceCents });
  const buyer = await makeAdvertiser();
  await makeOrder(buyer.actor, offer.id, { priceCents });
  await fundWallet(buyer.actor, fundedCents, stack().emulator);
  return { affiliate, offer, buyer };
}

/** Saves a card the way the advertiser does: Checkout in setup mode, paid on the emulator's page; the webhook saves it. */
async function saveCard(actor: Actor, cardNumber: string) {
  const url = await startCardSetup(actor);
  const sessionId = new URL(url).pathname.split("/").pop()!;
  await stack().emulator.completeCheckoutSession(sessionId, cardNumber);
  return waitFor("the card to be saved", async () => {
    const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId } });
    return company.cardLast4 === cardNumber.slice(-4) ? company : undefined;
  });
}

async function sellLeads(count: number, apiKey: string, offerId: string) {
  const leads = await Promise.all(Array.from({ length: count }, () => postAndSettle(stack(), apiKey, offerId)));
  expect(leads.map((l) => l.status)).toEqual(leads.map(() => "SOLD"));
}

const settled = (advertiserId: string, status: "PAID" | "EXPIRED") =>
  waitFor(`the auto-recharge to be ${status.toLowerCase()}`, async () => {
    const [last] = (await recharges(advertiserId)).reverse();
    return last?.status === status ? last : undefined;
  });

describe("auto-recharge", () => {
  it("ten sales crossing the threshold together fire one recharge, credited once though the webhook comes twice", async () => {
    const { affiliate, offer, buyer } = await market(1_000, 15_000);
    const company = await saveCard(buyer.actor, CARDS.visa);
    expect(company).toMatchObject({ cardBrand: "visa", cardLast4: "4242", autoRechargePausedAt: null });
    const customer = (await getStripe().customers.retrieve(company.stripeCustomerId!)) as Stripe.Customer;
    expect(customer.invoice_settings.default_payment_method).toBe(company.stripePaymentMethodId);
    await saveAutoRechargeSettings(buyer.actor, { enabled: true, threshold: 10_000, amount: 20_000 });
    expect(await recharges(buyer.actor.companyId)).toEqual([]); // $150 is above the threshold

    // Ten leads sold by the workers at once take the wallet from $150 to $50; ten more checks at once find it recharging.
    await sellLeads(10, affiliate.apiKey, offer.id);
    await Promise.all(Array.from({ length: 10 }, () => checkAutoRecharge(buyer.actor.companyId)));
    const paid = await settled(buyer.actor.companyId, "PAID");
    expect(await recharges(buyer.actor.companyId)).toHaveLength(1);
    expect(paid).toMatchObject({ amountCents: 20_000, cardLast4: "4242", stripePaymentIntentId: expect.stringMatching(/^pi_/) });
    expect(await wallet(buyer.actor.companyId)).toBe(5_000n + 20_000n);

    const intent = await getStripe().paymentIntents.retrieve(paid.stripePaymentIntentId!);
    expect(intent).toMatchObject({ status: "succeeded", amount_received: 20_000, metadata: { topUpId: paid.id } });
    const credit = await prisma.journalEntry.findUniqueOrThrow({ where: { idempotencyKey: `topup:${paid.id}` } });
    expect(credit).toMatchObject({ kind: "AUTO_RECHARGE", stripeObjectId: intent.latest_charge });
    const fee = await prisma.journalEntry.findFirstOrThrow({ where: { kind: "STRIPE_FEE", description: { contains: `auto-recharge ${paid.id}` } } });
    expect(fee.stripeObjectId).toBe(intent.latest_charge);

    // payment_intent.succeeded delivered again, and read again by the sweep and by hand: nothing more.
    const succeeded = stack()
      .emulator.deliveredEvents()
      .find((e) => e.type === "payment_intent.succeeded" && (e.data.object as Stripe.PaymentIntent).id === intent.id)!;
    expect(await stack().emulator.resendEvent(succeeded.id)).toBe(200);
    const loaded = await loadRechargePayment(intent.id);
    expect(await prisma.$transaction((tx) => applyRechargePayment(tx, loaded!))).toBe("already-credited");
    await sweepAutoRecharges(new Date(Date.now() + 3_600_000));
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `topup:${paid.id}` } })).toBe(1);
    expect(await prisma.journalEntry.count({ where: { kind: "STRIPE_FEE", description: { contains: `auto-recharge ${paid.id}` } } })).toBe(1);
    expect(await wallet(buyer.actor.companyId)).toBe(25_000n);
    expect(await recharges(buyer.actor.companyId)).toHaveLength(1);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("Visa •••• 4242");
    expect(page.text).toContain("Auto-recharge •••• 4242");
    expect(page.text).toContain("+$200.00");
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("a declined card pauses auto-recharge, offers to pay on Checkout, tells the advertiser, and a later crossing charges nothing", async () => {
    const { affiliate, offer, buyer } = await market(1_000, 3_000);
    await saveCard(buyer.actor, CARDS.declinesCharges);
    await saveAutoRechargeSettings(buyer.actor, { enabled: true, threshold: 2_000, amount: 5_000 });

    await sellLeads(1, affiliate.apiKey, offer.id); // $20: not below $20
    expect(await recharges(buyer.actor.companyId)).toEqual([]);
    await sellLeads(1, affiliate.apiKey, offer.id); // $10: below
    const refused = await settled(buyer.actor.companyId, "EXPIRED");
    expect(refused).toMatchObject({ failureCode: "card_declined", failureMessage: "Your card was declined.", journalEntryId: null });
    const company = await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } });
    expect(company.autoRechargePausedAt).not.toBeNull();
    expect(company.autoRechargePausedReason).toContain("declined");
    const notices = await prisma.userNotice.findMany({ where: { userId: buyer.actor.userId!, kind: "AUTO_RECHARGE_FAILED" } });
    expect(notices).toHaveLength(1);

    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const page = await getPage(stack().appUrl, "/advertiser/billing", cookie);
    expect(page.text).toContain("Auto-recharge is paused");
    expect(page.text).toContain("Auto-recharge of $50.00 failed: Your card was declined.");
    expect(page.text).toContain("Pay $50.00 by card now");
    expect(page.text).toContain("Auto-recharge refused by your card: Your card was declined.");
    const pay = await submitForm(stack().appUrl, "/advertiser/billing", { amount: "50.00" }, cookie);
    expect(pay.status).toBe(302);
    expect(pay.location).toContain(`${stack().emulator.url}/checkout/`);

    // The last lead takes the wallet to $0: paused, so no second charge, from the hook or the sweep.
    await sellLeads(1, affiliate.apiKey, offer.id);
    await sweepAutoRecharges(new Date(Date.now() + 3_600_000));
    expect(await recharges(buyer.actor.companyId)).toHaveLength(1);
    expect(await wallet(buyer.actor.companyId)).toBe(0n);
    // payment_intent.payment_failed came too: still one refusal, one notice.
    expect(await prisma.userNotice.count({ where: { userId: buyer.actor.userId!, kind: "AUTO_RECHARGE_FAILED" } })).toBe(1);
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("a card that needs authentication pauses auto-recharge; saving a new card on the billing page resumes it", async () => {
    const { affiliate, offer, buyer } = await market(1_000, 4_500);
    await saveCard(buyer.actor, CARDS.needsAuthentication);
    await saveAutoRechargeSettings(buyer.actor, { enabled: true, threshold: 4_000, amount: 3_000 });
    await sellLeads(1, affiliate.apiKey, offer.id);
    const refused = await settled(buyer.actor.companyId, "EXPIRED");
    expect(refused).toMatchObject({ failureCode: "authentication_required", stripePaymentIntentId: expect.stringMatching(/^pi_/) });
    await sellLeads(1, affiliate.apiKey, offer.id);
    expect(await recharges(buyer.actor.companyId)).toHaveLength(1);

    // The advertiser saves another card through the page: Checkout in setup mode, then back.
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const start = await submitForm(stack().appUrl, "/advertiser/billing", { intent: "save-card" }, cookie);
    expect(start.status).toBe(302);
    const saved = await fetch(`${start.location}/pay`, { method: "POST", body: new URLSearchParams({ card_number: CARDS.visa }), redirect: "manual" });
    expect(saved.status).toBe(303);
    const successUrl = new URL(saved.headers.get("location")!);
    const back = await getPage(stack().appUrl, successUrl.pathname + successUrl.search, cookie);
    expect(back).toMatchObject({ status: 302, location: "/advertiser/billing?card=saved" });
    const company = await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } });
    expect(company).toMatchObject({ cardLast4: "4242", autoRechargePausedAt: null, autoRechargePausedReason: null, autoRechargeEnabled: true });
    const page = await getPage(stack().appUrl, "/advertiser/billing?card=saved", cookie);
    expect(page.text).toContain("Card saved.");
    expect(page.text).toContain("Visa •••• 4242");
    expect(page.text).not.toContain("Pay $30.00 by card now");

    // The next sale recharges with the new card.
    await sellLeads(1, affiliate.apiKey, offer.id);
    const paid = await settled(buyer.actor.companyId, "PAID");
    expect(paid).toMatchObject({ amountCents: 3_000, cardLast4: "4242" });
    expect(await wallet(buyer.actor.companyId)).toBe(4_500n - 3_000n + 3_000n);

    // Removing the card turns auto-recharge off.
    const removed = await submitAndOpen(stack().appUrl, "/advertiser/billing", { intent: "remove-card" }, cookie);
    expect(removed.status).toBe(200);
    expect(removed.text).toContain("Card removed. Auto-recharge is off.");
    expect(await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } })).toMatchObject({
      stripePaymentMethodId: null,
      autoRechargeEnabled: false,
    });
    await expectCashEqualsStripe();
    await expectLedgerInvariants();
  });

  it("the settings form names the field it refuses", async () => {
    const buyer = await makeAdvertiser();
    const cookie = await signIn(stack().appUrl, buyer.email, buyer.password);
    const submit = (fields: Record<string, string>) => submitForm(stack().appUrl, "/advertiser/billing", { intent: "auto-recharge", ...fields }, cookie);

    const noCard = await submit({ enabled: "on", threshold: "50", amount: "100" });
    expect(noCard.status).toBe(400);
    expect(noCard.text).toContain("Save a card first: auto-recharge charges your saved card");
    const badThreshold = await submit({ threshold: "lots", amount: "100" });
    expect(badThreshold.status).toBe(400);
    expect(badThreshold.text).toContain("Enter a threshold between 0 and 100,000");
    const tooLittle = await submit({ threshold: "50", amount: "5" });
    expect(tooLittle.status).toBe(400);
    expect(tooLittle.text).toContain("Enter an amount between 10 and 100,000");
    const oddBox = await submit({ enabled: "yes", threshold: "50", amount: "100" });
    expect(oddBox.status).toBe(400);

    const off = await submitAndOpen(stack().appUrl, "/advertiser/billing", { intent: "auto-recharge", threshold: "50", amount: "100" }, cookie);
    expect(off.status).toBe(200);
    expect(off.text).toContain("Auto-recharge is off.");
    expect(await prisma.company.findUniqueOrThrow({ where: { id: buyer.actor.companyId } })).toMatchObject({
      autoRechargeEnabled: false,
      autoRechargeThresholdCents: 5_000,
      autoRechargeAmountCents: 10_000,
    });
  });
});
