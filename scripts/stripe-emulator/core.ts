/**
 * In-memory state of the emulated Stripe account and the operations on it. The HTTP layers
 * (api.ts, hosted-checkout.ts) validate input and translate between HTTP and these calls.
 */
import type Stripe from "stripe";
import { type CardForm, checkCard } from "./cards.js";
import { type Balances, PLATFORM } from "./balances.js";
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

  constructor(
    private readonly events: EventLog,
    private readonly balances: Balances,
    private readonly emulatorUrl: () => string,
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
    input: Omit<CheckoutSessionInput, "emulatorUrl" | "amountTotal" | "currency">,
    lineItems: LineItemInput[],
    paymentIntentData: PaymentIntentData,
  ): Stripe.Checkout.Session {
    const items = lineItems.map(buildLineItem);
    const session = buildCheckoutSession({
      ...input,
      emulatorUrl: this.emulatorUrl(),
      currency: lineItems[0].currency,
      amountTotal: items.reduce((sum, li) => sum + li.amount_total, 0),
    });
    this.sessions.set(session.id, { session, lineItems: items, paymentIntentData });
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
    const outcome = checkCard(card);
    if (!outcome.ok) {
      return { kind: "declined", message: outcome.message, code: outcome.code, declineCode: outcome.declineCode };
    }

    const customerId = typeof session.customer === "string" ? session.customer : (session.customer?.id ?? null);
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
    this.paymentIntents.set(pi.id, pi);
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = pi.id;
    session.url = null;
    session.customer_details = {
      address: null,
      business_name: null,
      email,
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };

    // The whole amount becomes available to the platform at once (no fees, no pending period).
    this.balances.adjust(PLATFORM, pi.currency, pi.amount);

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
