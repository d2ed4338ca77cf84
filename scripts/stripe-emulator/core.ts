/**
 * In-memory state of the emulated Stripe account and the operations on it. The HTTP layers
 * (api.ts, hosted-checkout.ts) validate input and translate between HTTP and these calls.
 */
import type Stripe from "stripe";
import { type CardForm, checkCard } from "./cards.js";
import { noSuch, invalidRequest } from "./errors.js";
import { nowSeconds } from "./ids.js";
import {
  type CheckoutSessionInput,
  type CustomerInput,
  type EmittedEvent,
  type EventContext,
  type LineItemInput,
  type TransferInput,
  buildCheckoutSession,
  buildCustomer,
  buildLineItem,
  buildSucceededPaymentIntent,
  buildTransfer,
  checkoutSessionCompletedEvent,
  checkoutSessionExpiredEvent,
  paymentIntentSucceededEvent,
  transferCreatedEvent,
} from "./objects.js";
import type { DeliveryRecord, WebhookSender } from "./webhooks.js";

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

/** Who caused an event: an API request (id, idempotency key) or nothing (the hosted page). */
export type RequestInfo = Stripe.Event.Request | null;

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
  readonly transfers = new Map<string, Stripe.Transfer>();
  private readonly events: EmittedEvent[] = [];
  private readonly eventsById = new Map<string, EmittedEvent>();
  private backgroundQueue: Promise<void> = Promise.resolve();

  constructor(
    private readonly webhooks: WebhookSender,
    private readonly hasWebhookUrl: () => boolean,
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
    this.emitInBackground(checkoutSessionExpiredEvent(record.session, this.eventContext(request)));
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

    const ctx = this.eventContext(null);
    await this.emitAndDeliver(paymentIntentSucceededEvent(pi, ctx));
    await this.emitAndDeliver(checkoutSessionCompletedEvent(session, ctx));
    return { kind: "paid", session };
  }

  // ---- payment intents -------------------------------------------------------------------

  getPaymentIntent(id: string): Stripe.PaymentIntent {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw noSuch("payment_intent", id);
    return pi;
  }

  // ---- transfers -------------------------------------------------------------------------

  createTransfer(input: TransferInput, request: RequestInfo): Stripe.Transfer {
    const transfer = buildTransfer(input);
    this.transfers.set(transfer.id, transfer);
    this.emitInBackground(transferCreatedEvent(transfer, this.eventContext(request)));
    return transfer;
  }

  getTransfer(id: string): Stripe.Transfer {
    const transfer = this.transfers.get(id);
    if (!transfer) throw noSuch("transfer", id);
    return transfer;
  }

  // ---- events ----------------------------------------------------------------------------

  allEvents(): EmittedEvent[] {
    return [...this.events];
  }

  getEvent(id: string): EmittedEvent {
    const event = this.eventsById.get(id);
    if (!event) throw noSuch("event", id);
    return event;
  }

  deliveryRecord(eventId: string): DeliveryRecord | undefined {
    return this.webhooks.record(eventId);
  }

  /** Resolves when the deliveries started so far (including retries) have finished. */
  async waitForWebhooks(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.backgroundQueue;
      await queue;
    } while (queue !== this.backgroundQueue);
  }

  private eventContext(request: RequestInfo): EventContext {
    return { pendingWebhooks: this.hasWebhookUrl() ? 1 : 0, request };
  }

  private record(event: EmittedEvent): void {
    this.events.push(event);
    this.eventsById.set(event.id, event);
  }

  private async emitAndDeliver(event: EmittedEvent): Promise<void> {
    this.record(event);
    const delivery = this.webhooks.deliver(event).then(() => undefined);
    this.backgroundQueue = this.backgroundQueue.then(() => delivery);
    await delivery;
  }

  /** Like Stripe: the API call returns at once, the webhook follows. Deliveries run in order. */
  private emitInBackground(event: EmittedEvent): void {
    this.record(event);
    this.backgroundQueue = this.backgroundQueue.then(() => this.webhooks.deliver(event)).then(() => undefined);
  }
}
