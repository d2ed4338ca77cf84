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
});
