/**
 * Balances of the platform and of each connected account, kept as Stripe keeps them: every money
 * movement is a balance transaction (charge, refund, dispute adjustment, transfer, payout, ...)
 * whose `source` is the Stripe object that moved the money, and a balance is the sum of the nets
 * of its owner's balance transactions. Money is available at once (`available_on` = `created`, no
 * pending period), so the pending balance is always 0.
 */
import type Stripe from "stripe";
import { type BalanceAmounts, buildBalance } from "./connect-objects.js";
import { invalidRequest, noSuch } from "./errors.js";
import { newId, nowSeconds } from "./ids.js";
import { ZERO_DECIMAL_CURRENCIES } from "./objects.js";

/** "platform" or a connected account id. */
export type BalanceOwner = string;
export const PLATFORM: BalanceOwner = "platform";

export interface Posting {
  currency: string;
  /** Gross amount: positive for money in, negative for money out. */
  amount: number;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  /** The id of the object that moved the money (ch_, re_, du_, tr_, po_, ...); null for emulator adjustments. */
  source: string | null;
  description: string | null;
  /** Fees taken on top (positive cents), each a `fee_details` line. */
  fees?: { amount: number; description: string; type?: "stripe_fee" | "application_fee" | "tax" }[];
}

/** Stripe's standard US card pricing: 2.9% + 30¢ per successful charge (whole units for zero-decimal currencies). */
export function stripeProcessingFee(amount: number, currency: string): number {
  return Math.round(amount * 0.029) + (ZERO_DECIMAL_CURRENCIES.has(currency) ? 0 : 30);
}

/** Stripe's US dispute fee ($15), kept whether the dispute is won or lost. */
export const DISPUTE_FEE = 1500;

export class Balances {
  private readonly byOwner = new Map<BalanceOwner, Stripe.BalanceTransaction[]>();

  available(owner: BalanceOwner, currency: string): number {
    return (this.byOwner.get(owner) ?? []).filter((t) => t.currency === currency).reduce((sum, t) => sum + t.net, 0);
  }

  /** Records a balance transaction; a balance may go negative (a refund, a dispute, a reversal after a payout). */
  post(owner: BalanceOwner, posting: Posting): Stripe.BalanceTransaction {
    const created = nowSeconds();
    const feeDetails: Stripe.BalanceTransaction.FeeDetail[] = (posting.fees ?? []).map((f) => ({
      amount: f.amount,
      application: null,
      currency: posting.currency,
      description: f.description,
      type: f.type ?? "stripe_fee",
    }));
    const fee = feeDetails.reduce((sum, f) => sum + f.amount, 0);
    const transaction = {
      id: newId("balanceTransaction"),
      object: "balance_transaction",
      amount: posting.amount,
      available_on: created,
      balance_type: "payments",
      created,
      currency: posting.currency,
      description: posting.description,
      exchange_rate: null,
      fee,
      fee_details: feeDetails,
      net: posting.amount - fee,
      reporting_category: posting.reportingCategory,
      source: posting.source,
      status: "available",
      type: posting.type,
    } satisfies Stripe.BalanceTransaction;
    const list = this.byOwner.get(owner) ?? [];
    this.byOwner.set(owner, list);
    list.push(transaction);
    return transaction;
  }

  /** Posts `posting` (a negative amount) if the available balance covers it, else refuses as Stripe does. */
  withdraw(owner: BalanceOwner, posting: Posting, message: string): Stripe.BalanceTransaction {
    if (this.available(owner, posting.currency) < -posting.amount) {
      throw invalidRequest(message, undefined, "balance_insufficient");
    }
    return this.post(owner, posting);
  }

  /** The owner's balance transactions, newest first. */
  transactions(owner: BalanceOwner): Stripe.BalanceTransaction[] {
    return [...(this.byOwner.get(owner) ?? [])].reverse();
  }

  transaction(owner: BalanceOwner, id: string): Stripe.BalanceTransaction {
    const transaction = this.byOwner.get(owner)?.find((t) => t.id === id);
    if (!transaction) throw noSuch("balance transaction", id);
    return transaction;
  }

  remove(owner: BalanceOwner): void {
    this.byOwner.delete(owner);
  }

  currencies(owner: BalanceOwner): string[] {
    return [...new Set((this.byOwner.get(owner) ?? []).map((t) => t.currency))];
  }

  /** The owner's Stripe.Balance; `defaultCurrency` is always listed, as Stripe lists it even at 0. */
  toStripe(owner: BalanceOwner, defaultCurrency: string): Stripe.Balance {
    const currencies = [defaultCurrency, ...this.currencies(owner).filter((c) => c !== defaultCurrency)];
    const amounts: BalanceAmounts[] = currencies.map((currency) => ({
      currency,
      available: this.available(owner, currency),
      pending: 0,
    }));
    return buildBalance(amounts, owner === PLATFORM);
  }
}

export const TRANSFER_BALANCE_INSUFFICIENT =
  "You have insufficient funds in your Stripe account for this transfer. Your card balance is too low.  You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).";

export const PAYOUT_BALANCE_INSUFFICIENT =
  "You have insufficient funds in your Stripe account. One likely reason you have insufficient funds is that your funds are automatically being paid out; try enabling manual payouts by going to https://dashboard.stripe.com/account/payouts.";
