import Stripe from "stripe";
import { recordAudit, recordAuditNow } from "~/modules/audit/audit.server";
import { balanceCents, ensureLedgerAccount, ledgerAccounts, lockLedgerAccount, postJournalEntry, postReversingEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { DomainError, NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { getStripe } from "./stripe.server";

// Refunds of an advertiser's unused balance. An admin asks for an amount; it is paid back as
// Stripe refunds of the advertiser's top-up charges, newest first. In one transaction, under the
// wallet's lock, the ledger takes the money out of the wallet into refunds-in-flight (so no sale can
// spend it meanwhile, and never more than the wallet holds) and one StripeRefund row per charge is
// written; then Stripe is asked, one idempotency key per row. Stripe's refund id posts the cash
// (refunds-in-flight → Stripe cash) exactly once, from the API's answer or from the charge.refunded /
// refund.created webhook, whichever comes first. A refund Stripe refuses gives the money back to the
// wallet (the reservation is reversed).

export class WalletRefundRefusedError extends DomainError {
  constructor(message: string) {
    super(message, 409, "refund_refused", { amount: message });
  }
}

/** Metadata key on Leadex's Stripe refunds naming their StripeRefund row. */
const REFUND_ROW_KEY = "leadexRefundId";

/** Paid top-ups with what Stripe can still refund of each (not refunded or being refunded, not disputed), newest first. */
export async function refundableTopUps(db: Tx | typeof prisma, advertiserId: string) {
  const topUps = await db.topUp.findMany({
    where: { advertiserId, status: "PAID", stripePaymentIntentId: { not: null } },
    orderBy: [{ paidAt: "desc" }, { createdAt: "desc" }],
    include: { refunds: { where: { status: { not: "FAILED" } }, select: { amountCents: true } }, chargeDisputes: { select: { id: true } } },
  });
  return topUps.map((t) => {
    const refundedCents = t.refunds.reduce((sum, r) => sum + r.amountCents, 0);
    const disputed = t.chargeDisputes.length > 0;
    return { ...t, refundedCents, disputed, refundableCents: disputed ? 0 : Math.max(0, t.amountCents - refundedCents) };
  });
}

export interface WalletRefundOutcome {
  walletRefundId: string;
  amountCents: number;
  refunded: number;
  failed: Array<{ amountCents: number; message: string }>;
  pending: number;
}

/** Refunds `amountCents` of the advertiser's wallet to its cards; refused (nothing written) when the wallet or its charges hold less. */
export async function refundWallet(admin: Actor, advertiserId: string, input: { amountCents: number; note: string }): Promise<WalletRefundOutcome> {
  requirePermission(admin, "write:billing:any");
  const currency = DEFAULT_CURRENCY;
  const { walletRefund, rows } = await prisma.$transaction(async (tx) => {
    const advertiser = await tx.company.findFirst({ where: { id: advertiserId, kind: "ADVERTISER" }, select: { id: true } });
    if (!advertiser) throw new NotFoundError("Advertiser");
    const wallet = ledgerAccounts.advertiserWallet(advertiserId, currency);
    await lockLedgerAccount(tx, (await ensureLedgerAccount(tx, wallet)).id);
    const balance = await balanceCents(tx, wallet);
    if (BigInt(input.amountCents) > balance) {
      throw new WalletRefundRefusedError(
        `The wallet holds ${formatMoney(balance < 0n ? 0n : balance, currency)}: a refund of ${formatMoney(input.amountCents, currency)} is more than that.`,
      );
    }
    const topUps = await refundableTopUps(tx, advertiserId);
    const refundable = topUps.reduce((sum, t) => sum + t.refundableCents, 0);
    if (input.amountCents > refundable) {
      throw new WalletRefundRefusedError(
        `The advertiser's paid top-ups have ${formatMoney(refundable, currency)} left to refund by card: a refund of ${formatMoney(input.amountCents, currency)} is more than that.`,
      );
    }
    const walletRefund = await tx.walletRefund.create({
      data: { advertiserId, amountCents: input.amountCents, currency, note: input.note, requestedById: admin.userId },
    });
    const rows = [];
    let left = input.amountCents;
    for (const topUp of topUps) {
      if (left === 0) break;
      const part = Math.min(left, topUp.refundableCents);
      if (part === 0) continue;
      left -= part;
      const row = await tx.stripeRefund.create({ data: { walletRefundId: walletRefund.id, advertiserId, topUpId: topUp.id, amountCents: part, currency } });
      const { entryId } = await postJournalEntry(tx, {
        idempotencyKey: `wallet-refund:${row.id}:reserve`,
        kind: "WALLET_REFUND_RESERVED",
        description: `Refund of ${formatMoney(part, currency)} of unused balance requested (top-up ${topUp.id})`,
        postings: [
          { account: wallet, amountCents: BigInt(part) },
          { account: ledgerAccounts.refundsInFlight(currency), amountCents: -BigInt(part) },
        ],
        floors: [{ account: wallet, floorCents: 0n }],
      });
      rows.push(await tx.stripeRefund.update({ where: { id: row.id }, data: { reservationEntryId: entryId }, include: { topUp: true } }));
    }
    await recordAudit(tx, {
      actorId: admin.userId,
      action: "wallet.refund.requested",
      targetType: "Company",
      targetId: advertiserId,
      data: { walletRefundId: walletRefund.id, amountCents: input.amountCents, currency, note: input.note, refunds: rows.map((r) => r.id) },
    });
    return { walletRefund, rows };
  });

  const outcome: WalletRefundOutcome = { walletRefundId: walletRefund.id, amountCents: input.amountCents, refunded: 0, failed: [], pending: 0 };
  for (const row of rows) {
    const result = await sendStripeRefund(row);
    if (result.status === "SUCCEEDED") outcome.refunded += row.amountCents;
    else if (result.status === "FAILED") outcome.failed.push({ amountCents: row.amountCents, message: result.message });
    else outcome.pending += row.amountCents;
  }
  return outcome;
}

/** Asks Stripe again for refunds it did not answer (same idempotency keys, so never twice). */
export async function retryPendingRefunds(admin: Actor, advertiserId: string): Promise<number> {
  requirePermission(admin, "write:billing:any");
  const rows = await prisma.stripeRefund.findMany({
    where: { advertiserId, status: "PENDING", walletRefundId: { not: null } },
    include: { topUp: true },
  });
  let settled = 0;
  for (const row of rows) if ((await sendStripeRefund(row)).status !== "PENDING") settled += 1;
  await recordAuditNow({
    actorId: admin.userId,
    action: "wallet.refund.retried",
    targetType: "Company",
    targetId: advertiserId,
    data: { pending: rows.length, settled },
  });
  return settled;
}

type RefundRow = { id: string; amountCents: number; currency: string; topUp: { stripePaymentIntentId: string | null } };

async function sendStripeRefund(row: RefundRow): Promise<{ status: "SUCCEEDED" | "FAILED" | "PENDING"; message: string }> {
  let refund: Stripe.Refund;
  try {
    refund = await getStripe().refunds.create(
      { payment_intent: row.topUp.stripePaymentIntentId!, amount: row.amountCents, reason: "requested_by_customer", metadata: { [REFUND_ROW_KEY]: row.id } },
      { idempotencyKey: `leadex:wallet-refund:${row.id}` },
    );
  } catch (error) {
    // Stripe answered no (a charge disputed meanwhile, already refunded): the money goes back to the wallet.
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      await prisma.$transaction((tx) => failStripeRefund(tx, row.id, error.message));
      return { status: "FAILED", message: error.message };
    }
    console.warn(`[wallet-refund] Stripe did not answer refund ${row.id}; it stays pending: ${(error as Error).message}`);
    return { status: "PENDING", message: (error as Error).message };
  }
  await prisma.$transaction((tx) => recordStripeRefund(tx, refund));
  const after = await prisma.stripeRefund.findUniqueOrThrow({ where: { id: row.id }, select: { status: true, failureMessage: true } });
  return { status: after.status, message: after.failureMessage ?? "" };
}

/** A refund Stripe refused or that failed: the reserved money goes back to the wallet, once. */
async function failStripeRefund(tx: Tx, rowId: string, message: string): Promise<"refund-failed" | "already-settled"> {
  const row = await tx.stripeRefund.findUniqueOrThrow({ where: { id: rowId } });
  const claimed = await tx.stripeRefund.updateMany({
    where: { id: rowId, status: "PENDING" },
    data: { status: "FAILED", failureMessage: message, settledAt: new Date() },
  });
  if (claimed.count === 0) return "already-settled";
  if (row.reservationEntryId) {
    await postReversingEntry(tx, {
      entryId: row.reservationEntryId,
      idempotencyKey: `wallet-refund:${row.id}:release`,
      kind: "WALLET_REFUND_RELEASED",
      description: `Refund of ${formatMoney(row.amountCents, row.currency)} failed at Stripe: back to the wallet (${message})`,
    });
  }
  await recordAudit(tx, {
    actorId: null,
    action: "wallet.refund.failed",
    targetType: "Company",
    targetId: row.advertiserId,
    data: { stripeRefundRowId: row.id, amountCents: row.amountCents, message },
  });
  return "refund-failed";
}

/**
 * Posts a Stripe refund of a top-up's charge, once (keyed by the refund id): Leadex's own move the
 * reserved money out of cash; one made in Stripe's dashboard debits the wallet directly (Stripe has
 * already paid it, so no floor). "unknown" when the charge is no top-up of Leadex's.
 */
export async function recordStripeRefund(
  tx: Tx,
  refund: Stripe.Refund,
): Promise<"refunded" | "already-refunded" | "refund-failed" | "already-settled" | "unknown"> {
  const row = await findRowForRefund(tx, refund);
  if (!row) return "unknown";
  if (refund.status === "failed" || refund.status === "canceled") {
    return row.status === "PENDING" ? failStripeRefund(tx, row.id, refund.failure_reason ?? `refund ${refund.status}`) : "already-settled";
  }
  if (row.journalEntryId) return "already-refunded";
  if (row.status === "FAILED") throw new Error(`Stripe refund ${refund.id} succeeded but its row ${row.id} was marked failed`);
  if (refund.amount !== row.amountCents || refund.currency !== row.currency) {
    throw new Error(`Stripe refund ${refund.id} of ${refund.amount} ${refund.currency} does not match its row ${row.id} (${row.amountCents} ${row.currency})`);
  }
  const from = row.reservationEntryId ? ledgerAccounts.refundsInFlight(row.currency) : ledgerAccounts.advertiserWallet(row.advertiserId, row.currency);
  const { entryId, created } = await postJournalEntry(tx, {
    idempotencyKey: `stripe-refund:${refund.id}`,
    kind: "WALLET_REFUND",
    stripeObjectId: refund.id,
    description: `Refund ${refund.id} of ${formatMoney(refund.amount, refund.currency)} to the advertiser's card (top-up ${row.topUpId})`,
    postings: [
      { account: from, amountCents: BigInt(refund.amount) },
      { account: ledgerAccounts.stripeCash(refund.currency), amountCents: -BigInt(refund.amount) },
    ],
  });
  await tx.stripeRefund.update({
    where: { id: row.id },
    data: { status: "SUCCEEDED", stripeRefundId: refund.id, journalEntryId: entryId, settledAt: new Date() },
  });
  if (created) {
    await recordAudit(tx, {
      actorId: null,
      action: "wallet.refund.succeeded",
      targetType: "Company",
      targetId: row.advertiserId,
      data: { stripeRefundId: refund.id, amountCents: refund.amount, walletRefundId: row.walletRefundId },
    });
  }
  return created ? "refunded" : "already-refunded";
}

async function findRowForRefund(tx: Tx, refund: Stripe.Refund) {
  const byRefund = await tx.stripeRefund.findUnique({ where: { stripeRefundId: refund.id } });
  if (byRefund) return byRefund;
  const rowId = refund.metadata?.[REFUND_ROW_KEY];
  if (rowId) {
    const byRow = await tx.stripeRefund.findUnique({ where: { id: rowId } });
    if (byRow) {
      if (byRow.stripeRefundId && byRow.stripeRefundId !== refund.id)
        throw new Error(`Stripe refund ${refund.id} names row ${rowId}, which is refund ${byRow.stripeRefundId}`);
      return byRow;
    }
  }
  const paymentIntent = typeof refund.payment_intent === "string" ? refund.payment_intent : (refund.payment_intent?.id ?? null);
  if (!paymentIntent) return null;
  const topUp = await tx.topUp.findUnique({ where: { stripePaymentIntentId: paymentIntent } });
  if (!topUp) return null;
  if (refund.status === "failed" || refund.status === "canceled") return null;
  return tx.stripeRefund.create({
    data: { advertiserId: topUp.advertiserId, topUpId: topUp.id, amountCents: refund.amount, currency: refund.currency, stripeRefundId: refund.id },
  });
}

/** Every refund of a charge (charge.refunded carries the charge; its refunds are read from Stripe). */
export async function loadChargeRefunds(chargeId: string): Promise<Stripe.Refund[]> {
  await getStripe().charges.retrieve(chargeId);
  const refunds: Stripe.Refund[] = [];
  for await (const refund of getStripe().refunds.list({ charge: chargeId, limit: 100 })) refunds.push(refund);
  return refunds;
}

/** Applies each refund of a charge; "unknown" when none is Leadex's. */
export async function recordChargeRefunds(tx: Tx, refunds: Stripe.Refund[]): Promise<string> {
  const results = [];
  for (const refund of refunds) results.push(await recordStripeRefund(tx, refund));
  if (results.length === 0 || results.every((r) => r === "unknown")) return "unknown";
  return results.includes("refunded") ? "refunded" : results.includes("refund-failed") ? "refund-failed" : "already-refunded";
}
