import { z } from "zod";
import { stripeEventSchema } from "~/modules/billing/billing.schema";
export * from "./stripe-conversions.constants";

// What Leadex reads of the events an advertiser's own Stripe account sends (after the signature
// is verified with the secret the advertiser pasted), and the form that takes that secret. The
// advertiser's account may be on any API version, so fields that moved between versions are all
// optional here: the invoice's tax (`tax` before 2025-03-31, `total_excluding_tax` after), the
// payment that paid it (`charge` / `payment_intent` on the invoice, or on an invoice_payment) and
// the charge's invoice (`invoice` on the charge before 2025-03-31).

/** The events the advertiser selects on its endpoint (others are answered 200 and ignored). */
export const STRIPE_CONVERSION_EVENTS = ["invoice.paid", "invoice_payment.paid", "charge.refunded", "customer.created", "customer.updated"] as const;

/** The endpoint's signing secret, as Stripe shows it (whsec_ and letters or digits). */
export const stripeSecretFormSchema = z.object({
  secret: z
    .string({ message: "Paste the signing secret of the endpoint" })
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=_-]{8,200}$/, "Paste the endpoint's signing secret from Stripe: it starts with whsec_"),
});

/** The envelope, with when the event happened (orders customer updates that arrive out of order). */
export const advertiserStripeEventSchema = stripeEventSchema.extend({ created: z.number().int() });
export type AdvertiserStripeEvent = z.output<typeof advertiserStripeEventSchema>;

const stripeId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_\\w{1,255}$`), `a Stripe id starting with ${prefix}_`);
/** An id, or the object it names when expanded. */
const expandable = (prefix: string) =>
  z.union([stripeId(prefix), z.object({ id: stripeId(prefix) }).passthrough()]).transform((v) => (typeof v === "string" ? v : v.id));
const metadataSchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((m) => (m ?? {}) as Record<string, unknown>);
const currencySchema = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, "a three-letter currency")
  .transform((c) => c.toLowerCase());
const amountSchema = z.number().int("an amount in minor units");

export const stripeCustomerSchema = z.object({ id: stripeId("cus"), metadata: metadataSchema });

const paymentSchema = z.object({
  type: z.string(),
  payment_intent: expandable("pi").nullish(),
  charge: expandable("ch").nullish(),
});

export const stripeInvoicePaymentSchema = z.object({ invoice: expandable("in"), payment: paymentSchema });

export const stripeInvoiceSchema = z.object({
  id: stripeId("in"),
  customer: z.union([stripeId("cus"), z.object({ id: stripeId("cus"), metadata: metadataSchema }).passthrough()]).nullish(),
  metadata: metadataSchema,
  currency: currencySchema,
  total: amountSchema,
  total_excluding_tax: amountSchema.nullish(),
  tax: amountSchema.nullish(),
  total_taxes: z.array(z.object({ amount: amountSchema })).nullish(),
  created: z.number().int(),
  status_transitions: z.object({ paid_at: z.number().int().nullish() }).nullish(),
  parent: z.object({ subscription_details: z.object({ metadata: metadataSchema }).nullish() }).nullish(),
  charge: expandable("ch").nullish(),
  payment_intent: expandable("pi").nullish(),
  payments: z.object({ data: z.array(z.object({ payment: paymentSchema })) }).nullish(),
});
export type StripeInvoice = z.output<typeof stripeInvoiceSchema>;

export const stripeChargeSchema = z.object({
  id: stripeId("ch"),
  amount: amountSchema.min(0),
  amount_refunded: amountSchema.min(0),
  currency: currencySchema,
  payment_intent: expandable("pi").nullish(),
  invoice: expandable("in").nullish(),
});
export type StripeCharge = z.output<typeof stripeChargeSchema>;

/** The "Disconnect" button of the Stripe conversions endpoint. */
export const stripeRemoveFormSchema = z.object({ intent: z.literal("stripe-remove") });
