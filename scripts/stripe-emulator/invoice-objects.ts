/** Builders for the platform's own invoices and invoice items, checked against the SDK's types like objects.ts. */
import Stripe from "stripe";
import { newId, nowSeconds } from "./ids.js";
import { emptyList } from "./objects.js";

export interface InvoiceItemInput {
  customer: string;
  currency: string;
  amount: number;
  quantity: number;
  unitAmountDecimal: string;
  description: string | null;
  metadata: Record<string, string>;
  invoice: string | null;
  period: { start: number; end: number } | null;
}

export function buildInvoiceItem(input: InvoiceItemInput): Stripe.InvoiceItem {
  const now = nowSeconds();
  return {
    id: newId("invoiceItem"),
    object: "invoiceitem",
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date: now,
    description: input.description,
    discountable: true,
    discounts: [],
    invoice: input.invoice,
    livemode: false,
    metadata: input.metadata,
    parent: null,
    period: input.period ?? { start: now, end: now },
    pricing: { type: "price_details", unit_amount_decimal: Stripe.Decimal.from(input.unitAmountDecimal) },
    proration: false,
    quantity: input.quantity,
    quantity_decimal: Stripe.Decimal.from(input.quantity),
    tax_rates: [],
    test_clock: null,
  } satisfies Stripe.InvoiceItem;
}

/** The invoice line an invoice item becomes. */
export function lineOf(item: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
  return {
    id: newId("lineItem").replace(/^li_/, "il_"),
    object: "line_item",
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      type: "invoice_item_details",
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  } satisfies Stripe.InvoiceLineItem;
}

export interface InvoiceInput {
  customer: Stripe.Customer;
  currency: string;
  collectionMethod: "charge_automatically" | "send_invoice";
  daysUntilDue: number | null;
  dueDate: number | null;
  autoAdvance: boolean;
  defaultPaymentMethod: string | null;
  description: string | null;
  footer: string | null;
  metadata: Record<string, string>;
}

export interface InvoiceShellInput {
  id: string;
  created: number;
  accountName: string;
  customer: Stripe.Customer;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
}

/**
 * An invoice as Stripe first makes it: a draft with no lines and every amount 0. The platform's
 * invoices (buildDraftInvoice) and a business's own paid ones (merchant-objects.ts) start here.
 */
export function invoiceShell(input: InvoiceShellInput) {
  const { id, created } = input;
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: input.accountName,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: "manual",
    collection_method: "charge_automatically",
    created,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: input.customer.email ?? null,
    customer_name: input.customer.name ?? null,
    customer_phone: input.customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: emptyList<Stripe.InvoiceLineItem>(`/v1/invoices/${id}/lines`),
    livemode: false,
    metadata: input.metadata,
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  } satisfies Stripe.Invoice;
}

export function buildDraftInvoice(input: InvoiceInput): Stripe.Invoice {
  const created = nowSeconds();
  return {
    ...invoiceShell({
      id: newId("invoice"),
      created,
      accountName: "Leadex (emulated)",
      customer: input.customer,
      currency: input.currency,
      description: input.description,
      metadata: input.metadata,
    }),
    auto_advance: input.autoAdvance,
    // Stripe finalizes a draft with auto_advance an hour after creation; the emulator only when asked.
    automatically_finalizes_at: input.autoAdvance ? created + 3600 : null,
    collection_method: input.collectionMethod,
    default_payment_method: input.defaultPaymentMethod,
    due_date: input.dueDate,
    footer: input.footer,
    hosted_invoice_url: null,
    invoice_pdf: null,
  } satisfies Stripe.Invoice;
}

/** Recomputes a draft's totals from its lines. */
export function retotal(invoice: Stripe.Invoice): void {
  const total = invoice.lines.data.reduce((sum, line) => sum + line.amount, 0);
  invoice.subtotal = total;
  invoice.subtotal_excluding_tax = total;
  invoice.total = total;
  invoice.total_excluding_tax = total;
  invoice.amount_due = Math.max(0, total);
  invoice.amount_remaining = Math.max(0, total) - invoice.amount_paid;
  if (invoice.lines.data.length > 0) {
    invoice.period_start = Math.min(...invoice.lines.data.map((l) => l.period.start));
    invoice.period_end = Math.max(...invoice.lines.data.map((l) => l.period.end));
  }
}
