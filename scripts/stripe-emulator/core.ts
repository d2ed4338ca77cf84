/**
 * In-memory state of the emulated Stripe account and the operations on it. The HTTP layers
 * (api.ts, hosted-checkout.ts) validate input and translate between HTTP and these calls.
 */
import type Stripe from "stripe";
import { type CardForm, checkCard } from "./cards.js";
import type { Charges } from "./charges.js";
import { noSuch, invalidRequest } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { nowSeconds } from "./ids.js";
import {
  type CheckoutSessionInput,
  type CustomerInput,
  type LineItemInput,
  buildCheckoutSession,
  buildCustomer,
  buildLineItem,
  buildSucceededPaymentIntent,
  checkoutSessionCompletedEvent,
  checkoutSessionExpiredEvent,
  paymentIntentSucceededEvent,
} from "./objects.js";
import type { PaymentMethods } from "./payment-methods.js";
import type { SetupIntents } from "./setup-intents.js";

export type { RequestInfo };

export interface PaymentIntentData {
  metadata: Record<string, string>;
  description: string | null;
  receiptEmail: string | null;
  transferGroup: string | null;
  statementDescriptorSuffix: string | null;
}

export interface SessionRecord {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  paymentIntentData: PaymentIntentData;
}

export type PayResult =
  | { kind: "paid"; session: Stripe.Checkout.Session }
  | { kind: "already_paid"; session: Stripe.Checkout.Session }
  | { kind: "declined"; message: string; code: string; declineCode?: string }
  | { kind: "invalid"; message: string }
  | { kind: "not_open"; session: Stripe.Checkout.Session };

export class EmulatorCore {
  readonly customers = new Map<string, Stripe.Customer>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();

  /** Saved cards and SetupIntents (they need the customers, so they are set after construction). */
  billing!: { paymentMethods: PaymentMethods; setupIntents: SetupIntents };

  constructor(
    private readonly events: EventLog,
    private readonly charges: Charges,
    readonly emulatorUrl: () => string,
  ) {}

  // ---- customers -------------------------------------------------------------------------

  createCustomer(input: CustomerInput): Stripe.Customer {
    const customer = buildCustomer(input);
    this.customers.set(customer.id, customer);
    return customer;
  }

  getCustomer(id: string): Stripe.Customer {
    const customer = this.customers.get(id);
    if (!customer) throw noSuch("customer", id);
    return customer;
  }

  // ---- checkout sessions -----------------------------------------------------------------

  createCheckoutSession(
    input: Omit<CheckoutSessionInput, "emulatorUrl" | "amountTotal" | "currency" | "mode" | "setupIntent">,
    lineItems: LineItemInput[],
    paymentIntentData: PaymentIntentData,
  ): Stripe.Checkout.Session {
    const items = lineItems.map(buildLineItem);
    const session = buildCheckoutSession({
      ...input,
      mode: "payment",
      setupIntent: null,
      emulatorUrl: this.emulatorUrl(),
      currency: lineItems[0].currency,
      amountTotal: items.reduce((sum, li) => sum + li.amount_total, 0),
    });
    this.sessions.set(session.id, { session, lineItems: items, paymentIntentData });
    return session;
  }

  /** A Checkout Session in setup mode: it saves a card to the customer through a new SetupIntent. */
  createSetupSession(
    input: Omit<CheckoutSessionInput, "emulatorUrl" | "amountTotal" | "mode" | "setupIntent">,
    setupIntentData: { description: string | null; metadata: Record<string, string> },
  ): Stripe.Checkout.Session {
    const intent = this.billing.setupIntents.create({ customer: input.customer, ...setupIntentData });
    const session = buildCheckoutSession({ ...input, mode: "setup", setupIntent: intent.id, amountTotal: null, emulatorUrl: this.emulatorUrl() });
    const paymentIntentData = { metadata: {}, description: null, receiptEmail: null, transferGroup: null, statementDescriptorSuffix: null };
    this.sessions.set(session.id, { session, lineItems: [], paymentIntentData });
    return session;
  }

  /** The record, after expiring it if its `expires_at` has passed. */
  sessionRecord(id: string): SessionRecord | undefined {
    const record = this.sessions.get(id);
    if (record && record.session.status === "open" && record.session.expires_at <= nowSeconds()) {
      this.expire(record, null);
    }
    return record;
  }

  getCheckoutSession(id: string): SessionRecord {
    const record = this.sessionRecord(id);
    if (!record) throw noSuch("checkout.session", id);
    return record;
  }

  expireCheckoutSession(id: string, request: RequestInfo): Stripe.Checkout.Session {
    const record = this.getCheckoutSession(id);
    if (record.session.status !== "open") {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${record.session.status}".`,
        undefined,
        "checkout_session_not_open",
      );
    }
    this.expire(record, request);
    return record.session;
  }

  private expire(record: SessionRecord, request: RequestInfo): void {
    record.session.status = "expired";
    record.session.url = null;
    this.events.emitInBackground(checkoutSessionExpiredEvent(record.session, this.events.context(request)));
  }

  /** The email the payment page starts with: the session's customer_email or its customer's. */
  defaultEmail(record: SessionRecord): string {
    const { session } = record;
    const customer = typeof session.customer === "string" ? this.customers.get(session.customer) : undefined;
    return session.customer_email ?? customer?.email ?? "";
  }

  /** What submitting the hosted payment page does; webhooks are delivered before it resolves. */
  async payCheckoutSession(id: string, card: CardForm, email: string): Promise<PayResult> {
    const record = this.getCheckoutSession(id);
    const { session } = record;
    if (session.status === "complete") return { kind: "already_paid", session };
    if (session.status !== "open") return { kind: "not_open", session };
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { kind: "invalid", message: "Your email address is invalid." };
    const outcome = checkCard(card, new Date(), session.mode === "setup" ? "setup" : "payment");
    if (!outcome.ok) {
      return { kind: "declined", message: outcome.message, code: outcome.code, declineCode: outcome.declineCode };
    }
    const saved = this.billing.paymentMethods.get(this.billing.paymentMethods.create(card.number, { email }).id);
    const customerDetails = {
      address: null,
      business_name: null,
      email,
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    } satisfies Stripe.Checkout.Session.CustomerDetails;

    const customerId = typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
    if (session.mode === "setup") {
      session.status = "complete";
      session.url = null;
      session.customer_details = customerDetails;
      await this.billing.setupIntents.succeed(session.setup_intent as string, saved);
      await this.events.emitAndDeliver(checkoutSessionCompletedEvent(session, this.events.context(null)));
      return { kind: "paid", session };
    }

    const pi = buildSucceededPaymentIntent({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? "usd",
      customer: customerId,
      description: record.paymentIntentData.description,
      metadata: record.paymentIntentData.metadata,
      receiptEmail: record.paymentIntentData.receiptEmail,
      transferGroup: record.paymentIntentData.transferGroup,
      statementDescriptorSuffix: record.paymentIntentData.statementDescriptorSuffix,
    });
    // The charge shows the full amount; Stripe's fee is only on its balance transaction.
    const charge = this.charges.succeed({
      amount: pi.amount,
      currency: pi.currency,
      customer: customerId,
      paymentIntent: pi.id,
      card: saved,
      description: pi.description,
      metadata: pi.metadata ?? {},
      receiptEmail: pi.receipt_email,
      transferGroup: pi.transfer_group,
      statementDescriptorSuffix: pi.statement_descriptor_suffix,
    });
    pi.latest_charge = charge.id;
    pi.payment_method = saved.paymentMethod.id;
    this.paymentIntents.set(pi.id, pi);
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = pi.id;
    session.url = null;
    session.customer_details = customerDetails;

    const ctx = this.events.context(null);
    await this.events.emitAndDeliver(paymentIntentSucceededEvent(pi, ctx));
    await this.events.emitAndDeliver(checkoutSessionCompletedEvent(session, ctx));
    return { kind: "paid", session };
  }

  // ---- payment intents -------------------------------------------------------------------

  getPaymentIntent(id: string): Stripe.PaymentIntent {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw noSuch("payment_intent", id);
    return pi;
  }
}
