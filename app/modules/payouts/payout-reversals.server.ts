import type Stripe from "stripe";
import { getStripe } from "~/modules/billing/stripe.server";
import { lockAffiliateMoney } from "~/modules/earnings/earnings.server";
import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import { prisma, type Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";

// Money that comes back after a payout: Stripe (or Leadex) reversed the transfer, or the
// affiliate's bank refused Stripe's payout. What came back is available again, as a visible
// PAYOUT_RETURNED line that the next payout pays.

/** A transfer as Stripe has it now, every reversal of it (newest first, as Stripe lists them), and why it was last reversed. */
export interface ReversedTransfer {
  transfer: Stripe.Transfer;
  reversals: Stripe.TransferReversal[];
  reason: string;
}

/**
 * Books what Stripe says was reversed of a payout's transfer, once per amount: one entry per
 * reversal not booked yet, keyed by the payout and the cumulative amount reversed after it and
 * tagged with the reversal (`trr_…`, whose balance transaction it books), so a repeated or
 * reordered event adds nothing.
 */
export async function recordTransferReversal(tx: Tx, { transfer, reversals, reason }: ReversedTransfer): Promise<"recorded" | "unknown" | "already-recorded"> {
  const payout = await tx.payout.findUnique({ where: { stripeTransferId: transfer.id } });
  if (!payout) return "unknown";
  await lockAffiliateMoney(tx, payout.affiliateId);
  const recorded = await tx.earning.aggregate({ where: { kind: "PAYOUT_RETURNED", returnedFromPayoutId: payout.id }, _sum: { amountCents: true } });
  const recordedCents = recorded._sum.amountCents ?? 0;
  if (transfer.amount_reversed - recordedCents <= 0) return "already-recorded";
  const fresh: Array<{ reversalId: string | undefined; cents: number; reversedAfter: number }> = [];
  let reversedAfter = 0;
  for (const reversal of [...reversals].reverse()) {
    reversedAfter += reversal.amount;
    if (reversedAfter > recordedCents) fresh.push({ reversalId: reversal.id, cents: Math.min(reversal.amount, reversedAfter - recordedCents), reversedAfter });
  }
  // Reversals Stripe did not list (it should list them all): booked as one entry naming no reversal, so reconciliation shows it.
  const unlisted = transfer.amount_reversed - Math.max(reversedAfter, recordedCents);
  if (unlisted > 0) fresh.push({ reversalId: undefined, cents: unlisted, reversedAfter: transfer.amount_reversed });
  let entryId = "";
  for (const part of fresh) {
    ({ entryId } = await postJournalEntry(tx, {
      idempotencyKey: `payout-reversal:${payout.id}:${part.reversedAfter}`,
      kind: "PAYOUT_REVERSED",
      description: `Payout ${payout.id} reversed: ${reason}`,
      stripeObjectId: part.reversalId,
      postings: [
        { account: ledgerAccounts.stripeCash(payout.currency), amountCents: BigInt(part.cents) },
        { account: ledgerAccounts.affiliateAvailable(payout.affiliateId, payout.currency), amountCents: -BigInt(part.cents) },
      ],
    }));
    const now = new Date();
    await tx.earning.create({
      data: {
        affiliateId: payout.affiliateId,
        kind: "PAYOUT_RETURNED",
        returnedFromPayoutId: payout.id,
        amountCents: part.cents,
        currency: payout.currency,
        description: `Payout ${payout.id} returned: ${formatMoney(part.cents, payout.currency)} (${reason})`,
        entryId,
        availableAt: now,
        releasedAt: now,
        releaseEntryId: entryId,
      },
    });
  }
  const fully = transfer.reversed || transfer.amount_reversed >= payout.amountCents;
  await tx.payout.update({
    where: { id: payout.id },
    data: { status: fully ? "REVERSED" : payout.status, failureReason: reason, failedAt: new Date(), reversalEntryId: entryId },
  });
  return "recorded";
}

/**
 * `payout.failed` on a connected account: the affiliate's bank refused Stripe's payout, so the
 * money sits on its Stripe balance. Leadex reverses its latest transfer to that account (up to the
 * failed amount, idempotent per Stripe payout) and returns the transfer to book, or null.
 */
export async function reverseTransferForFailedPayout(accountId: string, stripePayout: Stripe.Payout): Promise<ReversedTransfer | null> {
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
  return { ...(await loadTransferWithReversals(payout.stripeTransferId)), reason };
}

async function loadTransferWithReversals(transferId: string): Promise<Omit<ReversedTransfer, "reason">> {
  const stripe = getStripe();
  const reversals: Stripe.TransferReversal[] = [];
  for await (const reversal of stripe.transfers.listReversals(transferId, { limit: 100 })) reversals.push(reversal);
  return { transfer: await stripe.transfers.retrieve(transferId), reversals };
}

/** The transfer as Stripe has it now, with its reversals and why it was last reversed (for `transfer.reversed`). */
export async function loadReversedTransfer(transferId: string): Promise<ReversedTransfer> {
  const loaded = await loadTransferWithReversals(transferId);
  return { ...loaded, reason: String(loaded.reversals[0]?.metadata?.reason ?? "the transfer was reversed in Stripe") };
}
