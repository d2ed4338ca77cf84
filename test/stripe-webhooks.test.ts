import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { startTopUp } from "~/modules/billing/top-ups.server";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { makeAdvertiser } from "./factories/accounts";
import { fundWallet } from "./factories/billing";
import { useTestStack } from "./support/app";
import { waitFor } from "./support/wait";

const stack = useTestStack({ workers: false });

/** A Stripe-Signature header for `payload` with the app's webhook secret: Stripe could have sent it. */
function signed(payload: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: stack().env.STRIPE_WEBHOOK_SECRET });
}

function postWebhook(payload: string, signature: string | null) {
  return fetch(new URL("/webhooks/stripe", stack().appUrl), {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
    body: payload,
  });
}

describe("Stripe webhooks", () => {
  it("refuses a webhook with a bad or missing signature and credits nothing", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 2_500);
    const topUp = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    const payload = JSON.stringify({
      id: "evt_forged",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: topUp.stripeCheckoutSessionId, object: "checkout.session" } },
    });
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_not_the_right_one" });
    const refused = await postWebhook(payload, forged);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.code).toBe("bad_signature");
    expect((await postWebhook(payload, null)).status).toBe(400);
    expect(await prisma.stripeEvent.count()).toBe(0);
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(0n);
  });

  it("a duplicated webhook credits the wallet once", async () => {
    const advertiser = await makeAdvertiser();
    const topUp = await fundWallet(advertiser.actor, 7_500, stack().emulator);
    const completed = stack()
      .emulator.deliveredEvents()
      .find((e) => e.type === "checkout.session.completed" && (e.data.object as Stripe.Checkout.Session).id === topUp.stripeCheckoutSessionId);
    expect(completed).toBeDefined();

    expect(await stack().emulator.resendEvent(completed!.id)).toBe(200);
    expect(await stack().emulator.resendEvent(completed!.id)).toBe(200);

    const wallet = ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd");
    expect(await balanceCents(prisma, wallet)).toBe(7_500n);
    expect(await prisma.journalEntry.count({ where: { idempotencyKey: `topup:${topUp.id}` } })).toBe(1);
    const paid = await prisma.topUp.findUniqueOrThrow({ where: { id: topUp.id } });
    expect(paid.status).toBe("PAID");
  });

  it("a new event for an already-credited session credits nothing more", async () => {
    const advertiser = await makeAdvertiser();
    const topUp = await fundWallet(advertiser.actor, 1_500, stack().emulator);
    // The same session, announced by a different event id (Stripe may send several events for one payment).
    const session = await new Stripe("sk_test_emulator", { host: "127.0.0.1", port: stack().emulator.port, protocol: "http" }).checkout.sessions.retrieve(
      topUp.stripeCheckoutSessionId!,
    );
    const payload = JSON.stringify({ id: "evt_second_announcement", object: "event", type: "checkout.session.completed", data: { object: session } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: stack().env.STRIPE_WEBHOOK_SECRET });
    const answer = await postWebhook(payload, signature);
    expect(answer.status).toBe(200);
    expect((await answer.json()).result).toBe("already-credited");
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(1_500n);
  });

  it("an abandoned checkout that expires marks the top-up expired and credits nothing", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 4_000);
    const topUp = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    const stripe = new Stripe("sk_test_emulator", { host: "127.0.0.1", port: stack().emulator.port, protocol: "http" });
    await stripe.checkout.sessions.expire(topUp.stripeCheckoutSessionId!);
    await waitFor("the expiry webhook", async () => (await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).status === "EXPIRED");
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(0n);
  });

  it("credits a paid session whose id Leadex never saved, through the top-up id it carries", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 3_000);
    const { stripeCheckoutSessionId } = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    // As if the process died between creating the session and saving its id.
    await prisma.topUp.update({ where: { id: topUpId }, data: { stripeCheckoutSessionId: null } });
    await stack().emulator.completeCheckoutSession(stripeCheckoutSessionId!);
    await waitFor("the webhook to credit the wallet", async () => (await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).status === "PAID");
    expect(await balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"))).toBe(3_000n);
    expect((await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } })).stripeCheckoutSessionId).toBe(stripeCheckoutSessionId);
  });

  it("a signed event that is not a readable Stripe event is refused with 400 and the reason, and records nothing", async () => {
    const eventsBefore = await prisma.stripeEvent.count();
    const malformed = [
      { id: "not_an_event_id", object: "event", type: "checkout.session.completed", data: { object: { id: "cs_test_x", object: "checkout.session" } } },
      { id: "evt_without_data", object: "event", type: "checkout.session.completed" },
      { id: "evt_without_object_id", object: "event", type: "checkout.session.completed", data: { object: { object: "checkout.session" } } },
      { id: "evt_not_an_event", object: "charge", type: "checkout.session.completed", data: { object: { id: "cs_test_x", object: "checkout.session" } } },
      { id: "evt_with_a_nul\u0000", object: "event", type: "checkout.session.completed", data: { object: { id: "cs_test_x", object: "checkout.session" } } },
      { id: "evt_nul_type", object: "event", type: "checkout.session.\u0000", data: { object: { id: "cs_test_x", object: "checkout.session" } } },
      [],
      null,
    ];
    for (const event of malformed) {
      const payload = JSON.stringify(event);
      const answer = await postWebhook(payload, signed(payload));
      expect(answer.status, payload).toBe(400);
      const body = await answer.json();
      expect(body.error.code, payload).toBe("malformed_event");
      expect(body.error.message, payload).toMatch(/^Not a Stripe event Leadex can read: /);
    }
    expect(await prisma.stripeEvent.count()).toBe(eventsBefore);
  });

  it("an event about a Checkout Session Stripe does not know answers 200 ignored, so Stripe stops retrying", async () => {
    const payload = JSON.stringify({
      id: "evt_unknown_session",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: "cs_test_nobody_made_this", object: "checkout.session" } },
    });
    const answer = await postWebhook(payload, signed(payload));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      received: true,
      eventId: "evt_unknown_session",
      result: "ignored",
      reason: "Stripe has no Checkout Session cs_test_nobody_made_this",
    });
  });

  it("an event about a paid session that is no top-up of Leadex answers 200 ignored and credits nothing", async () => {
    const stripe = new Stripe("sk_test_emulator", { host: "127.0.0.1", port: stack().emulator.port, protocol: "http" });
    const lineItems = [{ quantity: 1, price_data: { currency: "usd", unit_amount: 5_000, product_data: { name: "Not Leadex" } } }];
    const strangers = [
      await stripe.checkout.sessions.create({
        mode: "payment",
        line_items: lineItems,
        success_url: "https://elsewhere.example/ok",
        cancel_url: "https://elsewhere.example/no",
      }),
      await stripe.checkout.sessions.create({
        mode: "payment",
        line_items: lineItems,
        success_url: "https://elsewhere.example/ok",
        cancel_url: "https://elsewhere.example/no",
        client_reference_id: "topup_that_never_existed",
      }),
    ];
    const creditsBefore = await prisma.journalEntry.count({ where: { kind: "TOP_UP" } });
    for (const stranger of strangers) {
      const paid = await stack().emulator.completeCheckoutSession(stranger.id);
      const payload = JSON.stringify({ id: `evt_stranger_${stranger.id}`, object: "event", type: "checkout.session.completed", data: { object: paid } });
      const answer = await postWebhook(payload, signed(payload));
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ result: "ignored", reason: `no Leadex top-up belongs to Checkout Session ${stranger.id}` });
    }
    expect(await prisma.journalEntry.count({ where: { kind: "TOP_UP" } })).toBe(creditsBefore);
  });

  // Last in this file: it stops the Stripe emulator.
  it("when Stripe cannot be reached, a webhook answers 5xx so that Stripe retries it", async () => {
    const advertiser = await makeAdvertiser();
    const { topUpId } = await startTopUp(advertiser.actor, 2_000);
    const topUp = await prisma.topUp.findUniqueOrThrow({ where: { id: topUpId } });
    await stack().emulator.close();
    const payload = JSON.stringify({
      id: "evt_while_stripe_is_down",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: topUp.stripeCheckoutSessionId, object: "checkout.session" } },
    });
    const answer = await postWebhook(payload, signed(payload));
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(await prisma.stripeEvent.count({ where: { id: "evt_while_stripe_is_down" } })).toBe(0);
  });
});
