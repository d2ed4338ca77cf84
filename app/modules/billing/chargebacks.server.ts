import Stripe from "stripe";
import { recordAudit } from "~/modules/audit/audit.server";
import { recordNotice } from "~/modules/notices/notices.server";
import { ensureLedgerAccount, ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Db, type Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { OPEN_DISPUTE_STATUSES, type ChargebackEvidence } from "./chargebacks.schema";
import { getStripe } from "./stripe.server";

// Card disputes (chargebacks) of top-ups. Stripe takes the disputed amount and its dispute fee
// from the platform's balance; Leadex takes both from the advertiser's wallet (it may go negative:
// Stripe has the money already, so no floor; the StripeChargeDispute row is the recorded cause the
// ledger invariants accept), pauses the advertiser's orders and tells the admins. A won dispute
// gives the amount back (Stripe keeps the fee), so the wallet gets the amount back; lost leaves it.
//
// Every charge.dispute.* event re-reads the dispute and applies what its balance transactions say,
// each movement keyed by dispute id and kind (funds_withdrawn, funds_reinstated): events delivered
// twice, or created and funds_withdrawn about the same withdrawal, move money once. The steps are
// audit rows (targetType "StripeChargeDispute") the admin page lists.

export const CHARGEBACK_TARGET = "StripeChargeDispute";

const isOpen = (status: string) => (OPEN_DISPUTE_STATUSES as readonly string[]).includes(status);

export const loadStripeDispute = (id: string) => getStripe().disputes.retrieve(id);

/** What the dispute's balance transactions moved: taken (amount and fee) and given back. */
function disputeMoney(dispute: Stripe.Dispute) {
  const txns = dispute.balance_transactions.filter((t) => t.currency === dispute.currency);
  const withdrawals = txns.filter((t) => t.net < 0);
  const reinstatements = txns.filter((t) => t.net > 0);
  return {
    withdrawnCents: -withdrawals.reduce((sum, t) => sum + t.net, 0),
    feeCents: withdrawals.reduce((sum, t) => sum + t.fee, 0),
    reinstatedCents: reinstatements.reduce((sum, t) => sum + t.net, 0),
  };
}

const idOf = (v: string | { id: string } | null) => (v === null ? null : typeof v === "string" ? v : v.id);

/** Applies what Stripe says of a dispute now; "unknown" when its charge is no top-up of Leadex's. */
export async function applyStripeDispute(tx: Tx, dispute: Stripe.Dispute): Promise<string> {
  const paymentIntent = idOf(dispute.payment_intent);
  const topUp = paymentIntent ? await tx.topUp.findUnique({ where: { stripePaymentIntentId: paymentIntent } }) : null;
  if (!topUp) return "unknown";
  const money = disputeMoney(dispute);
  const evidenceDueBy = dispute.evidence_details?.due_by ? new Date(dispute.evidence_details.due_by * 1000) : null;
  const opened = await tx.stripeChargeDispute.createMany({
    data: [
      {
        stripeDisputeId: dispute.id,
        advertiserId: topUp.advertiserId,
        topUpId: topUp.id,
        stripeChargeId: idOf(dispute.charge)!,
        status: dispute.status,
        reason: dispute.reason,
        amountCents: dispute.amount,
        currency: dispute.currency,
        evidenceDueBy,
      },
    ],
    skipDuplicates: true,
  });
  // One event at a time per dispute (created and funds_withdrawn arrive together).
  const [{ id }] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "StripeChargeDispute" WHERE "stripeDisputeId" = ${dispute.id} FOR UPDATE`;
  const row = await tx.stripeChargeDispute.findUniqueOrThrow({ where: { id }, include: { advertiser: { select: { name: true } } } });
  const results: string[] = [];
  if (opened.count > 0) {
    await step(tx, row.id, null, "chargeback.opened", {
      stripeDisputeId: dispute.id,
      amountCents: dispute.amount,
      reason: dispute.reason,
      evidenceDueBy: evidenceDueBy?.toISOString() ?? null,
    });
    await holdAdvertiserOrders(tx, row.advertiserId, row.id);
    await tellAdmins(
      tx,
      row.id,
      `Card dispute of ${formatMoney(dispute.amount, dispute.currency)} on ${row.advertiser.name}'s top-up (${dispute.reason}): its orders are paused.` +
        (evidenceDueBy ? ` Evidence is due by ${evidenceDueBy.toISOString().slice(0, 10)}.` : ""),
    );
    results.push("chargeback-opened");
  }
  const wallet = ledgerAccounts.advertiserWallet(row.advertiserId, row.currency);
  const cash = ledgerAccounts.stripeCash(row.currency);
  const data: {
    status: string;
    feeCents?: number;
    reinstatedCents?: number;
    withdrawnEntryId?: string;
    reinstatedEntryId?: string;
    closedAt?: Date;
    evidenceDueBy: Date | null;
    evidenceSubmittedAt?: Date;
  } = {
    status: dispute.status,
    evidenceDueBy,
  };
  if (money.withdrawnCents > 0 && !row.withdrawnEntryId) {
    await ensureLedgerAccount(tx, wallet);
    const { entryId } = await postJournalEntry(tx, {
      idempotencyKey: `stripe-dispute:${dispute.id}:funds_withdrawn`,
      kind: "CHARGEBACK",
      stripeObjectId: dispute.id,
      description: `Card dispute ${dispute.id}: ${formatMoney(money.withdrawnCents - money.feeCents, row.currency)} disputed and Stripe's ${formatMoney(money.feeCents, row.currency)} fee taken from the wallet`,
      postings: [
        { account: wallet, amountCents: BigInt(money.withdrawnCents) },
        { account: cash, amountCents: -BigInt(money.withdrawnCents) },
      ],
    });
    data.withdrawnEntryId = entryId;
    data.feeCents = money.feeCents;
    await step(tx, row.id, null, "chargeback.funds_withdrawn", { debitedCents: money.withdrawnCents, feeCents: money.feeCents, entryId });
    results.push("chargeback-debited");
  }
  if (money.reinstatedCents > 0 && !row.reinstatedEntryId) {
    const { entryId } = await postJournalEntry(tx, {
      idempotencyKey: `stripe-dispute:${dispute.id}:funds_reinstated`,
      kind: "CHARGEBACK_REINSTATED",
      stripeObjectId: dispute.id,
      description: `Card dispute ${dispute.id} won: ${formatMoney(money.reinstatedCents, row.currency)} Stripe returned, back in the wallet`,
      postings: [
        { account: cash, amountCents: BigInt(money.reinstatedCents) },
        { account: wallet, amountCents: -BigInt(money.reinstatedCents) },
      ],
    });
    data.reinstatedEntryId = entryId;
    data.reinstatedCents = money.reinstatedCents;
    await step(tx, row.id, null, "chargeback.funds_reinstated", { creditedCents: money.reinstatedCents, entryId });
    results.push("chargeback-credited");
  }
  if (!isOpen(dispute.status) && isOpen(row.status)) {
    data.closedAt = new Date();
    await step(tx, row.id, null, "chargeback.closed", { status: dispute.status });
    await tellAdmins(tx, row.id, `The card dispute on ${row.advertiser.name}'s top-up is ${dispute.status}: resume its orders from the chargeback's page.`);
    results.push(`chargeback-${dispute.status}`);
  }
  if (dispute.evidence_details.submission_count > 0 && !row.evidenceSubmittedAt) data.evidenceSubmittedAt = new Date();
  await tx.stripeChargeDispute.update({ where: { id: row.id }, data });
  return results[0] ?? "chargeback-unchanged";
}

/** Pauses the advertiser's open orders, saying why; the advertiser cannot resume them while the hold lasts. */
async function holdAdvertiserOrders(tx: Tx, advertiserId: string, chargebackId: string) {
  const { count } = await tx.order.updateMany({ where: { advertiserId, status: "OPEN" }, data: { status: "PAUSED", pauseReason: "CARD_DISPUTE" } });
  await step(tx, chargebackId, null, "chargeback.orders_paused", { orders: count });
  const members = await tx.user.findMany({ where: { companyId: advertiserId }, select: { id: true } });
  for (const m of members) {
    await recordNotice(tx, m.id, {
      kind: "DISPUTE",
      data: {
        disputeId: chargebackId,
        message: "A payment to your wallet is disputed with your card's bank: your orders are paused until Leadex settles the dispute.",
        href: "/advertiser/orders",
      },
    });
  }
}

async function tellAdmins(tx: Tx, chargebackId: string, message: string) {
  const admins = await tx.user.findMany({ where: { role: "ADMIN" }, select: { id: true } });
  for (const a of admins)
    await recordNotice(tx, a.id, { kind: "DISPUTE", data: { disputeId: chargebackId, message, href: `/admin/chargebacks/${chargebackId}` } });
}

async function step(tx: Tx, chargebackId: string, actorId: string | null, action: string, data: Record<string, string | number | null>) {
  await recordAudit(tx, { actorId, action, targetType: CHARGEBACK_TARGET, targetId: chargebackId, data });
}

/** Whether the advertiser's orders are held by a card dispute an admin has not yet released. */
export async function heldForCardDispute(db: Tx | Db, advertiserId: string): Promise<boolean> {
  return (await db.stripeChargeDispute.count({ where: { advertiserId, ordersResumedAt: null } })) > 0;
}

/** The admin sends evidence to Stripe (submitted to the bank at once); Stripe's refusal is a 409 with its reason. */
export async function submitChargebackEvidence(admin: Actor, chargebackId: string, evidence: ChargebackEvidence) {
  requirePermission(admin, "write:billing:any");
  const row = await prisma.stripeChargeDispute.findUnique({ where: { id: chargebackId } });
  if (!row) throw new NotFoundError("Chargeback");
  const fields = Object.fromEntries(Object.entries(evidence).filter(([, v]) => v !== ""));
  let dispute: Stripe.Dispute;
  try {
    dispute = await getStripe().disputes.update(row.stripeDisputeId, { evidence: fields, submit: true });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError) throw new ConflictError(`Stripe refused the evidence: ${error.message}`);
    throw error;
  }
  await prisma.$transaction(async (tx) => {
    await step(tx, row.id, admin.userId, "chargeback.evidence_submitted", { fields: Object.keys(fields).join(", "), status: dispute.status });
    await tx.stripeChargeDispute.update({ where: { id: row.id }, data: { evidenceSubmittedAt: new Date() } });
    await applyStripeDispute(tx, dispute);
  });
  return dispute.status;
}

/** Once the bank has decided, the admin resumes the orders the dispute paused (all of them when no other dispute holds the advertiser). */
export async function resumeOrdersAfterChargeback(admin: Actor, chargebackId: string): Promise<number> {
  requirePermission(admin, "write:billing:any");
  return prisma.$transaction(async (tx) => {
    const row = await tx.stripeChargeDispute.findUnique({ where: { id: chargebackId } });
    if (!row) throw new NotFoundError("Chargeback");
    if (isOpen(row.status)) throw new ConflictError("The bank has not decided this dispute yet: resume the orders once it is won or lost");
    if (row.ordersResumedAt) throw new ConflictError("The orders were already resumed after this dispute");
    await tx.stripeChargeDispute.update({ where: { id: row.id }, data: { ordersResumedAt: new Date() } });
    let count = 0;
    if (!(await heldForCardDispute(tx, row.advertiserId))) {
      ({ count } = await tx.order.updateMany({
        where: { advertiserId: row.advertiserId, status: "PAUSED", pauseReason: "CARD_DISPUTE" },
        data: { status: "OPEN", pauseReason: null },
      }));
    }
    await step(tx, row.id, admin.userId, "chargeback.orders_resumed", { orders: count });
    return count;
  });
}

const PAGE_SIZE = 25;

export async function listChargebacks(admin: Actor, query: { status: string; page: number }) {
  requirePermission(admin, "read:billing:any");
  const where = query.status === "all" ? {} : query.status === "open" ? { status: { in: [...OPEN_DISPUTE_STATUSES] } } : { status: query.status };
  const [rows, total] = await Promise.all([
    prisma.stripeChargeDispute.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { advertiser: { select: { id: true, name: true } } },
    }),
    prisma.stripeChargeDispute.count({ where }),
  ]);
  return { rows, total, pageSize: PAGE_SIZE };
}

export async function countOpenChargebacks(admin: Actor) {
  requirePermission(admin, "read:billing:any");
  return prisma.stripeChargeDispute.count({ where: { status: { in: [...OPEN_DISPUTE_STATUSES] } } });
}

export async function getChargeback(admin: Actor, chargebackId: string) {
  requirePermission(admin, "read:billing:any");
  const row = await prisma.stripeChargeDispute.findUnique({
    where: { id: chargebackId },
    include: { advertiser: { select: { id: true, name: true } }, topUp: { select: { id: true, amountCents: true, currency: true, paidAt: true } } },
  });
  if (!row) throw new NotFoundError("Chargeback");
  const steps = await prisma.auditLog.findMany({
    where: { targetType: CHARGEBACK_TARGET, targetId: row.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    include: { actor: { select: { name: true } } },
  });
  return { chargeback: row, steps, open: isOpen(row.status) };
}

/** The advertiser's own view: whether a card dispute holds its orders. */
export async function ownCardDisputeHold(actor: Actor): Promise<{ held: boolean }> {
  requirePermission(actor, "read:order:own");
  return { held: await heldForCardDispute(prisma, actor.companyId) };
}
