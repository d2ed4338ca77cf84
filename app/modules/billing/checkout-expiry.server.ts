import Stripe from "stripe";
import type { TopUp } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { getStripe } from "./stripe.server";
import { creditPaidCheckoutSession, expireCheckoutTopUp, loadCheckoutPayment } from "./top-ups.server";

// The safety net under the Checkout webhooks: a top-up still pending when its Checkout Session must
// have expired (Stripe's default, 24 hours, which Leadex keeps) is re-read from Stripe and settled
// as Stripe has it: expired (nothing was charged), or paid and credited if the webhook was lost.
// Both are idempotent (a conditional status update; the ledger's key per top-up), so two workers
// sweeping at once, or a sweep racing the webhook, settle each top-up once.

/** How long a Checkout Session stays open when created without `expires_at` (Stripe's default). */
export const CHECKOUT_SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

export type StaleTopUpOutcome = "expired" | "credited" | "already-settled" | "still-open" | "processing";

export interface CheckoutExpirySweep {
  checked: number;
  outcomes: Record<StaleTopUpOutcome, number>;
  /** Top-ups whose settlement failed (Stripe unreachable, a session that does not match): tried again next run. */
  failed: Array<{ topUpId: string; error: string }>;
}

/** Settles every pending top-up older than a Checkout Session's lifetime (at `now`), oldest first. */
export async function sweepExpiredCheckouts(now = new Date()): Promise<CheckoutExpirySweep> {
  const cutoff = new Date(now.getTime() - CHECKOUT_SESSION_LIFETIME_MS);
  const sweep: CheckoutExpirySweep = {
    checked: 0,
    outcomes: { expired: 0, credited: 0, "already-settled": 0, "still-open": 0, processing: 0 },
    failed: [],
  };
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const batch: TopUp[] = await prisma.topUp.findMany({
      where: {
        status: "PENDING",
        // Auto-recharges have no Checkout Session: their own sweep settles them (auto-recharge.server.ts).
        kind: "CHECKOUT",
        createdAt: { lte: cutoff },
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: BATCH,
    });
    for (const topUp of batch) {
      sweep.checked++;
      try {
        sweep.outcomes[await settleStaleTopUp(topUp, now)]++;
      } catch (error) {
        sweep.failed.push({ topUpId: topUp.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1];
  }
  if (sweep.failed.length > 0) {
    // The job fails (and is retried, then kept for inspection) naming each top-up; the others are settled.
    throw new Error(
      `Checkout expiry: ${sweep.failed.length} top-up(s) could not be settled: ${sweep.failed.map((f) => `${f.topUpId} (${f.error})`).join("; ")}`,
    );
  }
  return sweep;
}

async function settleStaleTopUp(topUp: TopUp, now: Date): Promise<StaleTopUpOutcome> {
  if (!topUp.stripeCheckoutSessionId) {
    // The process stopped between the row and its session. A session it may have created names the
    // top-up, so were it ever paid the webhook would still find and credit it; none was in 24 hours.
    const result = await prisma.topUp.updateMany({ where: { id: topUp.id, status: "PENDING", stripeCheckoutSessionId: null }, data: { status: "EXPIRED" } });
    return result.count > 0 ? "expired" : "already-settled";
  }
  let payment = await loadCheckoutPayment(topUp.stripeCheckoutSessionId);
  if (payment.session.status === "open") {
    if (payment.session.expires_at * 1000 > now.getTime()) return "still-open";
    // Past its expires_at: Stripe expires it within minutes; expiring it now settles the top-up on this run.
    payment = await expireAtStripe(payment.session.id, topUp.id);
  }
  const { session } = payment;
  if (session.status === "expired") return settled(topUp, await prisma.$transaction((tx) => expireCheckoutTopUp(tx, session)));
  if (session.payment_status === "paid") return settled(topUp, await prisma.$transaction((tx) => creditPaidCheckoutSession(tx, payment)));
  return "processing";
}

/** What settling did, in the sweep's words. A session read by its top-up's own id is never "unknown": that would be a bug. */
function settled(topUp: TopUp, result: "expired" | "credited" | "already-settled" | "already-credited" | "not-paid" | "unknown"): StaleTopUpOutcome {
  if (result === "unknown") throw new Error(`Checkout Session ${topUp.stripeCheckoutSessionId} does not lead back to top-up ${topUp.id}`);
  if (result === "already-credited") return "already-settled";
  if (result === "not-paid") return "processing";
  return result;
}

/** Expires an open session at Stripe; a session that stopped being open meanwhile (paid, or expired by another sweep) is read again. */
async function expireAtStripe(sessionId: string, topUpId: string) {
  try {
    await getStripe().checkout.sessions.expire(sessionId, {}, { idempotencyKey: `leadex:topup:${topUpId}:expire` });
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
  }
  return loadCheckoutPayment(sessionId);
}
