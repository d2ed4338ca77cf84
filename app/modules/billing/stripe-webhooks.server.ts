import Stripe from "stripe";
import { applyConnectAccount } from "~/modules/payouts/connect-accounts.server";
import { loadReversedTransfer, recordTransferReversal, reverseTransferForFailedPayout, type ReversedTransfer } from "~/modules/payouts/payout-reversals.server";
import { prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { DomainError } from "~/utils/errors";
import { stripeEventSchema, type StripeEventEnvelope } from "./billing.schema";
import { applyRechargePayment, loadRechargePayment, type RechargePayment } from "./auto-recharge.server";
import { applyStripeDispute, loadStripeDispute } from "./chargebacks.server";
import { applyStripeInvoice, loadStripeInvoice, type LoadedInvoice } from "./postpaid-invoices.server";
import { applyCardSetup, type CardSetup, loadCardSetup } from "./saved-cards.server";
import { getStripe } from "./stripe.server";
import { type CheckoutPayment, creditPaidCheckoutSession, expireCheckoutTopUp, loadCheckoutPayment } from "./top-ups.server";
import { loadChargeRefunds, recordChargeRefunds, recordStripeRefund } from "./wallet-refunds.server";

// Stripe webhooks: verified, then dispatched through one table of handlers by event type. Stripe
// delivers at least once and in any order, so an event is only a trigger: each handler re-reads
// its object from Stripe (`load`, outside the transaction), then applies it (`apply`) in the
// transaction that records the event id, so the effects and "event seen" commit together. Each
// effect is also keyed on the Stripe object it changes (the ledger's idempotency keys), so two
// different events about one object change it once.
//
// Stripe retries a webhook until it gets a 2xx, for days. So: a forged or malformed event is a
// 400 (Stripe never sends one; nothing to retry), an event about something neither Stripe nor
// Leadex knows is a 200 "ignored" with the reason (retrying would never change the answer), and
// a failure that may pass (Stripe or the database unreachable) stays a 5xx so Stripe retries.

export class WebhookSignatureError extends DomainError {
  constructor(message: string) {
    super(`Webhook signature verification failed: ${message}`, 400, "bad_signature");
  }
}

export class MalformedWebhookError extends DomainError {
  constructor(message: string) {
    super(`Not a Stripe event Leadex can read: ${message}`, 400, "malformed_event");
  }
}

interface StripeEventHandler<Loaded> {
  /** What the event is about, in words ("Checkout Session"), and what of Leadex's it belongs to ("top-up"). */
  about: { stripe: string; leadex: string };
  /** Re-reads what the event is about; null when it concerns nothing of Leadex's (ignored). */
  load(event: StripeEventEnvelope): Promise<Loaded | null>;
  /** Applies it inside the event's transaction; returns what happened, in a word. */
  apply(tx: Tx, loaded: Loaded, event: StripeEventEnvelope): Promise<string>;
}

const handler = <Loaded>(h: StripeEventHandler<Loaded>) => h as StripeEventHandler<unknown>;

// A session in setup mode saves a card (saved-cards.server.ts); in payment mode it pays a top-up.
const checkoutSession = handler<CheckoutPayment | CardSetup>({
  about: { stripe: "Checkout Session", leadex: "top-up" },
  load: (event) => (event.data.object.mode === "setup" ? loadCardSetup(event.data.object.id) : loadCheckoutPayment(event.data.object.id)),
  apply: (tx, loaded) => {
    if ("paymentMethod" in loaded) return applyCardSetup(tx, loaded);
    return loaded.session.status === "expired" ? expireCheckoutTopUp(tx, loaded.session) : creditPaidCheckoutSession(tx, loaded);
  },
});

const rechargePayment = handler<RechargePayment | { checkout: true }>({
  about: { stripe: "PaymentIntent", leadex: "auto-recharge" },
  load: (event) => loadRechargePayment(event.data.object.id),
  apply: (tx, loaded) => applyRechargePayment(tx, loaded),
});

const transferReversed = handler<ReversedTransfer>({
  about: { stripe: "transfer", leadex: "payout" },
  load: (event) => loadReversedTransfer(event.data.object.id),
  apply: (tx, reversed) => recordTransferReversal(tx, reversed),
});

const stripeRefund = handler<Stripe.Refund>({
  about: { stripe: "refund", leadex: "top-up" },
  load: (event) => getStripe().refunds.retrieve(event.data.object.id),
  apply: (tx, refund) => recordStripeRefund(tx, refund),
});

const chargeDispute = handler<Stripe.Dispute>({
  about: { stripe: "dispute", leadex: "top-up" },
  load: (event) => loadStripeDispute(event.data.object.id),
  apply: (tx, dispute) => applyStripeDispute(tx, dispute),
});

const postpaidInvoice = handler<LoadedInvoice>({
  about: { stripe: "invoice", leadex: "postpaid invoice" },
  load: (event) => loadStripeInvoice(event.data.object.id),
  apply: (tx, loaded, event) => applyStripeInvoice(tx, loaded, event),
});

export const STRIPE_EVENT_HANDLERS: Readonly<Record<string, StripeEventHandler<unknown>>> = {
  "checkout.session.completed": checkoutSession,
  "checkout.session.async_payment_succeeded": checkoutSession,
  "checkout.session.expired": checkoutSession,
  "payment_intent.succeeded": rechargePayment,
  "payment_intent.payment_failed": rechargePayment,
  "account.updated": handler<Stripe.Account>({
    about: { stripe: "account", leadex: "affiliate" },
    load: (event) => getStripe().accounts.retrieve(event.data.object.id),
    apply: async (tx, account) => ((await applyConnectAccount(tx, account)) ? "account-updated" : "unknown"),
  }),
  "charge.refunded": handler<Stripe.Refund[]>({
    about: { stripe: "charge", leadex: "top-up" },
    load: (event) => loadChargeRefunds(event.data.object.id),
    apply: (tx, refunds) => recordChargeRefunds(tx, refunds),
  }),
  "refund.created": stripeRefund,
  "refund.updated": stripeRefund,
  "refund.failed": stripeRefund,
  "charge.refund.updated": stripeRefund,
  "charge.dispute.created": chargeDispute,
  "charge.dispute.funds_withdrawn": chargeDispute,
  "charge.dispute.updated": chargeDispute,
  "charge.dispute.funds_reinstated": chargeDispute,
  "charge.dispute.closed": chargeDispute,
  "transfer.reversed": transferReversed,
  "invoice.finalized": postpaidInvoice,
  "invoice.sent": postpaidInvoice,
  "invoice.paid": postpaidInvoice,
  "invoice.payment_failed": postpaidInvoice,
  "invoice.overdue": postpaidInvoice,
  "invoice.voided": postpaidInvoice,
  "invoice.marked_uncollectible": postpaidInvoice,
  "payout.failed": handler<ReversedTransfer>({
    about: { stripe: "payout", leadex: "paid payout" },
    load: async (event) => {
      if (!event.account) return null;
      const payout = await getStripe().payouts.retrieve(event.data.object.id, {}, { stripeAccount: event.account });
      return reverseTransferForFailedPayout(event.account, payout);
    },
    apply: (tx, reversed) => recordTransferReversal(tx, reversed),
  }),
};

/** Verifies a Stripe webhook and applies it once; the event id is recorded with its effects. */
export async function handleStripeWebhook(rawBody: string, signature: string | null) {
  if (!signature) throw new WebhookSignatureError("missing Stripe-Signature header");
  const verified = verifyStripeSignature(rawBody, signature);
  const parsed = stripeEventSchema.safeParse(verified);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; ");
    console.warn(`[stripe-webhook] refused a signed but malformed event: ${problem}`);
    throw new MalformedWebhookError(problem);
  }
  const event = parsed.data;
  // Own keys only: a signed event typed "constructor" must not find Object.prototype's.
  const eventHandler = Object.hasOwn(STRIPE_EVENT_HANDLERS, event.type) ? STRIPE_EVENT_HANDLERS[event.type] : undefined;
  const loaded = eventHandler ? await loadOrIgnore(eventHandler, event) : null;
  return prisma.$transaction(async (tx) => {
    const recorded = await tx.stripeEvent.createMany({ data: [{ id: event.id, type: event.type }], skipDuplicates: true });
    if (recorded.count === 0) return { eventId: event.id, result: "duplicate" };
    if (!eventHandler) return { eventId: event.id, result: "ignored", reason: `Leadex does not act on ${event.type}` };
    const { about } = eventHandler;
    if (loaded === NOT_AT_STRIPE) return ignoredUnknown(event, `Stripe has no ${about.stripe} ${event.data.object.id}`);
    if (loaded === null) return ignoredUnknown(event, `no Leadex ${about.leadex} belongs to ${about.stripe} ${event.data.object.id}`);
    const result = await eventHandler.apply(tx, loaded, event);
    if (result === "unknown") return ignoredUnknown(event, `no Leadex ${about.leadex} belongs to ${about.stripe} ${event.data.object.id}`);
    return { eventId: event.id, result };
  });
}

/** An event about something neither Stripe nor Leadex knows: answered 200 (and logged) so Stripe stops retrying. */
function ignoredUnknown(event: StripeEventEnvelope, reason: string) {
  console.warn(`[stripe-webhook] ignored ${event.id} (${event.type}): ${reason}`);
  return { eventId: event.id, result: "ignored", reason };
}

/** The event, verified with the platform endpoint's secret or the Connect endpoint's. */
function verifyStripeSignature(rawBody: string, signature: string): Stripe.Event {
  const env = getEnv();
  const secrets = [env.STRIPE_WEBHOOK_SECRET, env.STRIPE_CONNECT_WEBHOOK_SECRET].filter((s): s is string => Boolean(s));
  let failure: unknown;
  for (const secret of secrets) {
    try {
      return getStripe().webhooks.constructEvent(rawBody, signature, secret);
    } catch (error) {
      failure = error;
    }
  }
  throw new WebhookSignatureError((failure as Error).message);
}

const NOT_AT_STRIPE = Symbol("not at Stripe");

/**
 * The handler's object; null when it concerns nothing of Leadex's; NOT_AT_STRIPE when Stripe says
 * it does not exist. Both are answered 200 "ignored" (logged) so Stripe stops retrying. Other
 * failures (Stripe down) throw: the webhook answers 5xx and Stripe retries.
 */
async function loadOrIgnore(eventHandler: StripeEventHandler<unknown>, event: StripeEventEnvelope): Promise<unknown> {
  try {
    const loaded = await eventHandler.load(event);
    return loaded;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return NOT_AT_STRIPE;
    throw error;
  }
}
