import type Stripe from "stripe";
import { ensureLedgerAccount, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { publicUrl } from "~/utils/env.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { loadPaymentIntentFee, postStripeFee, type StripeChargeFee } from "./stripe-fees.server";
import { getStripe } from "./stripe.server";

export async function ensureStripeCustomer(companyId: string): Promise<string> {
  const company = await prisma.company.findUniqueOrThrow({
    where: { id: companyId },
    include: { members: { orderBy: { createdAt: "asc" }, take: 1 } },
  });
  if (company.stripeCustomerId) return company.stripeCustomerId;
  const customer = await getStripe().customers.create(
    { name: company.name, email: company.members[0]?.email, metadata: { companyId } },
    { idempotencyKey: `leadex:customer:${companyId}` },
  );
  await prisma.company.update({ where: { id: companyId }, data: { stripeCustomerId: customer.id } });
  return customer.id;
}

/** Starts a wallet top-up: a TopUp row and a Stripe Checkout Session; returns the page to pay on. */
export async function startTopUp(actor: Actor, amountCents: number): Promise<{ topUpId: string; checkoutUrl: string }> {
  requirePermission(actor, "write:topup:own");
  const customer = await ensureStripeCustomer(actor.companyId);
  const topUp = await prisma.topUp.create({ data: { advertiserId: actor.companyId, amountCents, currency: DEFAULT_CURRENCY } });
  const session = await getStripe().checkout.sessions.create(
    {
      mode: "payment",
      customer,
      client_reference_id: topUp.id,
      metadata: { topUpId: topUp.id, companyId: actor.companyId },
      payment_intent_data: { metadata: { topUpId: topUp.id } },
      line_items: [
        {
          quantity: 1,
          price_data: { currency: DEFAULT_CURRENCY, unit_amount: amountCents, product_data: { name: "Leadex wallet top-up" } },
        },
      ],
      success_url: publicUrl("/advertiser/billing?topup=success&session_id={CHECKOUT_SESSION_ID}"),
      cancel_url: publicUrl("/advertiser/billing?topup=cancelled"),
    },
    { idempotencyKey: `leadex:topup:${topUp.id}:checkout` },
  );
  await prisma.topUp.update({ where: { id: topUp.id }, data: { stripeCheckoutSessionId: session.id } });
  if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
  return { topUpId: topUp.id, checkoutUrl: session.url };
}

/** A Checkout Session as Stripe has it now and, once paid, the fee Stripe took on its charge. */
export interface CheckoutPayment {
  session: Stripe.Checkout.Session;
  fee: StripeChargeFee | null;
}

const paymentIntentIdOf = (session: Stripe.Checkout.Session) =>
  typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);

/** Re-reads a Checkout Session from Stripe (outside any transaction), with the fee on its charge when paid. */
export async function loadCheckoutPayment(sessionId: string): Promise<CheckoutPayment> {
  const session = await getStripe().checkout.sessions.retrieve(sessionId);
  const paymentIntentId = paymentIntentIdOf(session);
  const fee = session.payment_status === "paid" && paymentIntentId ? await loadPaymentIntentFee(paymentIntentId) : null;
  return { session, fee };
}

/**
 * Credits the wallet for a paid Checkout Session, once: the ledger key is the top-up's id, so a
 * webhook delivered twice, a second event type, the success page or the expiry sweep re-reading it
 * post nothing new. The wallet gets the full amount; Stripe's fee on the charge is the platform's
 * expense (its own entry, keyed on the balance transaction, posted even if an earlier credit
 * missed it).
 */
export async function creditPaidCheckoutSession(tx: Tx, { session, fee }: CheckoutPayment): Promise<"credited" | "already-credited" | "not-paid" | "unknown"> {
  if (session.payment_status !== "paid") return "not-paid";
  const topUp = await findTopUpForSession(tx, session);
  if (!topUp) return "unknown";
  if (session.amount_total !== topUp.amountCents || session.currency !== topUp.currency) {
    throw new Error(`Checkout Session ${session.id} amount ${session.amount_total} ${session.currency} does not match top-up ${topUp.id}`);
  }
  const wallet = ledgerAccounts.advertiserWallet(topUp.advertiserId, topUp.currency);
  await ensureLedgerAccount(tx, wallet);
  const { entryId, created } = await postJournalEntry(tx, {
    idempotencyKey: `topup:${topUp.id}`,
    kind: "TOP_UP",
    description: `Wallet top-up ${formatMoney(topUp.amountCents, topUp.currency)} (Checkout ${session.id})`,
    postings: [
      { account: ledgerAccounts.stripeCash(topUp.currency), amountCents: BigInt(topUp.amountCents) },
      { account: wallet, amountCents: -BigInt(topUp.amountCents) },
    ],
  });
  if (fee) await postStripeFee(tx, fee, `top-up ${topUp.id}`);
  else console.warn(`[top-ups] Checkout Session ${session.id} is paid but Stripe shows no balance transaction for its charge yet: its fee is not booked`);
  if (!created) return "already-credited";
  await tx.topUp.update({
    where: { id: topUp.id },
    data: { status: "PAID", paidAt: new Date(), journalEntryId: entryId, stripePaymentIntentId: paymentIntentIdOf(session) },
  });
  return "credited";
}

/**
 * The top-up a session pays for: by session id, or by the top-up id Leadex put in
 * client_reference_id (the session id may not have been saved if the process died right after
 * creating the session). None when the session names no top-up of ours: the row is committed
 * before the session is created, so it cannot turn up later (another app on the same Stripe
 * account, or a made-up event). A session naming a top-up that belongs to another session is an
 * error, so the webhook fails and Stripe retries while someone looks.
 */
async function findTopUpForSession(tx: Tx, session: Stripe.Checkout.Session) {
  const bySession = await tx.topUp.findUnique({ where: { stripeCheckoutSessionId: session.id } });
  if (bySession) return bySession;
  const topUpId = session.client_reference_id ?? session.metadata?.topUpId ?? null;
  if (!topUpId) return null;
  const byId = await tx.topUp.findUnique({ where: { id: topUpId } });
  if (!byId) return null;
  if (byId.stripeCheckoutSessionId && byId.stripeCheckoutSessionId !== session.id) {
    throw new Error(`Checkout Session ${session.id} names top-up ${topUpId}, which belongs to session ${byId.stripeCheckoutSessionId}`);
  }
  return tx.topUp.update({ where: { id: byId.id }, data: { stripeCheckoutSessionId: session.id } });
}

/** A Checkout Session that expired unpaid: its pending top-up will never be paid. */
export async function expireCheckoutTopUp(tx: Tx, session: Stripe.Checkout.Session): Promise<"expired" | "already-settled" | "unknown"> {
  const topUp = await findTopUpForSession(tx, session);
  if (!topUp) return "unknown";
  const result = await tx.topUp.updateMany({
    where: { id: topUp.id, status: "PENDING" },
    data: { status: "EXPIRED" },
  });
  return result.count > 0 ? "expired" : "already-settled";
}

/** Re-reads a session from Stripe (after the redirect back) and credits it if it is paid. */
export async function settleTopUpFromCheckout(actor: Actor, sessionId: string) {
  requirePermission(actor, "write:topup:own");
  const topUp = await prisma.topUp.findFirst({ where: { stripeCheckoutSessionId: sessionId, advertiserId: actor.companyId } });
  if (!topUp) throw new NotFoundError("Top-up");
  const payment = await loadCheckoutPayment(sessionId);
  return prisma.$transaction((tx) => creditPaidCheckoutSession(tx, payment));
}

export async function listTopUps(actor: Actor) {
  requirePermission(actor, "read:billing:own");
  return prisma.topUp.findMany({ where: { advertiserId: actor.companyId }, orderBy: { createdAt: "desc" }, take: 50 });
}
