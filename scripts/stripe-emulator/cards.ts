/** Stripe's test card numbers and the outcome the hosted checkout page gives each. */

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

const DECLINING: Record<string, { message: string; code: string; declineCode?: string }> = {
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

export function checkCard(form: CardForm, now = new Date()): CardOutcome {
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
  const brand = SUCCEEDING[number];
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
