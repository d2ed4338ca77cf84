/**
 * Builders for what a business's own Stripe account holds when it sells to its customers (an
 * advertiser's: customers, paid invoices with tax, their charges and refunds) and the events it
 * sends to its own webhook endpoint; checked against the `stripe` package's types with
 * `satisfies`, like objects.ts.
 */
import Stripe from "stripe";
import { newId, nowSeconds } from "./ids.js";
import { invoiceShell } from "./invoice-objects.js";
import { type EventContext, emptyList, envelope, snapshot } from "./objects.js";

export interface PaidInvoiceInput {
  customer: Stripe.Customer;
  currency: string;
  /** What the customer pays before tax (the sum of the lines). */
  subtotal: number;
  /** Tax added on top (exclusive tax). */
  tax: number;
  description: string | null;
  metadata: Record<string, string>;
  paymentIntentId: string;
  paidAt: number;
}

/** A one-line invoice, finalized and paid in full by card. */
export function buildPaidInvoice(input: PaidInvoiceInput): Stripe.Invoice {
  const id = newId("invoice");
  const total = input.subtotal + input.tax;
  const created = input.paidAt;
  const line = {
    id: newId("lineItem"),
    object: "line_item",
    amount: input.subtotal,
    currency: input.currency,
    description: input.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: id,
    livemode: false,
    metadata: {},
    parent: null,
    period: { start: created, end: created },
    pretax_credit_amounts: [],
    pricing: null,
    quantity: 1,
    quantity_decimal: Stripe.Decimal.from(1),
    subscription: null,
    subtotal: input.subtotal,
    taxes: input.tax > 0 ? [taxOf(input.tax, input.subtotal)] : [],
  } satisfies Stripe.InvoiceLineItem;
  return {
    ...invoiceShell({
      id,
      created,
      accountName: "Advertiser (emulated)",
      customer: input.customer,
      currency: input.currency,
      description: input.description,
      metadata: input.metadata,
    }),
    amount_due: total,
    amount_paid: total,
    attempt_count: 1,
    attempted: true,
    effective_at: created,
    ending_balance: 0,
    lines: { ...emptyList<Stripe.InvoiceLineItem>(`/v1/invoices/${id}/lines`), data: [line] },
    number: `${input.customer.invoice_prefix ?? "EMU"}-0001`,
    status: "paid",
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: input.paidAt, voided_at: null },
    subtotal: input.subtotal,
    subtotal_excluding_tax: input.subtotal,
    total,
    total_excluding_tax: input.subtotal,
    total_taxes: input.tax > 0 ? [taxOf(input.tax, input.subtotal)] : [],
    webhooks_delivered_at: created,
  } satisfies Stripe.Invoice;
}

function taxOf(amount: number, taxableAmount: number) {
  return {
    amount,
    tax_behavior: "exclusive",
    tax_rate_details: { tax_rate: "txr_emulated" },
    taxability_reason: "standard_rated",
    taxable_amount: taxableAmount,
    type: "tax_rate_details",
  } satisfies Stripe.Invoice.TotalTax;
}

/** How the invoice was paid (what `invoice_payment.paid` carries): by a PaymentIntent. */
export function buildInvoicePayment(invoice: Stripe.Invoice, paymentIntentId: string): Stripe.InvoicePayment {
  return {
    id: newId("invoicePayment"),
    object: "invoice_payment",
    amount_paid: invoice.amount_paid,
    amount_requested: invoice.amount_due,
    created: invoice.created,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: paymentIntentId },
    status: "paid",
    status_transitions: { canceled_at: null, paid_at: invoice.status_transitions.paid_at },
  } satisfies Stripe.InvoicePayment;
}

/** The card charge of a PaymentIntent that succeeded. */
export function buildSucceededCharge(input: {
  amount: number;
  currency: string;
  customer: string;
  paymentIntentId: string;
  description: string | null;
}): Stripe.Charge {
  const id = newId("charge");
  return {
    id,
    object: "charge",
    amount: input.amount,
    amount_captured: input.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: newId("balanceTransaction"),
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "ADVERTISER",
    captured: true,
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: input.paymentIntentId,
    payment_method: newId("paymentMethod"),
    payment_method_details: null,
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    // `refunds` is left out, as in Stripe's webhooks since API version 2022-11-15 (only when expanded).
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.Charge;
}

export function buildRefund(charge: Stripe.Charge, amount: number): Stripe.Refund {
  return {
    id: newId("refund"),
    object: "refund",
    amount,
    balance_transaction: newId("balanceTransaction"),
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    customer: typeof charge.customer === "string" ? charge.customer : (charge.customer?.id ?? null),
    customer_account: null,
    metadata: {},
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null),
    payment_method: charge.payment_method,
    reason: "requested_by_customer",
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  } satisfies Stripe.Refund;
}

export function customerCreatedEvent(customer: Stripe.Customer, ctx: EventContext) {
  return { ...envelope(ctx), type: "customer.created", data: { object: snapshot(customer) } } satisfies Stripe.CustomerCreatedEvent;
}

export function customerUpdatedEvent(customer: Stripe.Customer, previous: Partial<Stripe.Customer>, ctx: EventContext) {
  return {
    ...envelope(ctx),
    type: "customer.updated",
    data: { object: snapshot(customer), previous_attributes: snapshot(previous) },
  } satisfies Stripe.CustomerUpdatedEvent;
}

export function invoicePaymentPaidEvent(payment: Stripe.InvoicePayment, ctx: EventContext) {
  return { ...envelope(ctx), type: "invoice_payment.paid", data: { object: snapshot(payment) } } satisfies Stripe.InvoicePaymentPaidEvent;
}

export function invoicePaidEvent(invoice: Stripe.Invoice, ctx: EventContext) {
  return { ...envelope(ctx), type: "invoice.paid", data: { object: snapshot(invoice) } } satisfies Stripe.InvoicePaidEvent;
}

export function chargeRefundedEvent(charge: Stripe.Charge, previous: Partial<Stripe.Charge>, ctx: EventContext) {
  return {
    ...envelope(ctx),
    type: "charge.refunded",
    data: { object: snapshot(charge), previous_attributes: snapshot(previous) },
  } satisfies Stripe.ChargeRefundedEvent;
}
