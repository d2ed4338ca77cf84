import Stripe from "stripe";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { stripeEventSchema } from "./billing.schema";
import { getStripe } from "./stripe.server";
import { creditPaidCheckoutSession, expireCheckoutTopUp } from "./top-ups.server";

export class WebhookSignatureError extends DomainError {
  constructor(message: string) {
    super(`Webhook signature verification failed: ${message}`, 400, "bad_signature");
  }
}

/** Verifies a Stripe webhook and applies it once; the event id is recorded with its effects. */
export async function handleStripeWebhook(rawBody: string, signature: string | null) {
  if (!signature) throw new WebhookSignatureError("missing Stripe-Signature header");
  let verified: Stripe.Event;
  try {
    verified = getStripe().webhooks.constructEvent(rawBody, signature, getEnv().STRIPE_WEBHOOK_SECRET);
  } catch (error) {
    throw new WebhookSignatureError((error as Error).message);
  }
  const event = stripeEventSchema.parse(verified);
  // Webhooks arrive at least once and in any order: treat the event as a trigger and re-read the object.
  const session = event.type.startsWith("checkout.session.") ? await getStripe().checkout.sessions.retrieve(event.data.object.id) : null;
  return prisma.$transaction(async (tx) => {
    const recorded = await tx.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
    if (recorded.count === 0) return { eventId: event.id, result: "duplicate" as const };
    if (!session) return { eventId: event.id, result: "ignored" as const };
    const result = session.status === "expired" ? await expireCheckoutTopUp(tx, session) : await creditPaidCheckoutSession(tx, session);
    return { eventId: event.id, result };
  });
}
