import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";
import { openBrowserPage } from "./support/browser";

const WEBHOOK_SECRET = "whsec_test";

interface RecordedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny webhook endpoint: records every request and answers with `statuses.shift() ?? 200`. */
async function startRecorder(): Promise<{ url: string; requests: RecordedRequest[]; statuses: number[]; server: Server }> {
  const requests: RecordedRequest[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/stripe`, requests, statuses, server };
}

function eventTypes(requests: RecordedRequest[]): string[] {
  return requests.map((r) => (JSON.parse(r.body) as { type: string }).type);
}

let emulator: StripeEmulator;
let stripe: Stripe;
let recorder: Awaited<ReturnType<typeof startRecorder>>;

beforeAll(async () => {
  recorder = await startRecorder();
  emulator = await startStripeEmulator({ port: 0, webhookSecret: WEBHOOK_SECRET, webhookUrl: recorder.url });
  stripe = new Stripe("sk_test_emulator", {
    host: emulator.host,
    port: emulator.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await emulator?.close();
  await new Promise<void>((resolve) => (recorder ? recorder.server.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  recorder.requests.length = 0;
  recorder.statuses.length = 0;
});

function sessionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    line_items: [
      {
        price_data: { currency: "usd", unit_amount: 5000, product_data: { name: "Leadex balance top-up" } },
        quantity: 1,
      },
    ],
    success_url: "http://app.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/billing/cancel",
    client_reference_id: "topup_1",
    metadata: { topUpId: "topup_1" },
    payment_intent_data: { metadata: { topUpId: "topup_1" } },
    ...overrides,
  };
}

async function pay(sessionId: string, card: string): Promise<Response> {
  return fetch(`${emulator.url}/checkout/${sessionId}/pay`, {
    method: "POST",
    body: new URLSearchParams({ email: "buyer@example.com", card_number: card, card_expiry: "12 / 34", card_cvc: "123" }),
    redirect: "manual",
  });
}

describe("stripe emulator", () => {
  it("an idempotent request is replayed with the same answer", async () => {
    const email = `idem-${Date.now()}@example.com`;
    const first = await stripe.customers.create({ email, metadata: { userId: "u1" } }, { idempotencyKey: "customer-u1" });
    const second = await stripe.customers.create({ email, metadata: { userId: "u1" } }, { idempotencyKey: "customer-u1" });

    expect(second.id).toBe(first.id);
    expect(first.id).toMatch(/^cus_/);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const list = await stripe.customers.list({ email });
    expect(list.data.map((c) => c.id)).toEqual([first.id]);
    expect((await stripe.customers.retrieve(first.id)) as Stripe.Customer).toMatchObject({ email, metadata: { userId: "u1" } });
  });

  it("a reused idempotency key with other parameters is refused", async () => {
    await stripe.customers.create({ email: "a@example.com" }, { idempotencyKey: "customer-reused" });
    const error = await stripe.customers.create({ email: "b@example.com" }, { idempotencyKey: "customer-reused" }).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ type: "StripeIdempotencyError", statusCode: 400 });
    expect((error as Stripe.errors.StripeError).message).toMatch(/same parameters/);
  });

  it("a missing parameter names the parameter", async () => {
    const error = await stripe.checkout.sessions.create(sessionParams({ success_url: undefined })).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: "success_url", code: "parameter_missing" });
  });

  it("an unknown id answers 404 resource_missing and a non-test key 401", async () => {
    const missing = await stripe.checkout.sessions.retrieve("cs_test_nope").then(
      () => null,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });

    const live = new Stripe("sk_live_nope", { host: emulator.host, port: emulator.port, protocol: "http", maxNetworkRetries: 0 });
    await expect(live.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it("paying on the hosted page completes the session and delivers signed webhooks", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    expect(session).toMatchObject({ status: "open", payment_status: "unpaid", amount_total: 5000, currency: "usd" });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${emulator.url}/checkout/${session.id}`);

    const page = await fetch(session.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Leadex test checkout");
    expect(html).toContain("$50.00");
    expect(html).toContain(">Pay<");
    expect(html).toContain(`action="/checkout/${session.id}/pay"`);

    const paid = await pay(session.id, "4242424242424242");
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://app.test/billing/success?session_id=${session.id}`);

    const completed = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(completed).toMatchObject({ status: "complete", payment_status: "paid" });
    const pi = completed.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ object: "payment_intent", status: "succeeded", amount: 5000, metadata: { topUpId: "topup_1" } });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");

    expect(eventTypes(recorder.requests)).toEqual(["payment_intent.succeeded", "checkout.session.completed"]);
    const delivery = recorder.requests[1];
    const header = delivery.headers["stripe-signature"] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = stripe.webhooks.constructEvent(delivery.body, header, WEBHOOK_SECRET);
    expect(event).toMatchObject({
      object: "event",
      type: "checkout.session.completed",
      livemode: false,
      api_version: Stripe.API_VERSION,
      data: { object: { id: session.id, status: "complete", payment_status: "paid", payment_intent: pi.id } },
    });
    expect(() => stripe.webhooks.constructEvent(delivery.body, header, "whsec_wrong")).toThrow(Stripe.errors.StripeSignatureVerificationError);

    // Paying again only redirects: no new events.
    const again = await pay(session.id, "4242424242424242");
    expect(again.status).toBe(303);
    expect(recorder.requests).toHaveLength(2);
  });

  it("a declined card changes nothing", async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const eventsBefore = emulator.deliveredEvents().length;

    const declined = await pay(session.id, "4000000000000002");
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined.");

    const after = await stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: "open", payment_status: "unpaid", payment_intent: null });
    expect(emulator.deliveredEvents()).toHaveLength(eventsBefore);
    expect(recorder.requests).toHaveLength(0);
  });

  it("a failing webhook endpoint is retried, and an event can be resent with the same id", async () => {
    recorder.statuses.push(500, 503);
    const session = await stripe.checkout.sessions.create(sessionParams());
    const completed = await emulator.completeCheckoutSession(session.id);
    expect(completed.status).toBe("complete");

    // 2 failures + 1 success for payment_intent.succeeded, then checkout.session.completed.
    expect(eventTypes(recorder.requests)).toEqual([
      "payment_intent.succeeded",
      "payment_intent.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const event = emulator.deliveredEvents().at(-1)!;
    expect(event.type).toBe("checkout.session.completed");
    expect(emulator.webhookDeliveries().find((d) => d.eventId === event.id)?.state).toBe("delivered");

    expect(await emulator.resendEvent(event.id)).toBe(200);
    const resent = JSON.parse(recorder.requests.at(-1)!.body) as Stripe.Event;
    expect(resent.id).toBe(event.id);
  });
});

// ---- Connect ---------------------------------------------------------------------------------

/** Typed parse of a recorded webhook, verified with the signing secret as the app does. */
function verifiedEvents(requests: RecordedRequest[], secret = WEBHOOK_SECRET): Stripe.Event[] {
  return requests.map((r) => stripe.webhooks.constructEvent(r.body, r.headers["stripe-signature"] as string, secret));
}

function expressAccountParams(overrides: Partial<Stripe.AccountCreateParams> = {}): Stripe.AccountCreateParams {
  return {
    type: "express",
    country: "US",
    email: "affiliate@example.com",
    business_type: "individual",
    capabilities: { transfers: { requested: true } },
    metadata: { affiliateId: "aff_1" },
    ...overrides,
  };
}

async function onboardedAccount(): Promise<Stripe.Account> {
  const account = await stripe.accounts.create(expressAccountParams());
  await emulator.completeAccountOnboarding(account.id);
  recorder.requests.length = 0;
  return account;
}

async function control(path: string, body: object = {}): Promise<Response> {
  return fetch(`${emulator.url}/_emulator${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function platformAvailable(currency = "usd"): Promise<number> {
  const balance = await stripe.balance.retrieve();
  return balance.available.find((a) => a.currency === currency)?.amount ?? 0;
}

async function accountAvailable(account: string, currency = "usd"): Promise<number> {
  const balance = await stripe.balance.retrieve({}, { stripeAccount: account });
  return balance.available.find((a) => a.currency === currency)?.amount ?? 0;
}

function linkUrls() {
  return { refresh_url: `${emulator.url}/health?refresh=1`, return_url: `${emulator.url}/health?returned=1` };
}

async function caughtError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Stripe.errors.StripeError);
  return error as Stripe.errors.StripeError;
}

describe("stripe emulator: Connect", () => {
  it("an affiliate completes Express onboarding on the hosted page and the platform hears account.updated", async () => {
    const account = await stripe.accounts.create(expressAccountParams());
    expect(account).toMatchObject({
      object: "account",
      type: "express",
      country: "US",
      default_currency: "usd",
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: { transfers: "inactive" },
      metadata: { affiliateId: "aff_1" },
      requirements: { disabled_reason: "requirements.past_due" },
    });
    expect(account.id).toMatch(/^acct_/);
    expect(account.requirements?.currently_due).toEqual(
      expect.arrayContaining(["business_profile.url", "external_account", "individual.dob.day", "individual.ssn_last_4", "tos_acceptance.date"]),
    );

    const link = await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", ...linkUrls() });
    expect(link).toMatchObject({ object: "account_link" });
    expect(link.expires_at - link.created).toBe(300);
    expect(link.url.startsWith(`${emulator.url}/connect/setup/e/${account.id}/`)).toBe(true);

    const page = await fetch(link.url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(account.id);
    expect(html).toContain("individual.dob.day");
    expect(html).toContain(">Complete onboarding<");
    expect(html).toContain(">Leave for later<");

    const submitted = await fetch(link.url, {
      method: "POST",
      body: new URLSearchParams({ action: "complete" }),
      redirect: "manual",
    });
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get("location")).toBe(linkUrls().return_url);

    // Delivered before the redirect, signed like every webhook, on the connected account.
    const [event] = verifiedEvents(recorder.requests);
    expect(recorder.requests).toHaveLength(1);
    expect(event).toMatchObject({ type: "account.updated", account: account.id, livemode: false });
    const updated = event.data.object as Stripe.Account;
    expect(updated).toMatchObject({
      id: account.id,
      payouts_enabled: true,
      charges_enabled: false, // a transfers-only (recipient) account never takes charges
      details_submitted: true,
      capabilities: { transfers: "active" },
      requirements: { currently_due: [], past_due: [], disabled_reason: null },
    });
    expect(event.data.previous_attributes).toMatchObject({ payouts_enabled: false, details_submitted: false });

    const fetched = await stripe.accounts.retrieve(account.id);
    expect(fetched.external_accounts?.data).toHaveLength(1);
    expect(fetched.external_accounts?.data[0]).toMatchObject({ object: "bank_account", last4: "6789", currency: "usd" });

    // A link is single use: opening it again goes to refresh_url.
    const again = await fetch(link.url, { redirect: "manual" });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(linkUrls().refresh_url);
  });

  it("an expired onboarding link goes to refresh_url, and leaving for later changes nothing", async () => {
    const account = await stripe.accounts.create(expressAccountParams());

    const stale = await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", ...linkUrls() });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 301_000);
      const expired = await fetch(stale.url, { redirect: "manual" });
      expect(expired.status).toBe(303);
      expect(expired.headers.get("location")).toBe(linkUrls().refresh_url);
    } finally {
      vi.useRealTimers();
    }

    const controlled = await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", ...linkUrls() });
    expect(await (await control(`/accounts/${account.id}/expire_account_links`)).json()).toEqual({ expired: 1 });
    expect((await fetch(controlled.url, { redirect: "manual" })).headers.get("location")).toBe(linkUrls().refresh_url);

    const link = await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", ...linkUrls() });
    expect((await fetch(link.url)).status).toBe(200);
    const later = await fetch(link.url, { method: "POST", body: new URLSearchParams({ action: "later" }), redirect: "manual" });
    expect(later.status).toBe(303);
    expect(later.headers.get("location")).toBe(linkUrls().return_url);

    expect(recorder.requests).toHaveLength(0);
    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({ details_submitted: false, payouts_enabled: false });
  });

  it("a transfer to an account that has not finished onboarding is refused with Stripe's error", async () => {
    await control("/balance", { amount: 10_000 });
    const account = await stripe.accounts.create(expressAccountParams());

    const error = await caughtError(stripe.transfers.create({ amount: 1000, currency: "usd", destination: account.id }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "insufficient_capabilities_for_transfer" });
    expect(error.message).toBe(
      "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
    );

    const unknown = await caughtError(stripe.transfers.create({ amount: 1000, currency: "usd", destination: "acct_nope" }));
    expect(unknown).toMatchObject({ statusCode: 400, code: "resource_missing", param: "destination" });
  });

  it("a transfer retried with the same idempotency key is made once", async () => {
    const account = await onboardedAccount();
    await control("/balance", { amount: 5000 });
    const before = await platformAvailable();
    const params: Stripe.TransferCreateParams = {
      amount: 4200,
      currency: "usd",
      destination: account.id,
      transfer_group: "leadex:payout-run:run_1",
      description: "Leadex payout",
      metadata: { payoutId: "payout_1" },
    };

    const first = await stripe.transfers.create(params, { idempotencyKey: "leadex:payout:payout_1:transfer" });
    const second = await stripe.transfers.create(params, { idempotencyKey: "leadex:payout:payout_1:transfer" });
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({
      object: "transfer",
      amount: 4200,
      amount_reversed: 0,
      destination: account.id,
      transfer_group: "leadex:payout-run:run_1",
      metadata: { payoutId: "payout_1" },
      reversed: false,
    });

    const group = await stripe.transfers.list({ transfer_group: "leadex:payout-run:run_1" });
    expect(group.data.map((t) => t.id)).toEqual([first.id]);
    expect(await platformAvailable()).toBe(before - 4200);
    expect(await accountAvailable(account.id)).toBe(4200);

    await emulator.waitForWebhooks();
    expect(verifiedEvents(recorder.requests).map((e) => [e.type, e.account])).toEqual([["transfer.created", undefined]]);

    const reused = await caughtError(stripe.transfers.create({ ...params, amount: 1 }, { idempotencyKey: "leadex:payout:payout_1:transfer" }));
    expect(reused).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(reused.statusCode).toBe(400);
  });

  it("a transfer larger than the platform's available balance is refused as balance_insufficient", async () => {
    const account = await onboardedAccount();
    const session = await stripe.checkout.sessions.create(sessionParams());
    const before = await platformAvailable();
    await emulator.completeCheckoutSession(session.id);
    // A paid top-up is money the platform holds, less Stripe's fee (2.9% + 30¢ = $1.75).
    expect(await platformAvailable()).toBe(before + 5000 - 175);

    const error = await caughtError(
      stripe.transfers.create({ amount: before + 5000 - 174, currency: "usd", destination: account.id }, { idempotencyKey: "too-much" }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: "balance_insufficient" });
    expect(error.message).toMatch(/^You have insufficient funds in your Stripe account/);
    expect(await platformAvailable()).toBe(before + 5000 - 175);
    expect(await accountAvailable(account.id)).toBe(0);
  });

  it("reversing a transfer sends transfer.reversed and moves the money back", async () => {
    const account = await onboardedAccount();
    await control("/balance", { amount: 1000 });
    const transfer = await stripe.transfers.create({ amount: 1000, currency: "usd", destination: account.id });
    const platformAfterTransfer = await platformAvailable();
    await emulator.waitForWebhooks();
    recorder.requests.length = 0;

    const partial = await stripe.transfers.createReversal(transfer.id, { amount: 400, metadata: { reason: "clawback" } });
    expect(partial).toMatchObject({ object: "transfer_reversal", amount: 400, currency: "usd", transfer: transfer.id, metadata: { reason: "clawback" } });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 400, reversed: false });
    expect(await accountAvailable(account.id)).toBe(600);
    expect(await platformAvailable()).toBe(platformAfterTransfer + 400);

    // The rest, reversed "from the dashboard".
    const rest = await control(`/transfers/${transfer.id}/reverse`);
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ object: "transfer_reversal", amount: 600 });

    const events = verifiedEvents(recorder.requests);
    expect(events.map((e) => e.type)).toEqual(["transfer.reversed", "transfer.reversed"]);
    expect(events[0].request).toMatchObject({ id: expect.stringMatching(/^req_/) });
    expect(events[1].request).toEqual({ id: null, idempotency_key: null });
    expect(events[1].data.object).toMatchObject({ id: transfer.id, amount_reversed: 1000, reversed: true });
    expect(events[1].data.previous_attributes).toMatchObject({ amount_reversed: 400, reversed: false });
    expect((await stripe.transfers.listReversals(transfer.id)).data.map((r) => r.amount)).toEqual([600, 400]);
    expect(await accountAvailable(account.id)).toBe(0);
    expect(await platformAvailable()).toBe(platformAfterTransfer + 1000);

    const again = await caughtError(stripe.transfers.createReversal(transfer.id));
    expect(again).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError" });
  });

  it("a payout on a connected account that fails sends payout.failed on that account and returns the money", async () => {
    const account = await onboardedAccount();
    await control("/balance", { amount: 3000, account: account.id });

    const payout = await stripe.payouts.create({ amount: 2500, currency: "usd" }, { stripeAccount: account.id });
    expect(payout).toMatchObject({ object: "payout", status: "pending", amount: 2500, automatic: false, method: "standard", type: "bank_account" });
    expect(await accountAvailable(account.id)).toBe(500);
    // A payout lives on the connected account: the platform alone does not see it.
    expect(await caughtError(stripe.payouts.retrieve(payout.id))).toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe("pending");

    const failed = await control(`/payouts/${payout.id}/fail`, { failure_code: "account_closed" });
    expect(await failed.json()).toMatchObject({ status: "failed", failure_code: "account_closed", failure_message: "The bank account has been closed." });
    expect(await accountAvailable(account.id)).toBe(3000);

    const events = verifiedEvents(recorder.requests);
    expect(events.map((e) => [e.type, e.account])).toEqual([
      ["payout.created", account.id],
      ["payout.failed", account.id],
    ]);
    expect(events[1].data.object).toMatchObject({ id: payout.id, status: "failed", failure_code: "account_closed" });

    // Stripe's automatic payout of the whole balance, then the bank pays it.
    const automatic = await control(`/accounts/${account.id}/payouts`);
    const [auto] = ((await automatic.json()) as Stripe.ApiList<Stripe.Payout>).data;
    expect(auto).toMatchObject({ amount: 3000, automatic: true, status: "pending" });
    await emulator.payPayout(auto.id);
    expect((await stripe.payouts.retrieve(auto.id, {}, { stripeAccount: account.id })).status).toBe("paid");
    expect(
      verifiedEvents(recorder.requests)
        .slice(2)
        .map((e) => e.type),
    ).toEqual(["payout.created", "payout.paid"]);
  });

  it("an account Stripe disables can neither receive transfers nor be paid out", async () => {
    const account = await onboardedAccount();
    await control("/balance", { amount: 1000 });
    await control("/balance", { amount: 1000, account: account.id });

    const changed = await control(`/accounts/${account.id}/requirements`, {
      currently_due: ["individual.verification.document"],
      disabled_reason: "requirements.past_due",
      past_due: ["individual.verification.document"],
    });
    expect(changed.status).toBe(200);
    const [event] = verifiedEvents(recorder.requests);
    expect(event).toMatchObject({ type: "account.updated", account: account.id });
    expect(event.data.object).toMatchObject({
      payouts_enabled: false,
      capabilities: { transfers: "inactive" },
      requirements: { currently_due: ["individual.verification.document"], disabled_reason: "requirements.past_due" },
    });
    expect(event.data.previous_attributes).toMatchObject({ payouts_enabled: true, capabilities: { transfers: "active" } });

    const transfer = await caughtError(stripe.transfers.create({ amount: 100, currency: "usd", destination: account.id }));
    expect(transfer.code).toBe("insufficient_capabilities_for_transfer");
    const payout = await caughtError(stripe.payouts.create({ amount: 100, currency: "usd" }, { stripeAccount: account.id }));
    expect(payout).toMatchObject({ statusCode: 400, code: "payouts_not_allowed" });

    // More information due later, without disabling anything yet.
    const account2 = await onboardedAccount();
    await emulator.changeAccountRequirements(account2.id, { currently_due: ["individual.id_number"], current_deadline: 2_000_000_000 });
    expect(await stripe.accounts.retrieve(account2.id)).toMatchObject({
      payouts_enabled: true,
      capabilities: { transfers: "active" },
      requirements: { currently_due: ["individual.id_number"], eventually_due: ["individual.id_number"], current_deadline: 2_000_000_000 },
    });
  });

  it("an unknown parameter is refused with a 400 that names it, on every Connect endpoint", async () => {
    const account = await onboardedAccount();
    const unknown = async (promise: Promise<unknown>, param: string) => {
      const error = await caughtError(promise);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, code: "parameter_unknown", param });
      expect(error.message).toMatch(new RegExp(`^Received unknown parameter: ${param.replace(/[[\]]/g, "\\$&")}`));
    };
    const loose = <T>(params: object) => params as T;

    await unknown(stripe.accounts.create(loose({ ...expressAccountParams(), nickname: "x" })), "nickname");
    await unknown(
      stripe.accounts.create(expressAccountParams({ capabilities: loose({ transfers: { requested: true, priority: "high" } }) })),
      "capabilities[transfers][priority]",
    );
    await unknown(stripe.accounts.update(account.id, loose({ colour: "red" })), "colour");
    await unknown(stripe.accountLinks.create(loose({ account: account.id, type: "account_onboarding", ...linkUrls(), theme: "dark" })), "theme");
    await unknown(stripe.transfers.create(loose({ amount: 1, currency: "usd", destination: account.id, memo: "x" })), "memo");
    await unknown(stripe.transfers.list(loose({ destination_group: "x" })), "destination_group");
    await unknown(stripe.payouts.create(loose({ amount: 1, currency: "usd", speed: "fast" }), { stripeAccount: account.id }), "speed");
    await unknown(stripe.balance.retrieve(loose({ currency: "usd" })), "currency");

    await control("/balance", { amount: 100 });
    const transfer = await stripe.transfers.create({ amount: 100, currency: "usd", destination: account.id });
    await unknown(stripe.transfers.createReversal(transfer.id, loose({ reason: "x" })), "reason");

    const controlError = await control(`/payouts/po_x/fail`, { failure_code: "account_closed", bogus: 1 });
    expect(controlError.status).toBe(400);
    expect(await controlError.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "parameter_unknown", param: "bogus" },
    });
  });

  it("a request for an account the platform does not have is refused with 403", async () => {
    const error = await caughtError(stripe.balance.retrieve({}, { stripeAccount: "acct_unknown" }));
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error).toMatchObject({ statusCode: 403, code: "account_invalid" });
  });

  it("events on connected accounts can go to a Connect endpoint with its own signing secret", async () => {
    const separate = await startStripeEmulator({
      port: 0,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: recorder.url,
      connectWebhookSecret: "whsec_connect",
    });
    try {
      const client = new Stripe("sk_test_emulator", { host: separate.host, port: separate.port, protocol: "http", maxNetworkRetries: 0 });
      const account = await client.accounts.create(expressAccountParams());
      await separate.completeAccountOnboarding(account.id);
      const [delivery] = recorder.requests;
      const header = delivery.headers["stripe-signature"] as string;
      expect(stripe.webhooks.constructEvent(delivery.body, header, "whsec_connect").type).toBe("account.updated");
      expect(() => stripe.webhooks.constructEvent(delivery.body, header, WEBHOOK_SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    } finally {
      await separate.close();
    }
  });

  it("the onboarding page works in a real browser", { timeout: 60_000 }, async () => {
    const account = await stripe.accounts.create(expressAccountParams());
    const link = await stripe.accountLinks.create({ account: account.id, type: "account_onboarding", ...linkUrls() });
    const { browser, page } = await openBrowserPage();
    try {
      await page.goto(link.url);
      await page.getByRole("button", { name: "Complete onboarding" }).click();
      await page.waitForURL(linkUrls().return_url);
    } finally {
      await browser.close();
    }
    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({ payouts_enabled: true, details_submitted: true });
    expect(verifiedEvents(recorder.requests).map((e) => e.type)).toEqual(["account.updated"]);
  });
});

describe("stripe emulator: Connect accounts and payouts over time", () => {
  it("updating an account's metadata sends account.updated with what changed", async () => {
    const account = await stripe.accounts.create(expressAccountParams());
    const updated = await stripe.accounts.update(account.id, { metadata: { tier: "gold", affiliateId: "" } });
    expect(updated.metadata).toEqual({ tier: "gold" });
    await emulator.waitForWebhooks();
    const [event] = verifiedEvents(recorder.requests);
    expect(event).toMatchObject({ type: "account.updated", account: account.id, data: { previous_attributes: { metadata: { affiliateId: "aff_1" } } } });
  });

  it("a deleted account is gone: reading it answers 404 and acting as it 403", async () => {
    const account = await stripe.accounts.create(expressAccountParams());
    expect(await stripe.accounts.del(account.id)).toEqual(expect.objectContaining({ id: account.id, deleted: true }));
    expect(await caughtError(stripe.accounts.retrieve(account.id))).toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect(await caughtError(stripe.payouts.list({}, { stripeAccount: account.id }))).toMatchObject({ statusCode: 403, code: "account_invalid" });
  });

  it("with a payout delay set, a payout is paid by itself", async () => {
    const timed = await startStripeEmulator({ port: 0, webhookSecret: WEBHOOK_SECRET, webhookUrl: recorder.url, payoutArrivalMs: 20 });
    try {
      const client = new Stripe("sk_test_emulator", { host: timed.host, port: timed.port, protocol: "http", maxNetworkRetries: 0 });
      const account = await client.accounts.create(expressAccountParams());
      await timed.completeAccountOnboarding(account.id);
      await timed.addBalance(700, "usd", account.id);
      const payout = await client.payouts.create({ amount: 700, currency: "usd" }, { stripeAccount: account.id });
      await vi.waitFor(async () => {
        expect((await client.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe("paid");
      });
      await timed.waitForWebhooks();
      expect(timed.deliveredEvents().map((e) => e.type)).toEqual(["account.updated", "payout.created", "payout.paid"]);
    } finally {
      await timed.close();
    }
  });
});

describe("stripe emulator: another business's own account", () => {
  it("sends its customers', invoices' and refunds' events to its own endpoint, signed with its own secret", async () => {
    const own = await startRecorder();
    try {
      const created = await control("/merchants", { webhook_url: own.url, webhook_secret: "whsec_merchant_own" });
      expect(created.status).toBe(200);
      const merchant = (await created.json()) as { id: string; webhook_secret: string };
      expect(merchant).toMatchObject({ id: expect.stringMatching(/^acct_/), webhook_secret: "whsec_merchant_own" });

      const customer = (await (
        await control(`/merchants/${merchant.id}/customers`, { email: "c@example.test", metadata: { leadex_lead_id: "lead_1" } })
      ).json()) as Stripe.Customer;
      const updated = await control(`/merchants/${merchant.id}/customers/${customer.id}`, { metadata: { leadex_lead_id: "", plan: "pro" } });
      expect(((await updated.json()) as Stripe.Customer).metadata).toEqual({ plan: "pro" });
      const paid = (await (
        await control(`/merchants/${merchant.id}/invoices`, { customer: customer.id, amount: 10_000, tax: 800, metadata: { order: "1001" } })
      ).json()) as { invoice: Stripe.Invoice; charge: Stripe.Charge };
      expect(paid.invoice).toMatchObject({ status: "paid", total: 10_800, total_excluding_tax: 10_000, amount_paid: 10_800, customer: customer.id });
      expect(paid.charge).toMatchObject({ amount: 10_800, amount_refunded: 0, customer: customer.id });
      const refund = await control(`/merchants/${merchant.id}/charges/${paid.charge.id}/refund`, { amount: 2_700 });
      expect(await refund.json()).toMatchObject({ object: "refund", amount: 2_700, charge: paid.charge.id });
      const rest = await control(`/merchants/${merchant.id}/charges/${paid.charge.id}/refund`, {});
      expect(await rest.json()).toMatchObject({ amount: 8_100 });
      const tooMuch = await control(`/merchants/${merchant.id}/charges/${paid.charge.id}/refund`, { amount: 1 });
      expect(tooMuch.status).toBe(400);

      // Nothing went to the platform's endpoint; every event to the business's, verifiable only with its secret.
      expect(recorder.requests).toEqual([]);
      const events = verifiedEvents(own.requests, "whsec_merchant_own");
      expect(events.map((e) => e.type)).toEqual([
        "customer.created",
        "customer.updated",
        "invoice_payment.paid",
        "invoice.paid",
        "charge.refunded",
        "charge.refunded",
      ]);
      expect(() => verifiedEvents(own.requests.slice(0, 1))).toThrow();
      const payment = events[2].data.object as Stripe.InvoicePayment;
      expect(payment).toMatchObject({ invoice: paid.invoice.id, payment: { type: "payment_intent", payment_intent: paid.charge.payment_intent } });
      expect(events.slice(4).map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([2_700, 10_800]);
      expect(events.map((e) => e.account)).toEqual(events.map(() => undefined));

      // The endpoint goes down: events wait; the business rolls its secret; a resend uses the new one.
      await control(`/merchants/${merchant.id}/endpoint`, { webhook_url: null, webhook_secret: "whsec_merchant_rolled" });
      const later = (await (await control(`/merchants/${merchant.id}/customers`, {})).json()) as Stripe.Customer;
      expect(own.requests).toHaveLength(6);
      await control(`/merchants/${merchant.id}/endpoint`, { webhook_url: own.url });
      const waiting = emulator.merchantEvents(merchant.id).find((e) => (e.data.object as { id: string }).id === later.id)!;
      expect(await emulator.resendEvent(waiting.id)).toBe(200);
      expect(verifiedEvents(own.requests.slice(6), "whsec_merchant_rolled").map((e) => e.id)).toEqual([waiting.id]);
    } finally {
      await new Promise<void>((resolve) => own.server.close(() => resolve()));
    }
  });
});

describe("stripe emulator: fault injection (chaos runs)", () => {
  it("fails the chosen share of API calls as a 500 api_error or a dropped connection, before the call has any effect", async () => {
    const email = `faults-${Date.now()}@example.com`;
    const on = await control("/faults", { rate: 1, kinds: ["api_error"] });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ rate: 1, kinds: ["api_error"] });
    try {
      const error = await caughtError(stripe.customers.create({ email }));
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error).toMatchObject({ type: "StripeAPIError", statusCode: 500 });
      expect(error.raw).toMatchObject({ type: "api_error" });

      emulator.setFaults({ rate: 1, kinds: ["connection_reset"] });
      expect(await caughtError(stripe.customers.create({ email }))).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    } finally {
      emulator.setFaults({ rate: 0 });
    }
    expect((await stripe.customers.list({ email })).data).toEqual([]);
    const report = emulator.faultReport();
    expect(report).toMatchObject({ rate: 0, injected: { api_error: 1 } });
    expect(report.injected.connection_reset).toBeGreaterThanOrEqual(1); // Node may resend a request whose reused socket was reset
  });

  it("a client that retries with its idempotency key gets every call through once", async () => {
    const email = `faults-retry-${Date.now()}@example.com`;
    const retrying = new Stripe("sk_test_emulator", { host: emulator.host, port: emulator.port, protocol: "http", maxNetworkRetries: 8 });
    const before = emulator.faultReport();
    emulator.setFaults({ rate: 0.5 });
    try {
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => retrying.customers.create({ email, metadata: { n: String(i) } })));
      expect(new Set(created.map((c) => c.id)).size).toBe(12);
    } finally {
      emulator.setFaults({ rate: 0 });
    }
    const after = emulator.faultReport();
    expect(after.injected.api_error + after.injected.connection_reset).toBeGreaterThan(before.injected.api_error + before.injected.connection_reset);
    expect((await stripe.customers.list({ email, limit: 100 })).data).toHaveLength(12);
  });

  it("refuses a rate outside 0..1 and an unknown kind in Stripe's words", async () => {
    expect((await control("/faults", { rate: 2 })).status).toBe(400);
    const unknown = await control("/faults", { rate: 0.1, kinds: ["timeout"] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});
