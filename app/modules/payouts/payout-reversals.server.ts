import type Stripe from "stripe";
import { getStripe } from "~/modules/billing/stripe.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";

// Money that comes back after a payout: Stripe (or Leadex) reversed the transfer, or the
// affiliate's bank refused Stripe's payout. What came back is available again, as a visible
// PAYOUT_RETURNED line that the next payout pays.

/**
 * Books what Stripe says was reversed of a payout's transfer, once per amount: the entry key is
 * the payout and the cumulative amount reversed, so a repeated or reordered event adds nothing.
 */
export async function recordTransferReversal(tx: Tx, transfer: Stripe.Transfer, reason: string): Promise<"recorded" | "unknown" | "already-recorded"> {
  const payout = await tx.payout.findUnique({ where: { stripeTransferId: transfer.id } });
  if (!payout) return "unknown";
  await lockAffiliateMoney(tx, payout.affiliateId);
  const recorded = await tx.earning.aggregate({ where: { kind: "PAYOUT_RETURNED", returnedFromPayoutId: payout.id }, _sum: { amountCents: true } });
  const newlyReversed = transfer.amount_reversed - (recorded._sum.amountCents ?? 0);
  if (newlyReversed <= 0) return "already-recorded";
  const { entryId } = await postJournalEntry(tx, {
    idempotencyKey: `payout-reversal:${payout.id}:${transfer.amount_reversed}`,
    kind: "PAYOUT_REVERSED",
    description: `Payout ${payout.id} reversed: ${reason}`,
    postings: [
      { account: ledgerAccounts.stripeCash(payout.currency), amountCents: BigInt(newlyReversed) },
      { account: ledgerAccounts.affiliateAvailable(payout.affiliateId, payout.currency), amountCents: -BigInt(newlyReversed) },
    ],
  });
  const now = new Date();
  await tx.earning.create({
    data: {
      affiliateId: payout.affiliateId,
      kind: "PAYOUT_RETURNED",
      returnedFromPayoutId: payout.id,
      amountCents: newlyReversed,
      currency: payout.currency,
      description: `Payout ${payout.id} returned: ${formatMoney(newlyReversed, payout.currency)} (${reason})`,
      entryId,
      availableAt: now,
      releasedAt: now,
      releaseEntryId: entryId,
    },
  });
  const fully = transfer.reversed || transfer.amount_reversed >= payout.amountCents;
  await tx.payout.update({
    where: { id: payout.id },
    data: { status: fully ? "REVERSED" : payout.status, failureReason: reason, failedAt: now, reversalEntryId: entryId },
  });
  return "recorded";
}

/**
 * `payout.failed` on a connected account: the affiliate's bank refused Stripe's payout, so the
 * money sits on its Stripe balance. Leadex reverses its latest transfer to that account (up to the
 * failed amount, idempotent per Stripe payout) and returns the transfer to book, or null.
 */
export async function reverseTransferForFailedPayout(
  accountId: string,
  stripePayout: Stripe.Payout,
): Promise<{ transfer: Stripe.Transfer; reason: string } | null> {
  const payout = await prisma.payout.findFirst({ where: { stripeAccountId: accountId, status: "PAID" }, orderBy: { paidAt: "desc" } });
  if (!payout?.stripeTransferId) return null;
  const reason = `the bank refused Stripe's payout: ${stripePayout.failure_message ?? stripePayout.failure_code ?? "no reason given"}`;
  const stripe = getStripe();
  const before = await stripe.transfers.retrieve(payout.stripeTransferId);
  const amount = Math.min(stripePayout.amount, before.amount - before.amount_reversed);
  if (amount > 0) {
    await stripe.transfers.createReversal(
      payout.stripeTransferId,
      { amount, metadata: { reason, leadex_payout_id: payout.id, stripe_payout_id: stripePayout.id } },
      { idempotencyKey: `leadex:payout:${payout.id}:reversal:${stripePayout.id}` },
    );
  }
  return { transfer: await stripe.transfers.retrieve(payout.stripeTransferId), reason };
}

/** The transfer as Stripe has it now, with why it was last reversed (for `transfer.reversed`). */
export async function loadReversedTransfer(transferId: string): Promise<{ transfer: Stripe.Transfer; reason: string }> {
  const stripe = getStripe();
  const [transfer, reversals] = await Promise.all([stripe.transfers.retrieve(transferId), stripe.transfers.listReversals(transferId, { limit: 1 })]);
  return { transfer, reason: String(reversals.data[0]?.metadata?.reason ?? "the transfer was reversed in Stripe") };
}
