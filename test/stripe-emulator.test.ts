import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeEmulator, type StripeEmulator } from "../scripts/stripe-emulator/stripe-emulator";

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
    const error = await stripe.customers
      .create({ email: "b@example.com" }, { idempotencyKey: "customer-reused" })
      .then(() => null, (e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ type: "StripeIdempotencyError", statusCode: 400 });
    expect((error as Stripe.errors.StripeError).message).toMatch(/same parameters/);
  });

  it("a missing parameter names the parameter", async () => {
    const error = await stripe.checkout.sessions
      .create(sessionParams({ success_url: undefined }))
      .then(() => null, (e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: "success_url", code: "parameter_missing" });
  });

  it("an unknown id answers 404 resource_missing and a non-test key 401", async () => {
    const missing = await stripe.checkout.sessions.retrieve("cs_test_nope").then(() => null, (e: unknown) => e);
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
    expect(() => stripe.webhooks.constructEvent(delivery.body, header, "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );

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
