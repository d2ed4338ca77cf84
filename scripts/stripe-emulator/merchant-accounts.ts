/**
 * Other businesses' own Stripe accounts ("merchants": an advertiser selling to its customers), as
 * far as Leadex meets them. Leadex never calls their API: the business adds a Leadex URL as a
 * webhook endpoint in its account, pastes the endpoint's signing secret into Leadex, and its
 * account sends events there, signed with that secret in Stripe's format (webhooks.ts).
 *
 * Tests and the demo play the business through the /_emulator/merchants/* controls or the
 * StripeEmulator methods: an account with its endpoint, customers with metadata, invoices with
 * tax paid by card (a PaymentIntent and its charge), refunds of a charge in whole or in part.
 * The events are the ones Leadex asks the business to select (customer.created, customer.updated,
 * invoice_payment.paid, invoice.paid, charge.refunded), each delivered before the call resolves;
 * an account whose endpoint has no URL keeps its events undelivered until they are resent.
 */
import type Stripe from "stripe";
import { invalidRequest, noSuch } from "./errors.js";
import { EventLog } from "./event-log.js";
import { newId, nowSeconds } from "./ids.js";
import {
  buildInvoicePayment,
  buildPaidInvoice,
  buildRefund,
  buildSucceededCharge,
  chargeRefundedEvent,
  customerCreatedEvent,
  customerUpdatedEvent,
  invoicePaidEvent,
  invoicePaymentPaidEvent,
} from "./merchant-objects.js";
import { buildCustomer, type EmittedEvent } from "./objects.js";
import { WebhookSender } from "./webhooks.js";

export interface MerchantEndpoint {
  /** null: the endpoint is down (events wait to be resent). */
  url: string | null;
  secret: string;
}

export interface MerchantAccount {
  id: string;
  object: "merchant_account";
  webhook_url: string | null;
  webhook_secret: string;
}

export interface MerchantInvoiceInput {
  customer: string;
  /** Before tax, in the currency's minor unit. */
  amount: number;
  tax?: number;
  currency?: string;
  description?: string | null;
  metadata?: Record<string, string>;
}

/** What paying an invoice made: the invoice, and the charge a refund names. */
export interface PaidMerchantInvoice {
  invoice: Stripe.Invoice;
  charge: Stripe.Charge;
}

interface Merchant {
  id: string;
  endpoint: MerchantEndpoint;
  events: EventLog;
  sender: WebhookSender;
  customers: Map<string, Stripe.Customer>;
  charges: Map<string, Stripe.Charge>;
  refunds: Map<string, Stripe.Refund[]>;
}

export class MerchantAccounts {
  private readonly merchants = new Map<string, Merchant>();

  constructor(private readonly log: (line: string) => void) {}

  create(endpoint: { url: string | null; secret?: string }): MerchantAccount {
    const id = newId("account");
    const own: MerchantEndpoint = { url: endpoint.url, secret: endpoint.secret ?? newId("webhookSecret") };
    const sender = new WebhookSender({ endpoint: () => ({ url: own.url ?? undefined, secret: own.secret }), log: this.log });
    const merchant: Merchant = { id, endpoint: own, sender, events: new EventLog(sender), customers: new Map(), charges: new Map(), refunds: new Map() };
    this.merchants.set(id, merchant);
    return describe(merchant);
  }

  /** The business changes its endpoint's URL (null: down) or rolls its signing secret. */
  changeEndpoint(id: string, change: { url?: string | null; secret?: string }): MerchantAccount {
    const merchant = this.get(id);
    if (change.url !== undefined) merchant.endpoint.url = change.url;
    if (change.secret !== undefined) merchant.endpoint.secret = change.secret;
    return describe(merchant);
  }

  async createCustomer(id: string, input: { email?: string | null; name?: string | null; metadata?: Record<string, string> }): Promise<Stripe.Customer> {
    const merchant = this.get(id);
    const customer = buildCustomer({ email: input.email ?? null, name: input.name ?? null, description: null, phone: null, metadata: input.metadata ?? {} });
    merchant.customers.set(customer.id, customer);
    await merchant.events.emitAndDeliver(customerCreatedEvent(customer, merchant.events.context(null)));
    return customer;
  }

  /** Metadata is merged as on Stripe: a key set to "" is removed. */
  async updateCustomer(
    id: string,
    customerId: string,
    change: { email?: string | null; name?: string | null; metadata?: Record<string, string> },
  ): Promise<Stripe.Customer> {
    const merchant = this.get(id);
    const customer = this.customerOf(merchant, customerId);
    const previous: Partial<Stripe.Customer> = {};
    if (change.email !== undefined) {
      previous.email = customer.email;
      customer.email = change.email;
    }
    if (change.name !== undefined) {
      previous.name = customer.name;
      customer.name = change.name;
    }
    if (change.metadata !== undefined) {
      previous.metadata = { ...customer.metadata };
      const metadata = { ...customer.metadata, ...change.metadata };
      for (const [key, value] of Object.entries(change.metadata)) if (value === "") delete metadata[key];
      customer.metadata = metadata;
    }
    await merchant.events.emitAndDeliver(customerUpdatedEvent(customer, previous, merchant.events.context(null)));
    return customer;
  }

  /**
   * An invoice for `amount` plus `tax`, finalized and paid at once by card: sends
   * invoice_payment.paid (the PaymentIntent that paid it) then invoice.paid.
   */
  async payInvoice(id: string, input: MerchantInvoiceInput): Promise<PaidMerchantInvoice> {
    const merchant = this.get(id);
    const customer = this.customerOf(merchant, input.customer);
    if (!Number.isInteger(input.amount) || input.amount < 0) throw invalidRequest("amount must be a whole number of minor units, 0 or more", "amount");
    const tax = input.tax ?? 0;
    if (!Number.isInteger(tax) || tax < 0) throw invalidRequest("tax must be a whole number of minor units, 0 or more", "tax");
    const currency = (input.currency ?? "usd").toLowerCase();
    const paymentIntentId = newId("paymentIntent");
    const invoice = buildPaidInvoice({
      customer,
      currency,
      subtotal: input.amount,
      tax,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      paymentIntentId,
      paidAt: nowSeconds(),
    });
    const charge = buildSucceededCharge({ amount: invoice.total, currency, customer: customer.id, paymentIntentId, description: invoice.description });
    merchant.charges.set(charge.id, charge);
    const ctx = merchant.events.context(null);
    await merchant.events.emitAndDeliver(invoicePaymentPaidEvent(buildInvoicePayment(invoice, paymentIntentId), ctx));
    await merchant.events.emitAndDeliver(invoicePaidEvent(invoice, ctx));
    return { invoice, charge };
  }

  /** Refunds `amount` of the charge (default: what is left): sends charge.refunded with the cumulative amount_refunded. */
  async refundCharge(id: string, chargeId: string, amount?: number): Promise<Stripe.Refund> {
    const merchant = this.get(id);
    const charge = merchant.charges.get(chargeId);
    if (!charge) throw noSuch("charge", chargeId);
    const left = charge.amount - charge.amount_refunded;
    const refunding = amount ?? left;
    if (left === 0) throw invalidRequest(`Charge ${chargeId} has already been refunded.`, undefined, "charge_already_refunded");
    if (!Number.isInteger(refunding) || refunding <= 0 || refunding > left) {
      throw invalidRequest(`Refund amount (${refunding}) is greater than unrefunded amount on charge (${left})`, "amount", "amount_too_large");
    }
    const previous: Partial<Stripe.Charge> = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    const refund = buildRefund(charge, refunding);
    charge.amount_refunded += refunding;
    charge.refunded = charge.amount_refunded === charge.amount;
    merchant.refunds.set(chargeId, [...(merchant.refunds.get(chargeId) ?? []), refund]);
    await merchant.events.emitAndDeliver(chargeRefundedEvent(charge, previous, merchant.events.context(null)));
    return refund;
  }

  /** The account's events, oldest first, delivered or not. */
  events(id: string): EmittedEvent[] {
    return this.get(id).events.all();
  }

  /** The merchant event with this id and its sender, or undefined when no merchant sent it. */
  findEvent(eventId: string): { event: EmittedEvent; sender: WebhookSender } | undefined {
    for (const merchant of this.merchants.values()) {
      const event = merchant.events.all().find((e) => e.id === eventId);
      if (event) return { event, sender: merchant.sender };
    }
    return undefined;
  }

  async waitForWebhooks(): Promise<void> {
    for (const merchant of this.merchants.values()) await merchant.events.waitForWebhooks();
  }

  close(): void {
    for (const merchant of this.merchants.values()) merchant.sender.stop();
  }

  private get(id: string): Merchant {
    const merchant = this.merchants.get(id);
    if (!merchant) throw noSuch("merchant account", id);
    return merchant;
  }

  private customerOf(merchant: Merchant, customerId: string): Stripe.Customer {
    const customer = merchant.customers.get(customerId);
    if (!customer) throw noSuch("customer", customerId);
    return customer;
  }
}

function describe(merchant: Merchant): MerchantAccount {
  return { id: merchant.id, object: "merchant_account", webhook_url: merchant.endpoint.url, webhook_secret: merchant.endpoint.secret };
}
