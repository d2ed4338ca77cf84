/**
 * Stripe's test card numbers and the outcome each gives: on a hosted page (a payment or saving the
 * card, on-session: a 3D Secure challenge counts as passed), and later when a saved card is charged
 * off-session (what PaymentIntents with `off_session=true` and invoice payments meet).
 */

export interface CardForm {
  number: string;
  expiry: string;
  cvc: string;
}

export type CardOutcome = { ok: true; brand: string; last4: string } | { ok: false; message: string; code: string; declineCode?: string };

const SUCCEEDING: Record<string, string> = {
  "4242424242424242": "visa",
  "4000056655665556": "visa",
  "5555555555554444": "mastercard",
  "2223003122003222": "mastercard",
  "378282246310005": "amex",
  "6011111111111117": "discover",
};

export interface Decline {
  message: string;
  code: string;
  declineCode?: string;
}

/** Cards that save fine but misbehave when charged later (Stripe's "declines after attaching" and 3D Secure cards). */
const SAVED_CARD_BEHAVIOUR: Record<string, { brand: string; offSession: "authentication_required" | "succeeds" | Decline; chargeDeclines?: boolean }> = {
  "4000002760003184": { brand: "visa", offSession: "authentication_required" },
  "4000002500003155": { brand: "visa", offSession: "succeeds" },
  "4000000000000341": {
    brand: "visa",
    offSession: { message: "Your card was declined.", code: "card_declined", declineCode: "generic_decline" },
    chargeDeclines: true,
  },
};

const DECLINING: Record<string, Decline> = {
  "4000000000000002": { message: "Your card was declined.", code: "card_declined", declineCode: "generic_decline" },
  "4000000000009995": { message: "Your card has insufficient funds.", code: "card_declined", declineCode: "insufficient_funds" },
  "4000000000009987": { message: "Your card was declined.", code: "card_declined", declineCode: "lost_card" },
  "4000000000000069": { message: "Your card has expired.", code: "expired_card" },
  "4000000000000127": { message: "Your card's security code is incorrect.", code: "incorrect_cvc" },
  "4000000000000119": {
    message: "An error occurred while processing your card. Try again in a little bit.",
    code: "processing_error",
  },
};

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * What a hosted page says about the card typed in: `purpose` "setup" saves it (a card that only
 * declines charges saves fine), "payment" charges it.
 */
export function checkCard(form: CardForm, now = new Date(), purpose: "payment" | "setup" = "payment"): CardOutcome {
  const number = form.number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    return { ok: false, message: "Your card number is incorrect.", code: "incorrect_number" };
  }
  const expiry = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(form.expiry);
  if (!expiry) return { ok: false, message: "Your card's expiration date is incomplete.", code: "invalid_expiry_month" };
  const month = Number(expiry[1]);
  const year = expiry[2].length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
  if (month < 1 || month > 12) {
    return { ok: false, message: "Your card's expiration month is invalid.", code: "invalid_expiry_month" };
  }
  if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
    return { ok: false, message: "Your card's expiration date is in the past.", code: "invalid_expiry_year" };
  }
  if (!/^\d{3,4}$/.test(form.cvc.trim())) {
    return { ok: false, message: "Your card's security code is incomplete.", code: "invalid_cvc" };
  }
  const declined = DECLINING[number];
  if (declined) return { ok: false, ...declined };
  const special = SAVED_CARD_BEHAVIOUR[number];
  if (special?.chargeDeclines && purpose === "payment" && typeof special.offSession === "object") return { ok: false, ...special.offSession };
  const brand = SUCCEEDING[number] ?? special?.brand;
  if (!brand) {
    return {
      ok: false,
      message: "Your card was declined. Your request was in test mode, but used a non test card.",
      code: "card_declined",
      declineCode: "test_mode_live_card",
    };
  }
  return { ok: true, brand, last4: number.slice(-4) };
}

/** The brand and last 4 digits of any of Stripe's test card numbers (declining ones too), or null. */
export function testCard(rawNumber: string): { number: string; brand: string; last4: string } | null {
  const number = rawNumber.replace(/[\s-]/g, "");
  const brand = SUCCEEDING[number] ?? SAVED_CARD_BEHAVIOUR[number]?.brand ?? (DECLINING[number] ? "visa" : undefined);
  return brand ? { number, brand, last4: number.slice(-4) } : null;
}

/** What charging a saved card off-session does (a declining card saved by the emulator control declines now). */
export function offSessionOutcome(number: string): "succeeds" | "authentication_required" | Decline {
  return DECLINING[number] ?? SAVED_CARD_BEHAVIOUR[number]?.offSession ?? "succeeds";
}

/** Stripe's test PaymentMethod tokens (`pm_card_visa`, ...) and the card each stands for. */
export const TEST_PAYMENT_METHOD_TOKENS: Record<string, string> = {
  pm_card_visa: "4242424242424242",
  pm_card_mastercard: "5555555555554444",
  pm_card_amex: "378282246310005",
  pm_card_discover: "6011111111111117",
  pm_card_authenticationRequired: "4000002760003184",
  pm_card_authenticationRequiredOnSetup: "4000002500003155",
  pm_card_chargeCustomerFail: "4000000000000341",
  pm_card_chargeDeclined: "4000000000000002",
  pm_card_chargeDeclinedInsufficientFunds: "4000000000009995",
  pm_card_chargeDeclinedLostCard: "4000000000009987",
  pm_card_chargeDeclinedExpiredCard: "4000000000000069",
};

/** Whether saving the card (attaching it to a customer) is declined, as Stripe's validation declines these. */
export function attachDecline(number: string): Decline | null {
  return DECLINING[number] ?? null;
}
