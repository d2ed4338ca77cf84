/**
 * The billing side of the Stripe emulator, driven through the official SDK: balance transactions,
 * refunds, disputes, saved cards and off-session PaymentIntents, invoices. Every webhook is
 * checked with the SDK's signature verification.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";

const WEBHOOK_SECRET = "whsec_billing";

let emulator: StripeEmulator;
let stripe: Stripe;
let server: Server;
const received: Stripe.Event[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Every delivery must carry a valid signature: constructEvent throws otherwise.
      received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks).toString("utf8"), req.headers["stripe-signature"] as string, WEBHOOK_SECRET));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  emulator = await startStripeEmulator({ port: 0, webhookSecret: WEBHOOK_SECRET, webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe` });
  stripe = new Stripe("sk_test_billing", { host: emulator.host, port: emulator.port, protocol: "http", maxNetworkRetries: 0 });
});

afterAll(async () => {
  await emulator?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** Forgets the events delivered so far (after waiting for those on their way). */
async function clearEvents(): Promise<void> {
  await emulator.waitForWebhooks();
  received.length = 0;
}

beforeEach(clearEvents);

async function events(): Promise<Stripe.Event[]> {
  await emulator.waitForWebhooks();
  return [...received];
}

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Stripe.errors.StripeError)) throw new Error(`expected a Stripe error, got ${String(error)}`);
  return error;
}

/** A paid $50 top-up through Checkout; answers its charge. */
async function paidTopUp(amount = 5000, customer?: string): Promise<Stripe.Charge> {
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    customer,
    line_items: [{ price_data: { currency: "usd", unit_amount: amount, product_data: { name: "Top-up" } }, quantity: 1 }],
    success_url: "http://app.test/ok",
    cancel_url: "http://app.test/cancel",
  });
  const completed = await emulator.completeCheckoutSession(session.id);
  const pi = await stripe.paymentIntents.retrieve(completed.payment_intent as string, { expand: ["latest_charge"] });
  return pi.latest_charge as Stripe.Charge;
}

async function allBalanceTransactions(params: Stripe.BalanceTransactionListParams = {}): Promise<Stripe.BalanceTransaction[]> {
  const out: Stripe.BalanceTransaction[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripe.balanceTransactions.list({ ...params, limit: 3, starting_after: startingAfter });
    out.push(...page.data);
    if (!page.has_more) return out;
    startingAfter = page.data[page.data.length - 1].id;
  }
}

async function expectBalanceIsSumOfTransactions(): Promise<void> {
  const balance = await stripe.balance.retrieve();
  const usd = (list: Stripe.Balance.Available[]) => list.find((b) => b.currency === "usd")?.amount ?? 0;
  const sum = (await allBalanceTransactions()).filter((t) => t.currency === "usd").reduce((s, t) => s + t.net, 0);
  expect(usd(balance.available) + usd(balance.pending)).toBe(sum);
}

describe("balance and balance transactions", () => {
  it("a Checkout payment is a charge balance transaction carrying Stripe's fee, while the charge shows the full amount", async () => {
    const before = (await stripe.balance.retrieve()).available[0].amount;
    const charge = await paidTopUp(5000);
    expect(charge).toMatchObject({ object: "charge", amount: 5000, amount_captured: 5000, status: "succeeded", paid: true });

    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn).toMatchObject({
      object: "balance_transaction",
      type: "charge",
      reporting_category: "charge",
      amount: 5000,
      fee: 175,
      net: 4825,
      source: charge.id,
      currency: "usd",
      status: "available",
      fee_details: [{ amount: 175, currency: "usd", type: "stripe_fee", description: "Stripe processing fees" }],
    });
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(before + 4825);
    const expanded = await stripe.balanceTransactions.retrieve(txn.id, { expand: ["source"] });
    expect(expanded.source).toMatchObject({ id: charge.id, object: "charge" });
    await expectBalanceIsSumOfTransactions();
  });

  it("pages with limit, starting_after and has_more, and filters by type, source and created", async () => {
    for (let i = 0; i < 4; i++) await paidTopUp(1000 + i);
    await emulator.addBalance(300);

    const first = await stripe.balanceTransactions.list({ limit: 2 });
    expect(first).toMatchObject({ object: "list", has_more: true, url: "/v1/balance_transactions" });
    expect(first.data).toHaveLength(2);
    const second = await stripe.balanceTransactions.list({ limit: 2, starting_after: first.data[1].id });
    expect(second.data.map((t) => t.id)).not.toContain(first.data[0].id);
    const all = await allBalanceTransactions();
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all[0]).toMatchObject({ type: "adjustment", amount: 300, source: null }); // newest first

    const charges = await allBalanceTransactions({ type: "charge" });
    expect(charges.length).toBeGreaterThanOrEqual(4);
    expect(charges.every((t) => t.type === "charge")).toBe(true);
    const bySource = await stripe.balanceTransactions.list({ source: charges[0].source as string });
    expect(bySource.data.map((t) => t.id)).toEqual([charges[0].id]);
    const future = await stripe.balanceTransactions.list({ created: { gt: Math.floor(Date.now() / 1000) + 60 } });
    expect(future.data).toEqual([]);
    const recent = await stripe.balanceTransactions.list({ created: { gte: all[0].created }, limit: 100 });
    expect(recent.data.map((t) => t.id)).toContain(all[0].id);

    const unknown = await caught(stripe.balanceTransactions.list({ limit: 2, starting_after: "txn_nope" }));
    expect(unknown).toMatchObject({ statusCode: 400, code: "resource_missing", param: "starting_after" });
    const missing = await caught(stripe.balanceTransactions.retrieve("txn_nope"));
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
    const badParam = await caught(stripe.balanceTransactions.list({ colour: "red" } as Stripe.BalanceTransactionListParams));
    expect(badParam).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "colour" });
    await expectBalanceIsSumOfTransactions();
  });

  it("transfers, reversals and payouts are balance transactions too", async () => {
    await paidTopUp(10_000);
    const payout = await stripe.payouts.create({ amount: 1000, currency: "usd" });
    const txn = await stripe.balanceTransactions.retrieve(payout.balance_transaction as string);
    expect(txn).toMatchObject({ type: "payout", amount: -1000, fee: 0, net: -1000, source: payout.id });
    await emulator.failPayout(payout.id);
    const failure = await stripe.balanceTransactions.list({ type: "payout_failure", limit: 1 });
    expect(failure.data[0]).toMatchObject({ amount: 1000, source: payout.id });
    await expectBalanceIsSumOfTransactions();
  });
});

describe("refunds", () => {
  it("refunds part by payment_intent, then the rest by charge, with charge.refunded and refund.created, and refuses more", async () => {
    const charge = await paidTopUp(5000);
    const balanceBefore = (await stripe.balance.retrieve()).available[0].amount;
    await clearEvents();

    const partial = await stripe.refunds.create(
      { payment_intent: charge.payment_intent as string, amount: 2000, metadata: { reason: "unused balance" } },
      { idempotencyKey: "refund-1" },
    );
    const retried = await stripe.refunds.create(
      { payment_intent: charge.payment_intent as string, amount: 2000, metadata: { reason: "unused balance" } },
      { idempotencyKey: "refund-1" },
    );
    expect(retried.id).toBe(partial.id);
    expect(partial).toMatchObject({ object: "refund", amount: 2000, charge: charge.id, status: "succeeded", metadata: { reason: "unused balance" } });
    expect(await stripe.balanceTransactions.retrieve(partial.balance_transaction as string)).toMatchObject({
      type: "refund",
      amount: -2000,
      fee: 0,
      net: -2000,
      source: partial.id,
    });

    const tooMuch = await caught(stripe.refunds.create({ charge: charge.id, amount: 3001 }));
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    expect(tooMuch.message).toBe("Refund amount ($30.01) is greater than unrefunded amount on charge ($30.00)");

    const rest = await stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(3000);
    expect(await caught(stripe.refunds.create({ charge: charge.id }))).toMatchObject({ code: "charge_already_refunded" });
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(balanceBefore - 5000);

    const seen = await events();
    expect(seen.map((e) => e.type)).toEqual(["charge.refunded", "refund.created", "charge.refunded", "refund.created"]);
    const [firstRefunded, , secondRefunded] = seen as [Stripe.ChargeRefundedEvent, Stripe.RefundCreatedEvent, Stripe.ChargeRefundedEvent];
    expect(firstRefunded.data.object).toMatchObject({ id: charge.id, amount_refunded: 2000, refunded: false });
    expect(firstRefunded.request).toMatchObject({ idempotency_key: "refund-1" });
    expect(secondRefunded.data.object).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect(secondRefunded.data.previous_attributes).toMatchObject({ amount_refunded: 2000, refunded: false });

    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(2000);
    expect((await stripe.refunds.list({ charge: charge.id })).data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    const withRefunds = await stripe.charges.retrieve(charge.id, { expand: ["refunds"] });
    expect(withRefunds.refunds?.data.map((r) => r.amount)).toEqual([3000, 2000]);
    await expectBalanceIsSumOfTransactions();
  });

  it("names what is wrong: neither charge nor payment_intent, an unknown charge, an unknown parameter, an unknown refund", async () => {
    expect(await caught(stripe.refunds.create({}))).toMatchObject({ statusCode: 400, code: "parameter_missing" });
    expect(await caught(stripe.refunds.create({ charge: "ch_nope" }))).toMatchObject({ statusCode: 400, code: "resource_missing", param: "charge" });
    expect(await caught(stripe.refunds.create({ charge: "ch_nope", refund_application_fee: true }))).toMatchObject({
      code: "parameter_unknown",
      param: "refund_application_fee",
    });
    expect(await caught(stripe.refunds.retrieve("re_nope"))).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });
});

describe("disputes", () => {
  it("a dispute takes the amount and the $15 fee; evidence is stored; won gives the amount back but not the fee", async () => {
    const charge = await paidTopUp(8000);
    const before = (await stripe.balance.retrieve()).available[0].amount;
    await clearEvents();

    const dispute = await emulator.openDispute(charge.id);
    expect(dispute).toMatchObject({ object: "dispute", amount: 8000, charge: charge.id, status: "needs_response", reason: "fraudulent" });
    expect(dispute.evidence_details.due_by).toBeGreaterThan(Date.now() / 1000);
    expect(dispute.balance_transactions[0]).toMatchObject({
      type: "adjustment",
      reporting_category: "dispute",
      amount: -8000,
      fee: 1500,
      net: -9500,
      source: dispute.id,
    });
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(before - 9500);
    expect((await stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    expect(await caught(stripe.refunds.create({ charge: charge.id }))).toMatchObject({ code: "charge_disputed" });

    const updated = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: "The buyer used the leads.", customer_email_address: "buyer@example.com" },
      metadata: { case: "42" },
    });
    expect(updated).toMatchObject({ status: "under_review", metadata: { case: "42" }, evidence: { uncategorized_text: "The buyer used the leads." } });
    expect(updated.evidence_details).toMatchObject({ has_evidence: true, submission_count: 1 });

    const won = await emulator.closeDispute(dispute.id, "won");
    expect(won.status).toBe("won");
    expect(won.balance_transactions.map((t) => t.net)).toEqual([-9500, 8000]);
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(before - 1500);

    const seen = await events();
    expect(seen.map((e) => e.type)).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
      "charge.dispute.updated",
      "charge.dispute.funds_reinstated",
      "charge.dispute.closed",
    ]);
    expect((seen[2] as Stripe.ChargeDisputeUpdatedEvent).data.previous_attributes).toMatchObject({ status: "needs_response" });
    expect((seen[4] as Stripe.ChargeDisputeClosedEvent).data.object).toMatchObject({ id: dispute.id, status: "won" });
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe("won");
    expect(await caught(stripe.disputes.update(dispute.id, { metadata: { late: "yes" } }))).toMatchObject({ statusCode: 400 });
    await expectBalanceIsSumOfTransactions();
  });

  it("a lost dispute keeps the money; accepting one through the API loses it too", async () => {
    const lostCharge = await paidTopUp(3000);
    const acceptedCharge = await paidTopUp(2000);
    const lost = await emulator.openDispute(lostCharge.id, { amount: 1000, reason: "product_not_received" });
    const accepted = await emulator.openDispute(acceptedCharge.id);
    const before = (await stripe.balance.retrieve()).available[0].amount;
    await clearEvents();

    expect((await emulator.closeDispute(lost.id, "lost")).status).toBe("lost");
    expect((await stripe.disputes.close(accepted.id)).status).toBe("lost");
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(before);
    expect((await events()).map((e) => e.type)).toEqual(["charge.dispute.closed", "charge.dispute.closed"]);
    expect((await stripe.disputes.list({ charge: lostCharge.id })).data.map((d) => d.id)).toEqual([lost.id]);
    expect(await caught(stripe.disputes.retrieve("du_nope"))).toMatchObject({ statusCode: 404, code: "resource_missing" });

    const control = await fetch(`${emulator.url}/_emulator/disputes/${lost.id}/close`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ outcome: "won" }),
    });
    expect(control.status).toBe(400); // already closed
    await expectBalanceIsSumOfTransactions();
  });
});

describe("saved cards and off-session PaymentIntents", () => {
  it("Checkout in setup mode saves the card typed on the hosted page to the customer", async () => {
    const customer = await stripe.customers.create({ email: "buyer@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "http://app.test/billing/card?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/billing",
      setup_intent_data: { metadata: { companyId: "c1" } },
    });
    expect(session).toMatchObject({ mode: "setup", status: "open", payment_status: "no_payment_required", amount_total: null });
    expect(session.setup_intent).toMatch(/^seti_/);
    const page = await (await fetch(session.url!)).text();
    expect(page).toContain("Save card");
    await clearEvents();

    const saved = await fetch(`${emulator.url}/checkout/${session.id}/pay`, {
      method: "POST",
      body: new URLSearchParams({ card_number: "4000 0027 6000 3184" }),
      redirect: "manual",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`http://app.test/billing/card?session_id=${session.id}`);

    const seen = await events();
    expect(seen.map((e) => e.type)).toEqual(["payment_method.attached", "setup_intent.succeeded", "checkout.session.completed"]);
    const completed = seen[2] as Stripe.CheckoutSessionCompletedEvent;
    expect(completed.data.object).toMatchObject({ id: session.id, status: "complete", setup_intent: session.setup_intent });
    const intent = await stripe.setupIntents.retrieve(session.setup_intent as string, { expand: ["payment_method"] });
    expect(intent).toMatchObject({ status: "succeeded", customer: customer.id, usage: "off_session", metadata: { companyId: "c1" } });
    const pm = intent.payment_method as Stripe.PaymentMethod;
    expect(pm).toMatchObject({ type: "card", customer: customer.id, card: { brand: "visa", last4: "3184" } });
    expect((await stripe.customers.listPaymentMethods(customer.id)).data.map((p) => p.id)).toEqual([pm.id]);

    const declinedSetup = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      success_url: "http://app.test/ok",
      cancel_url: "http://app.test/no",
    });
    const declined = await fetch(`${emulator.url}/checkout/${declinedSetup.id}/pay`, {
      method: "POST",
      body: new URLSearchParams({ card_number: "4000000000000002" }),
    });
    expect(declined.status).toBe(402);
    const withItems = await caught(
      stripe.checkout.sessions.create({
        mode: "setup",
        success_url: "http://app.test/ok",
        cancel_url: "http://app.test/no",
        line_items: [{ price_data: { currency: "usd", unit_amount: 100, product_data: { name: "x" } }, quantity: 1 }],
      }),
    );
    expect(withItems).toMatchObject({ statusCode: 400, param: "line_items" });
  });

  it("charges a saved default card off-session: success, authentication required, declines", async () => {
    const customer = await stripe.customers.create({ email: "recharge@example.com" });
    const good = await emulator.saveCard(customer.id, "4242424242424242");
    const updated = await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: good.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(good.id);
    const foreign = await caught(stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: "pm_nope" } }));
    expect(foreign).toMatchObject({ statusCode: 400, param: "invoice_settings[default_payment_method]" });
    await clearEvents();

    const params = {
      amount: 2500,
      currency: "usd",
      customer: customer.id,
      payment_method: good.id,
      off_session: true,
      confirm: true,
      metadata: { rechargeId: "r1" },
    };
    const pi = await stripe.paymentIntents.create(params, { idempotencyKey: "recharge-r1" });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: "recharge-r1" });
    expect(again.id).toBe(pi.id);
    expect(pi).toMatchObject({ status: "succeeded", amount_received: 2500, customer: customer.id, payment_method: good.id, metadata: { rechargeId: "r1" } });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(await stripe.balanceTransactions.retrieve(charge.balance_transaction as string)).toMatchObject({
      type: "charge",
      amount: 2500,
      fee: 103,
      source: charge.id,
    });
    expect((await events()).map((e) => e.type)).toEqual(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    await clearEvents();

    const threeDs = await emulator.saveCard(customer.id, "4000002760003184");
    const auth = await caught(stripe.paymentIntents.create({ ...params, payment_method: threeDs.id }, { idempotencyKey: "recharge-r2" }));
    expect(auth).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(auth).toMatchObject({ statusCode: 402, code: "authentication_required", decline_code: "authentication_required" });
    expect(auth.payment_intent).toMatchObject({ status: "requires_payment_method", last_payment_error: { code: "authentication_required" } });
    const replay = await caught(stripe.paymentIntents.create({ ...params, payment_method: threeDs.id }, { idempotencyKey: "recharge-r2" }));
    expect(replay.payment_intent?.id).toBe(auth.payment_intent?.id);
    expect((await stripe.paymentIntents.retrieve(auth.payment_intent!.id)).status).toBe("requires_payment_method");

    const poor = await emulator.saveCard(customer.id, "4000000000009995");
    const declined = await caught(stripe.paymentIntents.create({ ...params, payment_method: poor.id }));
    expect(declined).toMatchObject({
      statusCode: 402,
      code: "card_declined",
      decline_code: "insufficient_funds",
      message: "Your card has insufficient funds.",
    });
    expect(declined.charge).toMatch(/^ch_/);
    expect((await stripe.charges.retrieve(declined.charge!)).status).toBe("failed");
    const generic = await caught(stripe.paymentIntents.create({ ...params, payment_method: "pm_card_chargeCustomerFail", customer: undefined }));
    expect(generic).toMatchObject({ code: "card_declined", decline_code: "generic_decline" });

    expect((await events()).map((e) => e.type)).toEqual([
      "payment_method.attached", // saveCard
      "payment_intent.created",
      "payment_intent.payment_failed",
      "payment_method.attached",
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
      "payment_intent.created",
      "charge.failed",
      "payment_intent.payment_failed",
    ]);

    // Stripe's validation declines saving a declining card through the API.
    expect(await caught(stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer: customer.id }))).toMatchObject({
      statusCode: 402,
      code: "card_declined",
    });

    const detached = await stripe.paymentMethods.detach(good.id);
    expect(detached.customer).toBeNull();
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ invoice_settings: { default_payment_method: null } });
    expect(await caught(stripe.paymentIntents.create(params))).toMatchObject({ statusCode: 400, param: "payment_method" });
    expect(await caught(stripe.paymentIntents.create({ ...params, amount: 49 }))).toMatchObject({ code: "amount_too_small", param: "amount" });
    expect(await caught(stripe.paymentMethods.retrieve("pm_nope"))).toMatchObject({ statusCode: 404, code: "resource_missing" });
    await expectBalanceIsSumOfTransactions();
  });
});

describe("invoices", () => {
  async function customerWithCard(card: string): Promise<Stripe.Customer> {
    const customer = await stripe.customers.create({ email: `postpaid-${card.slice(-4)}@example.com`, name: "Postpaid Buyer" });
    await emulator.saveCard(customer.id, card, { default: true });
    return customer;
  }

  it("invoices pending items, finalizes, and charges the default card", async () => {
    const customer = await customerWithCard("4242424242424242");
    await clearEvents();
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: "usd", description: "Leads: 3 × $5.00", metadata: { offerId: "o1" } });
    await stripe.invoiceItems.create({
      customer: customer.id,
      unit_amount_decimal: Stripe.Decimal.from("250.5"),
      quantity: 4,
      currency: "usd",
      description: "Sales: 4 × $2.505",
    });

    const draft = await stripe.invoices.create(
      {
        customer: customer.id,
        collection_method: "charge_automatically",
        auto_advance: false,
        pending_invoice_items_behavior: "include",
        metadata: { period: "2026-10" },
      },
      { idempotencyKey: "invoice-2026-10" },
    );
    expect(
      (
        await stripe.invoices.create(
          {
            customer: customer.id,
            collection_method: "charge_automatically",
            auto_advance: false,
            pending_invoice_items_behavior: "include",
            metadata: { period: "2026-10" },
          },
          { idempotencyKey: "invoice-2026-10" },
        )
      ).id,
    ).toBe(draft.id);
    expect(draft).toMatchObject({ status: "draft", amount_due: 2502, total: 2502, number: null, metadata: { period: "2026-10" } });
    expect(draft.lines.data.map((l) => l.amount)).toEqual([1500, 1002]);

    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized).toMatchObject({ status: "open", amount_remaining: 2502 });
    expect(finalized.number).toMatch(/-0001$/);
    expect(await caught(stripe.invoiceItems.create({ customer: customer.id, amount: 1, currency: "usd", invoice: draft.id }))).toMatchObject({
      code: "invoice_not_editable",
    });

    const paid = await stripe.invoices.pay(draft.id, {}, { idempotencyKey: "pay-2026-10" });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2502, amount_remaining: 0, attempted: true, attempt_count: 1 });
    expect((await stripe.invoices.pay(draft.id, {}, { idempotencyKey: "pay-2026-10" })).id).toBe(draft.id);
    expect(await caught(stripe.invoices.pay(draft.id))).toMatchObject({ statusCode: 400 });

    const seen = await events();
    expect(seen.map((e) => e.type)).toEqual([
      "invoiceitem.created",
      "invoiceitem.created",
      "invoice.created",
      "invoice.finalized",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice_payment.paid",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const payment = (seen[7] as Stripe.InvoicePaymentPaidEvent).data.object;
    const pi = await stripe.paymentIntents.retrieve((payment.payment as { payment_intent: string }).payment_intent, { expand: ["latest_charge"] });
    expect((pi.latest_charge as Stripe.Charge).amount).toBe(2502);
    expect((await stripe.invoices.list({ customer: customer.id, status: "paid" })).data.map((i) => i.id)).toEqual([draft.id]);
    await expectBalanceIsSumOfTransactions();
  });

  it("a failing default card: invoice.payment_failed and a 402; one needing authentication: invoice.payment_action_required", async () => {
    const declining = await customerWithCard("4000000000000002");
    await stripe.invoiceItems.create({ customer: declining.id, amount: 9900, currency: "usd" });
    const invoice = await stripe.invoices.create({ customer: declining.id, pending_invoice_items_behavior: "include" });
    await stripe.invoices.finalizeInvoice(invoice.id);
    await clearEvents();

    const failed = await caught(stripe.invoices.pay(invoice.id));
    expect(failed).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline" });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "open", attempt_count: 1, amount_paid: 0 });
    expect((await events()).map((e) => e.type)).toEqual(["payment_intent.created", "charge.failed", "payment_intent.payment_failed", "invoice.payment_failed"]);

    const needsAuth = await customerWithCard("4000002760003184");
    await stripe.invoiceItems.create({ customer: needsAuth.id, amount: 500, currency: "usd" });
    const second = await stripe.invoices.create({ customer: needsAuth.id, pending_invoice_items_behavior: "include" });
    await clearEvents();
    const action = await caught(stripe.invoices.pay(second.id)); // a draft is finalized first
    expect(action).toMatchObject({ statusCode: 402, code: "invoice_payment_intent_requires_action" });
    expect((await events()).map((e) => e.type)).toEqual([
      "invoice.finalized",
      "payment_intent.created",
      "payment_intent.payment_failed",
      "invoice.payment_failed",
      "invoice.payment_action_required",
    ]);

    const noCard = await stripe.customers.create({ email: "nocard@example.com" });
    await stripe.invoiceItems.create({ customer: noCard.id, amount: 500, currency: "usd" });
    const third = await stripe.invoices.create({ customer: noCard.id, pending_invoice_items_behavior: "include" });
    expect((await caught(stripe.invoices.pay(third.id))).message).toMatch(/no attached payment source or default payment method/);
  });

  it("a sent invoice: due date, invoice.sent, overdue, then paid by the customer or out of band; void", async () => {
    const customer = await stripe.customers.create({ email: "net30@example.com" });
    const missingDue = await caught(stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice" }));
    expect(missingDue).toMatchObject({ statusCode: 400, param: "days_until_due" });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 12_000, currency: "usd" });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 30,
      pending_invoice_items_behavior: "include",
    });
    const open = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(open.due_date! - open.status_transitions.finalized_at!).toBe(30 * 24 * 60 * 60);
    await clearEvents();

    await stripe.invoices.sendInvoice(invoice.id);
    const overdue = await emulator.makeInvoiceOverdue(invoice.id);
    expect(overdue.due_date!).toBeLessThan(Date.now() / 1000);
    const before = (await stripe.balance.retrieve()).available[0].amount;
    const paid = await emulator.payInvoiceOnHostedPage(invoice.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 12_000 });
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(before + 12_000 - 378);
    expect((await events()).map((e) => e.type)).toEqual([
      "invoice.sent",
      "invoice.overdue",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice_payment.paid",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);

    await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: "usd" });
    const byCheque = await stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 15,
      pending_invoice_items_behavior: "include",
    });
    await stripe.invoices.finalizeInvoice(byCheque.id);
    await clearEvents();
    expect(await stripe.invoices.pay(byCheque.id, { paid_out_of_band: true })).toMatchObject({ status: "paid", amount_remaining: 0 });
    expect((await events()).map((e) => e.type)).toEqual(["invoice.paid"]);

    await stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: "usd" });
    const mistaken = await stripe.invoices.create({
      customer: customer.id,
      collection_method: "send_invoice",
      days_until_due: 15,
      pending_invoice_items_behavior: "include",
    });
    await stripe.invoices.finalizeInvoice(mistaken.id);
    expect((await stripe.invoices.voidInvoice(mistaken.id)).status).toBe("void");
    expect(await caught(stripe.invoices.voidInvoice(mistaken.id))).toMatchObject({ statusCode: 400 });
    expect(await caught(stripe.invoices.retrieve("in_nope"))).toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect((await stripe.invoices.list({ customer: customer.id })).data).toHaveLength(3);
    await expectBalanceIsSumOfTransactions();
  });
});
