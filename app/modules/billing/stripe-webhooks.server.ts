import Stripe from "stripe";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { stripeEventSchema } from "./billing.schema";
import { getStripe } from "./stripe.server";
import { creditPaidCheckoutSession, expireCheckoutTopUp } from "./top-ups.server";

// Stripe retries a webhook until it gets a 2xx, for days. So: a forged or malformed event is a
// 400 (Stripe never sends one; nothing to retry), an event about something neither Stripe nor
// Leadex knows is a 200 "ignored" with the reason (retrying would never change the answer), and
// a failure that may pass (Stripe or the database unreachable) stays a 5xx so Stripe retries.

export class WebhookSignatureError extends DomainError {
  constructor(message: string) {
    super(`Webhook signature verification failed: ${message}`, 400, "bad_signature");
  }
}

export class MalformedWebhookEventError extends DomainError {
  constructor(reason: string) {
    super(`Not a Stripe event Leadex can read: ${reason}`, 400, "malformed_event");
  }
}

export type StripeWebhookAnswer =
  | { eventId: string; result: "duplicate" | "credited" | "already-credited" | "not-paid" | "expired" | "already-settled" }
  | { eventId: string; result: "ignored"; reason: string };

/** An event about something neither Stripe nor Leadex knows: answered 200 (and logged) so Stripe stops retrying. */
function ignoredUnknown(eventId: string, reason: string): StripeWebhookAnswer {
  console.warn(`[stripe-webhook] ignored ${eventId}: ${reason}`);
  return { eventId, result: "ignored", reason };
}

/** The session, re-read from Stripe; null when Stripe has no such session (404 resource_missing). */
async function retrieveCheckoutSession(id: string): Promise<Stripe.Checkout.Session | null> {
  try {
    return await getStripe().checkout.sessions.retrieve(id);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return null;
    throw error;
  }
}

/** Verifies a Stripe webhook and applies it once; the event id is recorded with its effects. */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<StripeWebhookAnswer> {
  if (!signature) throw new WebhookSignatureError("missing Stripe-Signature header");
  let verified: Stripe.Event;
  try {
    verified = getStripe().webhooks.constructEvent(rawBody, signature, getEnv().STRIPE_WEBHOOK_SECRET);
  } catch (error) {
    throw new WebhookSignatureError((error as Error).message);
  }
  const parsed = stripeEventSchema.safeParse(verified);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; ");
    console.warn(`[stripe-webhook] refused a signed but malformed event: ${reason}`);
    throw new MalformedWebhookEventError(reason);
  }
  const event = parsed.data;
  // Webhooks arrive at least once and in any order: treat the event as a trigger and re-read the object.
  const isCheckoutEvent = event.type.startsWith("checkout.session.");
  const session = isCheckoutEvent ? await retrieveCheckoutSession(event.data.object.id) : null;
  if (isCheckoutEvent && !session) return ignoredUnknown(event.id, `Stripe has no Checkout Session ${event.data.object.id}`);
  return prisma.$transaction(async (tx): Promise<StripeWebhookAnswer> => {
    const recorded = await tx.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
    if (recorded.count === 0) return { eventId: event.id, result: "duplicate" };
    if (!session) return { eventId: event.id, result: "ignored", reason: `Leadex does not act on ${event.type}` };
    const result = session.status === "expired" ? await expireCheckoutTopUp(tx, session) : await creditPaidCheckoutSession(tx, session);
    if (result === "unknown") return ignoredUnknown(event.id, `no Leadex top-up belongs to Checkout Session ${session.id}`);
    return { eventId: event.id, result };
  });
}
