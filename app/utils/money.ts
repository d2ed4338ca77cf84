// The one money module: integer minor units, explicit rounding, formatting only for display.

/** The currency Leadex prices and settles in until multi-currency lands. */
export const DEFAULT_CURRENCY = "usd";

export type RoundingMode = "half-up" | "down";

/** `bps` basis points of an amount (2000 bps = 20%), rounded with an explicit mode. */
export function percentOfCents(amountCents: number, bps: number, mode: RoundingMode): number {
  if (!Number.isInteger(amountCents) || !Number.isInteger(bps)) {
    throw new Error("percentOfCents takes integers");
  }
  const numerator = BigInt(amountCents) * BigInt(bps);
  const whole = numerator / 10_000n;
  const remainder = numerator % 10_000n;
  if (mode === "half-up" && remainder * 2n >= 10_000n) return Number(whole + 1n);
  return Number(whole);
}

/** Parses a decimal amount typed by a person ("12", "12.5", "12.50") into cents; null if invalid. */
export function parseAmountToCents(input: string): number | null {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!match) return null;
  const units = Number(match[1]);
  const fraction = Number((match[2] ?? "").padEnd(2, "0"));
  return units * 100 + fraction;
}

/** Cents as a plain decimal amount, as typed into a price input or sent in a postback: 2550 → "25.50". */
export function centsToDecimal(cents: number): string {
  return (cents / 100).toFixed(2);
}

// Building an Intl.NumberFormat costs far more than using one (it showed in bench:conversions'
// profile of the billing worker): one per currency, kept.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(amountCents: number | bigint, currency: string): string {
  const cents = typeof amountCents === "bigint" ? Number(amountCents) : amountCents;
  const code = currency.toUpperCase();
  let format = moneyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    moneyFormats.set(code, format);
  }
  return format.format(cents / 100);
}

/** `amountCents × part / whole`, rounded half-up: the share of a payout a partial refund reverses. */
export function proportionOfCents(amountCents: number, part: number, whole: number): number {
  if (![amountCents, part, whole].every(Number.isInteger) || whole <= 0) throw new Error("proportionOfCents takes integers and a positive whole");
  const numerator = BigInt(amountCents) * BigInt(part);
  const wholeBig = BigInt(whole);
  const quotient = numerator / wholeBig;
  const remainder = numerator % wholeBig;
  return Number(remainder * 2n >= wholeBig ? quotient + 1n : quotient);
}
