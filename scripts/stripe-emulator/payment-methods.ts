/**
 * Card PaymentMethods: made when a hosted page takes a card (or from Stripe's `pm_card_*` test
 * tokens), saved to customers (attach / detach), and what charging each off-session does (the
 * card number stays here, never in the object). Also the customer's
 * `invoice_settings.default_payment_method`.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, listPage, noExpansions, route } from "./api-routes.js";
import { TEST_PAYMENT_METHOD_TOKENS, attachDecline, testCard } from "./cards.js";
import { buildEvent, previousAttributes } from "./connect-objects.js";
import type { EmulatorCore } from "./core.js";
import { cardError, invalidParam, invalidRequest, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { newId, nowSeconds } from "./ids.js";
import { snapshot } from "./objects.js";
import { updatedMetadata } from "./params.js";

export interface SavedCard {
  paymentMethod: Stripe.PaymentMethod;
  /** The test card number, which decides what charging it does. */
  number: string;
}

export class PaymentMethods {
  private readonly cards = new Map<string, SavedCard>();
  /** Detached PaymentMethods, which Stripe refuses to use again. */
  private readonly detached = new Set<string>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly events: EventLog,
  ) {}

  /** A new, unattached card PaymentMethod for one of Stripe's test card numbers. */
  create(cardNumber: string, billing: { email?: string | null } = {}): Stripe.PaymentMethod {
    const card = testCard(cardNumber);
    if (!card) throw invalidParam("card[number]", "Your card number is incorrect.");
    const expYear = new Date().getUTCFullYear() + 3;
    const paymentMethod = {
      id: newId("paymentMethod"),
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: { address: null, email: billing.email ?? null, name: null, phone: null, tax_id: null },
      card: {
        brand: card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        display_brand: card.brand,
        exp_month: 12,
        exp_year: expYear,
        fingerprint: fingerprintOf(card.number),
        funding: "credit",
        generated_from: null,
        last4: card.last4,
        networks: { available: [card.brand], preferred: null },
        regulated_status: "unregulated",
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: nowSeconds(),
      customer: null,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "card",
    } satisfies Stripe.PaymentMethod;
    this.cards.set(paymentMethod.id, { paymentMethod, number: card.number });
    return paymentMethod;
  }

  find(id: string): SavedCard | undefined {
    return this.cards.get(id);
  }

  get(id: string, param = "id", status = 404): SavedCard {
    const saved = this.cards.get(id);
    if (!saved) throw noSuch("PaymentMethod", id, param, status);
    return saved;
  }

  /**
   * The PaymentMethod a request names: an existing pm_ id, or a `pm_card_*` test token (each use
   * of a token makes a new PaymentMethod, as on Stripe).
   */
  resolve(id: string, param: string): SavedCard {
    const tokenCard = TEST_PAYMENT_METHOD_TOKENS[id];
    if (tokenCard) return this.get(this.create(tokenCard).id);
    return this.get(id, param, 400);
  }

  /** Refuses a PaymentMethod detached from its customer, as Stripe does. */
  checkReusable(id: string, param: string): void {
    if (this.detached.has(id)) {
      throw invalidRequest(
        "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.",
        param,
      );
    }
  }

  /** Saves the card to the customer (payment_method.attached); Stripe's validation declines a declining card. */
  attach(id: string, customerId: string, request: RequestInfo, opts: { validate: boolean } = { validate: true }): Stripe.PaymentMethod {
    this.core.getCustomer(customerId);
    const saved = this.resolve(id, "id");
    this.checkReusable(saved.paymentMethod.id, "id");
    const { paymentMethod } = saved;
    const current = customerOf(paymentMethod);
    if (current === customerId) return paymentMethod;
    if (current !== null) {
      throw invalidRequest(`The payment method you provided has already been attached to a customer.`, undefined, "payment_method_unexpected_state");
    }
    const decline = opts.validate ? attachDecline(saved.number) : null;
    if (decline) throw cardError(decline.message, decline.code, { decline_code: decline.declineCode, payment_method: snapshot(paymentMethod) });
    paymentMethod.customer = customerId;
    this.events.emitInBackground(buildEvent("payment_method.attached", paymentMethod, this.events.context(request)));
    return paymentMethod;
  }

  /** payment_method.detached; a detached default stops being the customer's default (customer.updated). */
  detach(id: string, request: RequestInfo): Stripe.PaymentMethod {
    const { paymentMethod } = this.get(id);
    const customerId = customerOf(paymentMethod);
    if (customerId === null) {
      throw invalidRequest(
        `The payment method you provided is not attached to a customer so detachment is impossible.`,
        undefined,
        "payment_method_unexpected_state",
      );
    }
    paymentMethod.customer = null;
    this.detached.add(paymentMethod.id);
    const customer = this.core.customers.get(customerId);
    if (customer?.invoice_settings.default_payment_method === paymentMethod.id) {
      this.updateCustomer(customerId, (c) => (c.invoice_settings.default_payment_method = null), request);
    }
    this.events.emitInBackground(buildEvent("payment_method.detached", paymentMethod, this.events.context(request), { customer: customerId }));
    return paymentMethod;
  }

  /** The customer's saved cards, newest first. */
  ofCustomer(customerId: string): Stripe.PaymentMethod[] {
    return [...this.cards.values()]
      .map((c) => c.paymentMethod)
      .filter((pm) => customerOf(pm) === customerId)
      .reverse();
  }

  /** Checks that the PaymentMethod is saved to this customer (what a default or an off-session charge needs). */
  ofThisCustomer(id: string, customerId: string, param: string): SavedCard {
    const saved = this.resolve(id, param);
    if (customerOf(saved.paymentMethod) !== customerId) {
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
        param,
        "resource_missing",
      );
    }
    return saved;
  }

  /** Changes the customer and sends customer.updated with what changed (nothing changed: no event). */
  updateCustomer(customerId: string, change: (customer: Stripe.Customer) => void, request: RequestInfo): Stripe.Customer {
    const customer = this.core.getCustomer(customerId);
    const before = snapshot(customer);
    change(customer);
    const previous = previousAttributes(before, customer);
    if (previous) this.events.emitInBackground(buildEvent("customer.updated", customer, this.events.context(request), previous));
    return customer;
  }

  routes(): Route[] {
    return [
      route("POST", `/v1/customers/${ID}`, (c) => this.updateCustomerRoute(c)),
      route("GET", `/v1/customers/${ID}/payment_methods`, (c) => {
        c.params.allowOnly(["type", "limit", "starting_after", "ending_before", "allow_redisplay", "expand"]);
        noExpansions(c.params);
        const type = c.params.optionalString("type");
        this.core.getCustomer(c.ids[0]);
        const methods = this.ofCustomer(c.ids[0]).filter((pm) => type === null || pm.type === type);
        return listPage(c.params, methods, `/v1/customers/${c.ids[0]}/payment_methods`, "payment_method");
      }),
      route("GET", `/v1/customers/${ID}/payment_methods/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        noExpansions(c.params);
        this.core.getCustomer(c.ids[0]);
        const saved = this.get(c.ids[1]);
        if (customerOf(saved.paymentMethod) !== c.ids[0]) throw noSuch("PaymentMethod", c.ids[1]);
        return saved.paymentMethod;
      }),
      route("GET", `/v1/payment_methods/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        noExpansions(c.params);
        return this.get(c.ids[0]).paymentMethod;
      }),
      route("POST", `/v1/payment_methods/${ID}/attach`, (c) => {
        c.params.allowOnly(["customer", "expand"]);
        noExpansions(c.params);
        const customer = c.params.requiredString("customer");
        if (!this.core.customers.has(customer)) throw noSuch("customer", customer, "customer", 400);
        return this.attach(c.ids[0], customer, c.request);
      }),
      route("POST", `/v1/payment_methods/${ID}/detach`, (c) => {
        c.params.allowOnly(["expand"]);
        noExpansions(c.params);
        return this.detach(c.ids[0], c.request);
      }),
    ];
  }

  private updateCustomerRoute({ params, ids, request }: Call): Stripe.Customer {
    params.allowOnly(["email", "name", "description", "phone", "metadata", "invoice_settings", "expand"]);
    noExpansions(params);
    const customer = this.core.getCustomer(ids[0]);
    const settings = params.object("invoice_settings");
    settings?.allowOnly(["default_payment_method", "footer"]);
    let defaultPaymentMethod: string | null | undefined;
    if (settings?.has("default_payment_method")) {
      const id = settings.optionalString("default_payment_method");
      defaultPaymentMethod = id === null ? null : this.ofThisCustomer(id, customer.id, "invoice_settings[default_payment_method]").paymentMethod.id;
    }
    const footer = settings?.has("footer") ? settings.optionalString("footer") : undefined;
    const text = (key: "email" | "name" | "description" | "phone") => (params.has(key) ? params.optionalString(key) : undefined);
    const [email, name, description, phone] = [text("email"), text("name"), text("description"), text("phone")];
    const metadata = updatedMetadata(params, "metadata", customer.metadata);
    return this.updateCustomer(
      customer.id,
      (c) => {
        if (email !== undefined) c.email = email;
        if (name !== undefined) c.name = name;
        if (description !== undefined) c.description = description;
        if (phone !== undefined) c.phone = phone;
        if (defaultPaymentMethod !== undefined) c.invoice_settings.default_payment_method = defaultPaymentMethod;
        if (footer !== undefined) c.invoice_settings.footer = footer;
        c.metadata = metadata;
      },
      request,
    );
  }
}

export function customerOf(pm: Stripe.PaymentMethod): string | null {
  return typeof pm.customer === "string" ? pm.customer : (pm.customer?.id ?? null);
}

/** The same card number always has the same fingerprint, as on Stripe. */
function fingerprintOf(number: string): string {
  let hash = 0;
  for (const ch of number) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `emu${hash.toString(36).padStart(13, "0")}`.slice(0, 16);
}
