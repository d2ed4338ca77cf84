import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

/** Object id prefixes and body lengths modelled on the ids Stripe hands out in test mode. */
const ID_SHAPES = {
  customer: ["cus_", 14],
  checkoutSession: ["cs_test_", 58],
  paymentIntent: ["pi_", 24],
  paymentMethod: ["pm_", 24],
  charge: ["ch_", 24],
  transfer: ["tr_", 24],
  event: ["evt_", 24],
  request: ["req_", 14],
  lineItem: ["li_", 24],
  price: ["price_", 24],
  product: ["prod_", 14],
  balanceTransaction: ["txn_", 24],
  account: ["acct_", 16],
  accountLinkToken: ["", 12],
  bankAccount: ["ba_", 24],
  payout: ["po_", 24],
  transferReversal: ["trr_", 24],
  destinationPayment: ["py_", 24],
  destinationPaymentRefund: ["pyr_", 24],
  bankFingerprint: ["", 16],
  invoice: ["in_", 24],
  invoicePayment: ["inpay_", 24],
  refund: ["re_", 24],
  dispute: ["du_", 24],
  setupIntent: ["seti_", 24],
  invoiceItem: ["ii_", 24],
  webhookSecret: ["whsec_", 32],
} as const satisfies Record<string, readonly [string, number]>;

export type IdKind = keyof typeof ID_SHAPES;

export function newId(kind: IdKind): string {
  const [prefix, length] = ID_SHAPES[kind];
  return prefix + randomToken(length);
}

/** Client secret in Stripe's `<id>_secret_<token>` form. */
export function clientSecretFor(id: string): string {
  return `${id}_secret_${randomToken(24)}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
