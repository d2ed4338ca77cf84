import { expect } from "vitest";
import { cashAndStripeBalance, ledgerInvariantBreaches } from "./ledger-checks";

/**
 * The money invariants every money test ends with (PRODUCT.md; the checks are in ledger-checks.ts,
 * shared with `npm run chaos`): every entry balances; no account is below its floor without a
 * recorded cause; one entry per billable event; and the affiliate's earning lines agree with its
 * held and available balances.
 */
export async function expectLedgerInvariants(): Promise<void> {
  expect(await ledgerInvariantBreaches(), "ledger invariants").toEqual([]);
}

/**
 * Ledger cash equals the platform's Stripe balance (available + pending), as the SDK reads it from
 * the test stack's emulator: true when every movement of Stripe money was booked, fees included.
 * Only for test files where cash moves only through Stripe (no entries posted to cash by hand).
 */
export async function expectCashEqualsStripe(currency = "usd"): Promise<void> {
  const { cashCents, stripeCents } = await cashAndStripeBalance(currency);
  expect(cashCents, `ledger cash (${cashCents}) equals Stripe's available + pending balance (${stripeCents})`).toBe(stripeCents);
}
