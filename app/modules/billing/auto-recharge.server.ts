import Stripe from "stripe";
import type { TopUp } from "~/generated/prisma/client";
import { balanceCents, ensureLedgerAccount, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { recordNotice } from "~/modules/notices/notices.server";
import { prisma, type Tx } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { AutoRechargeSettings } from "./auto-recharge.schema";
import { cardLabel } from "./saved-cards.server";
import { loadPaymentIntentFee, postStripeFee, type StripeChargeFee } from "./stripe-fees.server";
import { getStripe } from "./stripe.server";

// Auto-recharge: after something debits an advertiser's wallet and has committed, `rechargeIfBelowThreshold`
// checks the wallet against the advertiser's threshold. Under the Company row's lock it makes at
// most one PENDING AUTO_RECHARGE top-up (so ten sales crossing the threshold at once make one),
// then charges the saved card off-session with an idempotency key per top-up (so a retry, a crash
// or the sweep sending it again charges once). The wallet is credited only when Stripe says the
// PaymentIntent succeeded (`payment_intent.succeeded`, or the sweep re-reading it), under the same
// ledger key as Checkout top-ups (`topup:<id>`). A decline or a card that needs authentication
// expires the top-up, pauses auto-recharge and tells the advertiser, who pays on-session (Checkout)
// or saves another card. Routing never waits for a recharge: orders the wallet cannot pay are refused.

const wallet = (advertiserId: string) => ledgerAccounts.advertiserWallet(advertiserId, DEFAULT_CURRENCY);

/** Saves the settings; turning auto-recharge on needs a saved card, and checks the wallet at once. */
export async function saveAutoRechargeSettings(actor: Actor, settings: AutoRechargeSettings) {
  requirePermission(actor, "write:topup:own");
  const company = await prisma.company.findUniqueOrThrow({ where: { id: actor.companyId }, select: { stripePaymentMethodId: true } });
  if (settings.enabled && !company.stripePaymentMethodId) {
    throw new ValidationError({ enabled: "Save a card first: auto-recharge charges your saved card" }, "Save a card first", 400);
  }
  await prisma.company.update({
    where: { id: actor.companyId },
    data: { autoRechargeEnabled: settings.enabled, autoRechargeThresholdCents: settings.threshold, autoRechargeAmountCents: settings.amount },
  });
  if (settings.enabled) await rechargeIfBelowThreshold([actor.companyId]);
}

/** What the billing page shows: the settings, a pause and the refused recharge behind it. */
export async function getAutoRecharge(actor: Actor) {
  requirePermission(actor, "read:billing:own");
  const company = await prisma.company.findUniqueOrThrow({
    where: { id: actor.companyId },
    select: {
      autoRechargeEnabled: true,
      autoRechargeThresholdCents: true,
      autoRechargeAmountCents: true,
      autoRechargePausedAt: true,
      autoRechargePausedReason: true,
    },
  });
  const failed = company.autoRechargePausedAt
    ? await prisma.topUp.findFirst({
        where: { advertiserId: actor.companyId, kind: "AUTO_RECHARGE", status: "EXPIRED", failureCode: { not: null } },
        orderBy: { createdAt: "desc" },
        select: { amountCents: true, currency: true, failureMessage: true, cardBrand: true, cardLast4: true },
      })
    : null;
  return {
    enabled: company.autoRechargeEnabled,
    thresholdCents: company.autoRechargeThresholdCents,
    amountCents: company.autoRechargeAmountCents,
    paused: company.autoRechargePausedAt ? { at: company.autoRechargePausedAt, reason: company.autoRechargePausedReason } : null,
    failed: failed ? { amountCents: failed.amountCents, currency: failed.currency, card: cardLabel(failed.cardBrand, failed.cardLast4) } : null,
  };
}

const rechargeable = { autoRechargeEnabled: true, autoRechargePausedAt: null, stripePaymentMethodId: { not: null } } as const;

/**
 * After wallet debits have committed (lead sales, conversion billing): recharges each advertiser
 * whose wallet fell below its threshold. A failure to reach Stripe is logged, not thrown: the
 * sale stands, and the sweep sends the pending recharge again.
 */
export async function rechargeIfBelowThreshold(advertiserIds: Iterable<string>): Promise<void> {
  for (const advertiserId of new Set(advertiserIds)) {
    try {
      await checkAutoRecharge(advertiserId);
    } catch (error) {
      console.warn(`[auto-recharge] advertiser ${advertiserId}: ${error instanceof Error ? error.message : String(error)} (the sweep tries again)`);
    }
  }
}

/** The buyers of leads just sold (after their transaction committed), checked for auto-recharge: one query for all of them. */
export async function rechargeAfterLeadSales(leadIds: string[]): Promise<void> {
  if (leadIds.length === 0) return;
  // Raw, after every batch of leads sold (ADR 010): the buyers `rechargeable` selects, in SQL.
  const buyers = await prisma.$queryRaw<Array<{ advertiserId: string }>>`
    SELECT DISTINCT s."advertiserId" FROM "LeadSale" s JOIN "Company" c ON c.id = s."advertiserId"
    WHERE s."leadId" = ANY(${leadIds}) AND c."autoRechargeEnabled" AND c."autoRechargePausedAt" IS NULL AND c."stripePaymentMethodId" IS NOT NULL`;
  if (buyers.length > 0) await rechargeIfBelowThreshold(buyers.map((b) => b.advertiserId));
}

/**
 * Makes one PENDING AUTO_RECHARGE top-up when the wallet is below the threshold and none is pending
 * (under the Company row's lock), and charges it. Answers the top-up charged, or null.
 */
export async function checkAutoRecharge(advertiserId: string): Promise<TopUp | null> {
  // Most debits leave nothing to do: no lock unless the advertiser may be recharged at all.
  const candidate = await prisma.company.findFirst({ where: { id: advertiserId, ...rechargeable }, select: { id: true } });
  if (!candidate) return null;
  const topUp = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Company" WHERE id = ${advertiserId} FOR UPDATE`;
    const company = await tx.company.findFirst({ where: { id: advertiserId, ...rechargeable } });
    if (!company) return null;
    const pending = await tx.topUp.findFirst({ where: { advertiserId, kind: "AUTO_RECHARGE", status: "PENDING" } });
    // One pending at a time: the sweep sends again one that never reached Stripe.
    if (pending) return null;
    const balance = await balanceCents(tx, wallet(advertiserId));
    if (balance >= BigInt(company.autoRechargeThresholdCents)) return null;
    return tx.topUp.create({
      data: {
        advertiserId,
        kind: "AUTO_RECHARGE",
        amountCents: company.autoRechargeAmountCents,
        currency: DEFAULT_CURRENCY,
        cardBrand: company.cardBrand,
        cardLast4: company.cardLast4,
      },
    });
  });
  if (!topUp) return null;
  await chargeAutoRecharge(topUp.id);
  return topUp;
}

/**
 * Charges the saved card off-session for a pending auto-recharge, once: the idempotency key is the
 * top-up's, so sending it again answers the same PaymentIntent (or the same refusal). Stores the
 * PaymentIntent; does not credit (the webhook does). A refusal expires the top-up and pauses recharge.
 */
export async function chargeAutoRecharge(topUpId: string): Promise<"sent" | "refused" | "settled"> {
  const topUp = await prisma.topUp.findUniqueOrThrow({
    where: { id: topUpId },
    include: { advertiser: { select: { id: true, stripeCustomerId: true, stripePaymentMethodId: true } } },
  });
  if (topUp.kind !== "AUTO_RECHARGE" || topUp.status !== "PENDING") return "settled";
  const { stripeCustomerId: customer, stripePaymentMethodId: paymentMethod } = topUp.advertiser;
  if (!customer || !paymentMethod) {
    // The card was removed since (which turns auto-recharge off): nothing to charge, nothing to pause.
    await prisma.topUp.updateMany({
      where: { id: topUp.id, status: "PENDING" },
      data: { status: "EXPIRED", failureCode: "no_saved_card", failureMessage: "The card was removed before it was charged." },
    });
    return "refused";
  }
  let intent: Stripe.PaymentIntent;
  try {
    intent = await getStripe().paymentIntents.create(
      {
        amount: topUp.amountCents,
        currency: topUp.currency,
        customer,
        payment_method: paymentMethod,
        off_session: true,
        confirm: true,
        description: "Leadex wallet auto-recharge",
        metadata: { topUpId: topUp.id, companyId: topUp.advertiserId, purpose: "auto-recharge" },
      },
      { idempotencyKey: `leadex:auto-recharge:${topUp.id}` },
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) throw error;
    const failure = { code: error.code ?? "card_declined", message: error.message, paymentIntentId: error.payment_intent?.id ?? null };
    await prisma.$transaction((tx) => failAutoRecharge(tx, topUp, failure));
    return "refused";
  }
  await prisma.topUp.updateMany({ where: { id: topUp.id, stripePaymentIntentId: null }, data: { stripePaymentIntentId: intent.id } });
  return "sent";
}

interface RechargeFailure {
  code: string;
  message: string;
  paymentIntentId: string | null;
}

/**
 * A refused off-session charge (the API's error or `payment_intent.payment_failed`, whichever
 * comes first): the top-up expires with Stripe's reason, auto-recharge pauses, and every member of
 * the company is told. Once: a second report finds the top-up settled.
 */
async function failAutoRecharge(tx: Tx, topUp: TopUp, failure: RechargeFailure): Promise<"refused" | "already-settled"> {
  const { count } = await tx.topUp.updateMany({
    where: { id: topUp.id, status: "PENDING" },
    data: { status: "EXPIRED", failureCode: failure.code, failureMessage: failure.message },
  });
  if (count === 0) return "already-settled";
  if (failure.paymentIntentId) {
    await tx.topUp.updateMany({ where: { id: topUp.id, stripePaymentIntentId: null }, data: { stripePaymentIntentId: failure.paymentIntentId } });
  }
  await tx.company.update({
    where: { id: topUp.advertiserId },
    data: { autoRechargePausedAt: new Date(), autoRechargePausedReason: `${failure.message} (${failure.code})` },
  });
  const members = await tx.user.findMany({ where: { companyId: topUp.advertiserId }, select: { id: true } });
  for (const member of members) {
    await recordNotice(tx, member.id, {
      kind: "AUTO_RECHARGE_FAILED",
      data: { topUpId: topUp.id, amountCents: topUp.amountCents, currency: topUp.currency, reason: failure.message },
    });
  }
  return "refused";
}

/** A PaymentIntent as Stripe has it now and, once it succeeded, the fee on its charge. */
export interface RechargePayment {
  intent: Stripe.PaymentIntent;
  fee: StripeChargeFee | null;
}

/** Re-reads a PaymentIntent (outside any transaction); null when it is not an auto-recharge of Leadex's. */
export async function loadRechargePayment(paymentIntentId: string): Promise<RechargePayment | { checkout: true } | null> {
  const intent = await getStripe().paymentIntents.retrieve(paymentIntentId);
  // Checkout top-ups' PaymentIntents carry a topUpId too: they are credited through their session.
  if (intent.metadata?.purpose !== "auto-recharge") return intent.metadata?.topUpId ? { checkout: true } : null;
  const fee = intent.status === "succeeded" ? await loadPaymentIntentFee(intent.id) : null;
  return { intent, fee };
}

/**
 * Settles an auto-recharge as its PaymentIntent stands: succeeded → the wallet is credited the full
 * amount once (ledger key `topup:<id>`, Stripe object = the charge) and Stripe's fee booked as the
 * platform's; refused → the top-up expires and recharge pauses; anything else waits.
 */
export async function applyRechargePayment(
  tx: Tx,
  loaded: RechargePayment | { checkout: true },
): Promise<"credited" | "already-credited" | "refused" | "already-settled" | "waiting" | "paid-through-checkout" | "unknown"> {
  if ("checkout" in loaded) return "paid-through-checkout";
  const { intent, fee } = loaded;
  const topUp =
    (await tx.topUp.findUnique({ where: { stripePaymentIntentId: intent.id } })) ??
    (intent.metadata.topUpId ? await tx.topUp.findUnique({ where: { id: intent.metadata.topUpId } }) : null);
  if (!topUp || topUp.kind !== "AUTO_RECHARGE") return "unknown";
  if (topUp.stripePaymentIntentId && topUp.stripePaymentIntentId !== intent.id) {
    throw new Error(`PaymentIntent ${intent.id} names auto-recharge ${topUp.id}, which belongs to PaymentIntent ${topUp.stripePaymentIntentId}`);
  }
  if (intent.status === "succeeded") return creditAutoRecharge(tx, topUp, intent, fee);
  const error = intent.last_payment_error;
  if (intent.status === "requires_payment_method" && error) {
    return failAutoRecharge(tx, topUp, { code: error.code ?? "card_declined", message: error.message ?? "The card was refused.", paymentIntentId: intent.id });
  }
  return "waiting";
}

async function creditAutoRecharge(tx: Tx, topUp: TopUp, intent: Stripe.PaymentIntent, fee: StripeChargeFee | null) {
  if (intent.amount_received !== topUp.amountCents || intent.currency !== topUp.currency) {
    throw new Error(`PaymentIntent ${intent.id} received ${intent.amount_received} ${intent.currency}, not auto-recharge ${topUp.id}'s amount`);
  }
  const chargeId = fee?.chargeId ?? (typeof intent.latest_charge === "string" ? intent.latest_charge : (intent.latest_charge?.id ?? undefined));
  const account = wallet(topUp.advertiserId);
  await ensureLedgerAccount(tx, account);
  const card = cardLabel(topUp.cardBrand, topUp.cardLast4);
  const { entryId, created } = await postJournalEntry(tx, {
    idempotencyKey: `topup:${topUp.id}`,
    kind: "AUTO_RECHARGE",
    description: `Auto-recharge ${formatMoney(topUp.amountCents, topUp.currency)} charged to ${card} (PaymentIntent ${intent.id})`,
    stripeObjectId: chargeId,
    postings: [
      { account: ledgerAccounts.stripeCash(topUp.currency), amountCents: BigInt(topUp.amountCents) },
      { account, amountCents: -BigInt(topUp.amountCents) },
    ],
  });
  if (fee) await postStripeFee(tx, fee, `auto-recharge ${topUp.id}`);
  else console.warn(`[auto-recharge] PaymentIntent ${intent.id} succeeded but Stripe shows no balance transaction for its charge yet: its fee is not booked`);
  if (!created) return "already-credited" as const;
  await tx.topUp.update({
    where: { id: topUp.id },
    data: { status: "PAID", paidAt: new Date(), journalEntryId: entryId, stripePaymentIntentId: intent.id, failureCode: null, failureMessage: null },
  });
  return "credited" as const;
}

export interface AutoRechargeSweep {
  /** Pending recharges older than AUTO_RECHARGE_STALE_AFTER_MS, settled or sent again. */
  stale: number;
  /** Recharges started for advertisers found below their threshold (debits without a hook). */
  started: number;
  failed: Array<{ id: string; error: string }>;
}

/**
 * The safety net: a pending recharge older than AUTO_RECHARGE_STALE_AFTER_MS is re-read from Stripe
 * and settled (its webhook was lost), or sent again when it never reached Stripe; then every
 * advertiser who may be recharged is checked against its threshold. Safe to run twice at once.
 */
export async function sweepAutoRecharges(now = new Date()): Promise<AutoRechargeSweep> {
  const sweep: AutoRechargeSweep = { stale: 0, started: 0, failed: [] };
  const cutoff = new Date(now.getTime() - getEnv().AUTO_RECHARGE_STALE_AFTER_MS);
  const stale = await prisma.topUp.findMany({
    where: { kind: "AUTO_RECHARGE", status: "PENDING", createdAt: { lte: cutoff } },
    orderBy: { createdAt: "asc" },
    take: 500,
  });
  for (const topUp of stale) {
    sweep.stale++;
    try {
      if (!topUp.stripePaymentIntentId) await chargeAutoRecharge(topUp.id);
      else {
        const loaded = await loadRechargePayment(topUp.stripePaymentIntentId);
        if (loaded) await prisma.$transaction((tx) => applyRechargePayment(tx, loaded));
      }
    } catch (error) {
      sweep.failed.push({ id: topUp.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const advertisers = await prisma.company.findMany({ where: { kind: "ADVERTISER", ...rechargeable }, select: { id: true } });
  for (const { id } of advertisers) {
    try {
      if (await checkAutoRecharge(id)) sweep.started++;
    } catch (error) {
      sweep.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (sweep.failed.length > 0) {
    throw new Error(`Auto-recharge sweep: ${sweep.failed.length} could not be settled: ${sweep.failed.map((f) => `${f.id} (${f.error})`).join("; ")}`);
  }
  return sweep;
}
