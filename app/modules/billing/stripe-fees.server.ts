import { ledgerAccounts, postJournalEntry } from "~/modules/ledger/ledger.server";
import type { Tx } from "~/utils/db.server";
import { formatMoney } from "~/utils/money";
import { getStripe } from "./stripe.server";

// Stripe keeps its fee out of every card payment: a $100.00 top-up adds $100.00 to the wallet but
// only $96.80 to Stripe's balance. The fee is booked as the platform's expense (cash − fee), so
// ledger cash equals Stripe's balance, and the buyer still gets the full amount.

/** The fee Stripe took on one charge, from the charge's balance transaction. */
export interface StripeChargeFee {
  chargeId: string;
  balanceTransactionId: string;
  feeCents: number;
  currency: string;
}

/** The fee on a PaymentIntent's latest charge; null while it has no charge with a balance transaction. */
export async function loadPaymentIntentFee(paymentIntentId: string): Promise<StripeChargeFee | null> {
  const stripe = getStripe();
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
  const chargeId = typeof intent.latest_charge === "string" ? intent.latest_charge : (intent.latest_charge?.id ?? null);
  if (!chargeId) return null;
  const charge = await stripe.charges.retrieve(chargeId, { expand: ["balance_transaction"] });
  const transaction = charge.balance_transaction;
  if (!transaction || typeof transaction === "string") return null;
  return { chargeId, balanceTransactionId: transaction.id, feeCents: transaction.fee, currency: transaction.currency };
}

/**
 * Books Stripe's fee on a charge once (keyed on its balance transaction): Stripe cash down by the
 * fee, the platform's Stripe-fees expense up. `what` says what the charge paid for ("top-up …");
 * `stripeObjectId` is the charge whose balance transaction holds the fee (for reconciliation).
 */
export async function postStripeFee(
  tx: Tx,
  fee: StripeChargeFee,
  what: string,
  stripeObjectId?: string,
): Promise<{ entryId: string; created: boolean } | null> {
  if (fee.feeCents === 0) return null;
  return postJournalEntry(tx, {
    idempotencyKey: `stripe-fee:${fee.balanceTransactionId}`,
    kind: "STRIPE_FEE",
    description: `Stripe's fee ${formatMoney(fee.feeCents, fee.currency)} on ${what} (charge ${fee.chargeId}, balance transaction ${fee.balanceTransactionId})`,
    postings: [
      { account: ledgerAccounts.stripeFees(fee.currency), amountCents: BigInt(fee.feeCents) },
      { account: ledgerAccounts.stripeCash(fee.currency), amountCents: -BigInt(fee.feeCents) },
    ],
    stripeObjectId,
  });
}
