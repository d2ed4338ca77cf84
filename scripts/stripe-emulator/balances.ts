/**
 * Balances of the platform and of each connected account, per currency. Money arrives available
 * at once (no pending period and no Stripe fees: paid Checkout Sessions credit their full amount).
 */
import type Stripe from "stripe";
import { type BalanceAmounts, buildBalance } from "./connect-objects.js";
import { invalidRequest } from "./errors.js";

/** "platform" or a connected account id. */
export type BalanceOwner = string;
export const PLATFORM: BalanceOwner = "platform";

export class Balances {
  private readonly byOwner = new Map<BalanceOwner, Map<string, number>>();

  available(owner: BalanceOwner, currency: string): number {
    return this.byOwner.get(owner)?.get(currency) ?? 0;
  }

  /** Adds (or, negative, takes) money; a connected account may go negative (a reversal after a payout). */
  adjust(owner: BalanceOwner, currency: string, amount: number): void {
    const currencies = this.byOwner.get(owner) ?? new Map<string, number>();
    this.byOwner.set(owner, currencies);
    currencies.set(currency, (currencies.get(currency) ?? 0) + amount);
  }

  /** Takes `amount` from what is available, or refuses as Stripe does when there is not enough. */
  withdraw(owner: BalanceOwner, currency: string, amount: number, message: string): void {
    if (this.available(owner, currency) < amount) {
      throw invalidRequest(message, undefined, "balance_insufficient");
    }
    this.adjust(owner, currency, -amount);
  }

  remove(owner: BalanceOwner): void {
    this.byOwner.delete(owner);
  }

  currencies(owner: BalanceOwner): string[] {
    return [...(this.byOwner.get(owner)?.keys() ?? [])];
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
