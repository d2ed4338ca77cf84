import Stripe from "stripe";
import { prisma, type Tx } from "~/utils/db.server";
import { publicUrl } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { getStripe } from "./stripe.server";
import { ensureStripeCustomer } from "./top-ups.server";

// The advertiser's saved card: Checkout in setup mode makes a SetupIntent for off-session use;
// when it succeeds (the `checkout.session.completed` webhook, or the redirect back, whichever comes
// first) the card becomes the company's card for auto-recharge and the Stripe customer's default
// for invoices. Leadex keeps the PaymentMethod id, and brand and last 4 digits for display.

/** A completed setup-mode Checkout Session, read again from Stripe, with the card it saved. */
export interface CardSetup {
  session: Stripe.Checkout.Session;
  /** The company whose Stripe customer the session is for; null when none of Leadex's. */
  companyId: string | null;
  /** The card, when the session completed and the card is still attached to that customer. */
  paymentMethod: Stripe.PaymentMethod | null;
}

const idOf = (ref: string | { id: string } | null) => (typeof ref === "string" ? ref : (ref?.id ?? null));

/** Starts saving a card: a Checkout Session in setup mode; returns the page to save it on. */
export async function startCardSetup(actor: Actor): Promise<string> {
  requirePermission(actor, "write:topup:own");
  const customer = await ensureStripeCustomer(actor.companyId);
  const session = await getStripe().checkout.sessions.create({
    mode: "setup",
    customer,
    currency: DEFAULT_CURRENCY,
    client_reference_id: actor.companyId,
    metadata: { companyId: actor.companyId, purpose: "saved-card" },
    setup_intent_data: { metadata: { companyId: actor.companyId }, description: "Leadex auto-recharge and invoices" },
    success_url: publicUrl("/advertiser/billing?card=saved&setup_session_id={CHECKOUT_SESSION_ID}"),
    cancel_url: publicUrl("/advertiser/billing?card=cancelled"),
  });
  if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
  return session.url;
}

/**
 * Re-reads a setup-mode session, its SetupIntent and card (outside any transaction), and makes the
 * card the customer's default for invoices (idempotent at Stripe). A card detached since (removed,
 * or replaced) is not made anyone's card again by a late webhook.
 */
export async function loadCardSetup(sessionId: string): Promise<CardSetup> {
  const stripe = getStripe();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const customerId = idOf(session.customer);
  const company = customerId ? await prisma.company.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } }) : null;
  const setupIntentId = idOf(session.setup_intent);
  if (!company || !customerId || session.status !== "complete" || !setupIntentId) return { session, companyId: company?.id ?? null, paymentMethod: null };
  const setupIntent = await stripe.setupIntents.retrieve(setupIntentId, { expand: ["payment_method"] });
  const card = typeof setupIntent.payment_method === "object" ? setupIntent.payment_method : null;
  if (setupIntent.status !== "succeeded" || !card || idOf(card.customer) !== customerId) return { session, companyId: company.id, paymentMethod: null };
  await stripe.customers.update(customerId, { invoice_settings: { default_payment_method: card.id } }, { idempotencyKey: `leadex:card:${card.id}:default` });
  return { session, companyId: company.id, paymentMethod: card };
}

/**
 * Makes the saved card the company's card. A new card resumes a paused auto-recharge (the old card
 * was refused); the same card again (a second delivery, the redirect after the webhook) changes nothing.
 */
export async function applyCardSetup(tx: Tx, setup: CardSetup): Promise<"card-saved" | "already-saved" | "not-saved" | "unknown"> {
  if (!setup.companyId) return "unknown";
  const card = setup.paymentMethod;
  if (!card) return "not-saved";
  const { count } = await tx.company.updateMany({
    where: { id: setup.companyId, OR: [{ stripePaymentMethodId: null }, { stripePaymentMethodId: { not: card.id } }] },
    data: {
      stripePaymentMethodId: card.id,
      cardBrand: card.card?.brand ?? null,
      cardLast4: card.card?.last4 ?? null,
      autoRechargePausedAt: null,
      autoRechargePausedReason: null,
    },
  });
  return count > 0 ? "card-saved" : "already-saved";
}

/** Back from Checkout: saves the card now rather than wait for the webhook (both are idempotent). */
export async function settleCardSetupFromCheckout(actor: Actor, sessionId: string) {
  requirePermission(actor, "write:topup:own");
  const setup = await loadCardSetup(sessionId).catch((error: unknown) => {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) throw new NotFoundError("Card setup");
    throw error;
  });
  if (setup.session.mode !== "setup" || setup.companyId !== actor.companyId) throw new NotFoundError("Card setup");
  return prisma.$transaction((tx) => applyCardSetup(tx, setup));
}

/** The company's saved card, for display ("Visa •••• 4242"), or null. */
export async function getSavedCard(actor: Actor) {
  requirePermission(actor, "read:billing:own");
  const company = await prisma.company.findUniqueOrThrow({
    where: { id: actor.companyId },
    select: { stripePaymentMethodId: true, cardBrand: true, cardLast4: true },
  });
  return company.stripePaymentMethodId ? { brand: company.cardBrand, last4: company.cardLast4, label: cardLabel(company.cardBrand, company.cardLast4) } : null;
}

const BRANDS: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" };

/** "Visa •••• 4242". */
export function cardLabel(brand: string | null, last4: string | null): string {
  const name = brand ? (BRANDS[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1)) : "Card";
  return last4 ? `${name} •••• ${last4}` : name;
}

/**
 * Removes the saved card: detached at Stripe (so it is nobody's default any more) and forgotten;
 * auto-recharge, which needs it, is turned off.
 */
export async function removeSavedCard(actor: Actor): Promise<"removed" | "no-card"> {
  requirePermission(actor, "write:topup:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { stripePaymentMethodId: true } });
  const paymentMethodId = company.stripePaymentMethodId;
  if (!paymentMethodId) return "no-card";
  try {
    await getStripe().paymentMethods.detach(paymentMethodId);
  } catch (error) {
    // Detached already (a second click, or removed in Stripe's dashboard): nothing left to undo there.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
  }
  await prisma.company.updateMany({
    where: { id: actor.companyId, stripePaymentMethodId: paymentMethodId },
    data: { stripePaymentMethodId: null, cardBrand: null, cardLast4: null, autoRechargeEnabled: false },
  });
  return "removed";
}
