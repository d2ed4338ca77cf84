/**
 * Builders for the API objects the emulator hands out. Every builder is checked against the
 * `stripe` package's own types (`satisfies`), so a field added to or renamed in the real API
 * shows up here as a type error when the SDK is upgraded.
 */
import Stripe from "stripe";
import { clientSecretFor, newId, nowSeconds } from "./ids.js";

export const API_VERSION: string = Stripe.API_VERSION;

/** Currencies whose amounts are in whole units (no minor unit). */
export const ZERO_DECIMAL_CURRENCIES = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);

export function formatAmount(amount: number, currency: string): string {
  const digits = ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase()) ? 0 : 2;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount / 10 ** digits);
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
  }
}

export function emptyList<T>(url: string): Stripe.ApiList<T> {
  return { object: "list", data: [], has_more: false, url };
}

export interface CustomerInput {
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Record<string, string>;
}

export function buildCustomer(input: CustomerInput): Stripe.Customer {
  return {
    id: newId("customer"),
    object: "customer",
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: input.description,
    discount: null,
    email: input.email,
    invoice_prefix: newId("product").slice(5, 13).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata,
    name: input.name,
    next_invoice_sequence: 1,
    phone: input.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  } satisfies Stripe.Customer;
}

export interface LineItemInput {
  currency: string;
  unitAmount: number;
  quantity: number;
  productName: string;
  productDescription: string | null;
}

/** A Checkout line item created from `price_data` (Stripe makes an inline price for it). */
export function buildLineItem(input: LineItemInput): Stripe.LineItem {
  const created = nowSeconds();
  const total = input.unitAmount * input.quantity;
  const price = {
    id: newId("price"),
    object: "price",
    active: false,
    billing_scheme: "per_unit",
    created,
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: newId("product"),
    recurring: null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "one_time",
    unit_amount: input.unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(input.unitAmount),
  } satisfies Stripe.Price;
  return {
    id: newId("lineItem"),
    object: "item",
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: input.currency,
    description: input.productName,
    metadata: {},
    price,
    quantity: input.quantity,
  } satisfies Stripe.LineItem;
}

export interface CheckoutSessionInput {
  emulatorUrl: string;
  mode: "payment" | "setup";
  /** Setup mode: the currency given, if any; no amounts. */
  currency: string | null;
  amountTotal: number | null;
  /** Setup mode: the SetupIntent the session completes. */
  setupIntent: string | null;
  successUrl: string;
  cancelUrl: string;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  expiresAt: number;
}

export function buildCheckoutSession(input: CheckoutSessionInput): Stripe.Checkout.Session {
  const id = newId("checkoutSession");
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: nowSeconds(),
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: input.customer,
    customer_account: null,
    customer_creation: input.customer || input.mode === "setup" ? null : "if_required",
    customer_details: null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: input.metadata,
    mode: input.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: input.mode === "setup" ? "always" : "if_required",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: input.mode === "setup" ? "no_payment_required" : "unpaid",
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: input.setupIntent,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: input.mode === "setup" ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${input.emulatorUrl}/checkout/${id}`,
    wallet_options: null,
  } satisfies Stripe.Checkout.Session;
}

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  transferGroup: string | null;
  statementDescriptorSuffix: string | null;
}

/** The PaymentIntent a Checkout Session creates once the customer pays successfully by card. */
export function buildSucceededPaymentIntent(input: PaymentIntentInput): Stripe.PaymentIntent {
  const id = newId("paymentIntent");
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: input.amount,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: clientSecretFor(id),
    confirmation_method: "automatic",
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: newId("charge"),
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: newId("paymentMethod"),
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: input.statementDescriptorSuffix,
    status: "succeeded",
    transfer_data: null,
    transfer_group: input.transferGroup,
  } satisfies Stripe.PaymentIntent;
}

/** Snapshot of an object as it goes over the wire (what an event's `data.object` holds). */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface EventContext {
  pendingWebhooks: number;
  request: Stripe.Event.Request | null;
  /** Set for events that happen on a connected account (Connect webhooks carry it). */
  account?: string;
}

export function envelope(ctx: EventContext) {
  return {
    id: newId("event"),
    object: "event",
    ...(ctx.account ? { account: ctx.account } : {}),
    api_version: API_VERSION,
    created: nowSeconds(),
    livemode: false,
    pending_webhooks: ctx.pendingWebhooks,
    request: ctx.request ?? { id: null, idempotency_key: null },
  } satisfies Omit<Stripe.EventBase, "type" | "data">;
}

export type EmittedEvent =
  | Stripe.PaymentIntentSucceededEvent
  | Stripe.CheckoutSessionCompletedEvent
  | Stripe.CheckoutSessionExpiredEvent
  | Stripe.AccountUpdatedEvent
  | Stripe.TransferCreatedEvent
  | Stripe.TransferUpdatedEvent
  | Stripe.TransferReversedEvent
  | Stripe.PayoutCreatedEvent
  | Stripe.PayoutPaidEvent
  | Stripe.PayoutFailedEvent
  // A business's own account (merchant-accounts.ts), to the endpoint it configured:
  | Stripe.CustomerCreatedEvent
  | Stripe.CustomerUpdatedEvent
  | Stripe.InvoicePaymentPaidEvent
  | Stripe.InvoicePaidEvent
  | Stripe.ChargeRefundedEvent
  // Billing on the platform's own account (charges, refunds, disputes, saved cards, invoices):
  | Stripe.ChargeSucceededEvent
  | Stripe.ChargeFailedEvent
  | Stripe.RefundCreatedEvent
  | Stripe.ChargeDisputeCreatedEvent
  | Stripe.ChargeDisputeFundsWithdrawnEvent
  | Stripe.ChargeDisputeFundsReinstatedEvent
  | Stripe.ChargeDisputeUpdatedEvent
  | Stripe.ChargeDisputeClosedEvent
  | Stripe.SetupIntentCreatedEvent
  | Stripe.SetupIntentSucceededEvent
  | Stripe.PaymentMethodAttachedEvent
  | Stripe.PaymentMethodDetachedEvent
  | Stripe.PaymentIntentCreatedEvent
  | Stripe.PaymentIntentPaymentFailedEvent
  | Stripe.PaymentIntentRequiresActionEvent
  | Stripe.PaymentIntentCanceledEvent
  | Stripe.InvoiceItemCreatedEvent
  | Stripe.InvoiceCreatedEvent
  | Stripe.InvoiceFinalizedEvent
  | Stripe.InvoiceUpdatedEvent
  | Stripe.InvoicePaymentSucceededEvent
  | Stripe.InvoicePaymentFailedEvent
  | Stripe.InvoicePaymentActionRequiredEvent
  | Stripe.InvoiceSentEvent
  | Stripe.InvoiceVoidedEvent
  | Stripe.InvoiceOverdueEvent;

export function paymentIntentSucceededEvent(pi: Stripe.PaymentIntent, ctx: EventContext) {
  return {
    ...envelope(ctx),
    type: "payment_intent.succeeded",
    data: { object: snapshot(pi) },
  } satisfies Stripe.PaymentIntentSucceededEvent;
}

export function checkoutSessionCompletedEvent(session: Stripe.Checkout.Session, ctx: EventContext) {
  return {
    ...envelope(ctx),
    type: "checkout.session.completed",
    data: { object: snapshot(session) },
  } satisfies Stripe.CheckoutSessionCompletedEvent;
}

export function checkoutSessionExpiredEvent(session: Stripe.Checkout.Session, ctx: EventContext) {
  return {
    ...envelope(ctx),
    type: "checkout.session.expired",
    data: { object: snapshot(session) },
  } satisfies Stripe.CheckoutSessionExpiredEvent;
}
