/**
 * PaymentIntents created through the API: charging a saved card, typically off-session
 * (`customer`, `payment_method`, `off_session=true`, `confirm=true`). The card decides, as
 * Stripe's test cards do (cards.ts): success (`payment_intent.created`, `charge.succeeded`,
 * `payment_intent.succeeded`, a charge balance transaction with Stripe's fee); a card that needs
 * authentication fails off-session with 402 `authentication_required` (on-session it goes to
 * `requires_action`); a declined card fails with 402 `card_declined` and its `decline_code`
 * (`charge.failed`). A failure leaves the PaymentIntent in `requires_payment_method`, says so in
 * `payment_intent.payment_failed`, and the error carries the PaymentIntent, as on Stripe.
 * Also `GET /v1/payment_intents/:id`, `GET /v1/payment_intents`, `POST /v1/payment_intents/:id/cancel`.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, cannotExpand, checkCurrency, listPage, route } from "./api-routes.js";
import { offSessionOutcome } from "./cards.js";
import type { Charges } from "./charges.js";
import { buildEvent } from "./connect-objects.js";
import type { EmulatorCore } from "./core.js";
import { type StripeApiError, cardError, invalidParam, invalidRequest, missingParam, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { ZERO_DECIMAL_CURRENCIES, buildSucceededPaymentIntent, formatAmount, snapshot } from "./objects.js";
import { type PaymentMethods, type SavedCard, customerOf } from "./payment-methods.js";

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  transferGroup: string | null;
  statementDescriptorSuffix: string | null;
  setupFutureUsage: "off_session" | "on_session" | null;
}

export type ConfirmResult = { kind: "succeeded"; charge: Stripe.Charge } | { kind: "requires_action" } | { kind: "failed"; error: StripeApiError };

const AUTHENTICATION_REQUIRED = "Your card was declined. This transaction requires authentication.";

export class PaymentIntents {
  constructor(
    private readonly core: EmulatorCore,
    private readonly charges: Charges,
    private readonly paymentMethods: PaymentMethods,
    private readonly events: EventLog,
  ) {}

  /** A new PaymentIntent (`payment_intent.created`), not yet confirmed. */
  open(input: NewPaymentIntent, paymentMethod: string | null, request: RequestInfo): Stripe.PaymentIntent {
    const pi = buildSucceededPaymentIntent(input);
    pi.status = paymentMethod === null ? "requires_payment_method" : "requires_confirmation";
    pi.amount_received = 0;
    pi.latest_charge = null;
    pi.payment_method = paymentMethod;
    pi.setup_future_usage = input.setupFutureUsage;
    this.core.paymentIntents.set(pi.id, pi);
    this.events.emitInBackground(buildEvent("payment_intent.created", pi, this.events.context(request)));
    return pi;
  }

  /** Attempts the payment with the card; the events follow, the caller answers the result. */
  confirm(pi: Stripe.PaymentIntent, card: SavedCard, offSession: boolean, request: RequestInfo): ConfirmResult {
    const ctx = this.events.context(request);
    const pm = card.paymentMethod;
    pi.payment_method = pm.id;
    const outcome = offSessionOutcome(card.number);
    const customer = typeof pi.customer === "string" ? pi.customer : (pi.customer?.id ?? null);

    if (outcome === "succeeds") {
      const charge = this.charges.succeed({
        amount: pi.amount,
        currency: pi.currency,
        customer,
        paymentIntent: pi.id,
        card,
        description: pi.description,
        metadata: pi.metadata ?? {},
        receiptEmail: pi.receipt_email,
        transferGroup: pi.transfer_group,
        statementDescriptorSuffix: pi.statement_descriptor_suffix,
      });
      pi.status = "succeeded";
      pi.amount_received = pi.amount;
      pi.latest_charge = charge.id;
      pi.last_payment_error = null;
      if (pi.setup_future_usage && customer !== null && customerOf(pm) === null) this.paymentMethods.attach(pm.id, customer, request);
      this.events.emitInBackground(buildEvent("charge.succeeded", charge, ctx));
      this.events.emitInBackground(buildEvent("payment_intent.succeeded", pi, ctx));
      return { kind: "succeeded", charge };
    }

    if (outcome === "authentication_required") {
      if (!offSession) {
        pi.status = "requires_action";
        pi.next_action = { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: "" } };
        this.events.emitInBackground(buildEvent("payment_intent.requires_action", pi, ctx));
        return { kind: "requires_action" };
      }
      pi.status = "requires_payment_method";
      pi.last_payment_error = {
        code: "authentication_required",
        decline_code: "authentication_required",
        doc_url: "https://stripe.com/docs/error-codes/authentication-required",
        message: AUTHENTICATION_REQUIRED,
        payment_method: snapshot(pm),
        type: "card_error",
      };
      this.events.emitInBackground(buildEvent("payment_intent.payment_failed", pi, ctx));
      return {
        kind: "failed",
        error: cardError(AUTHENTICATION_REQUIRED, "authentication_required", {
          decline_code: "authentication_required",
          doc_url: "https://stripe.com/docs/error-codes/authentication-required",
          payment_intent: snapshot(pi),
          payment_method: snapshot(pm),
        }),
      };
    }

    const charge = this.charges.fail(
      {
        amount: pi.amount,
        currency: pi.currency,
        customer,
        paymentIntent: pi.id,
        card,
        description: pi.description,
        metadata: pi.metadata ?? {},
        receiptEmail: pi.receipt_email,
        transferGroup: pi.transfer_group,
        statementDescriptorSuffix: pi.statement_descriptor_suffix,
      },
      outcome,
    );
    pi.status = "requires_payment_method";
    pi.latest_charge = charge.id;
    pi.last_payment_error = {
      charge: charge.id,
      code: outcome.code,
      decline_code: outcome.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${outcome.code.replaceAll("_", "-")}`,
      message: outcome.message,
      payment_method: snapshot(pm),
      type: "card_error",
    };
    this.events.emitInBackground(buildEvent("charge.failed", charge, ctx));
    this.events.emitInBackground(buildEvent("payment_intent.payment_failed", pi, ctx));
    return {
      kind: "failed",
      error: cardError(outcome.message, outcome.code, {
        decline_code: outcome.declineCode,
        charge: charge.id,
        doc_url: `https://stripe.com/docs/error-codes/${outcome.code.replaceAll("_", "-")}`,
        payment_intent: snapshot(pi),
        payment_method: snapshot(pm),
      }),
    };
  }

  routes(): Route[] {
    return [
      route("POST", "/v1/payment_intents", (c) => this.expand(this.create(c), c)),
      route("GET", `/v1/payment_intents/${ID}`, (c) => {
        c.params.allowOnly(["expand", "client_secret"]);
        return this.expand(this.core.getPaymentIntent(c.ids[0]), c);
      }),
      route("GET", "/v1/payment_intents", (c) => {
        c.params.allowOnly(["customer", "created", "limit", "starting_after", "ending_before", "expand"]);
        const customer = c.params.optionalString("customer");
        const intents = [...this.core.paymentIntents.values()].filter((pi) => customer === null || pi.customer === customer).reverse();
        return listPage(c.params, intents, "/v1/payment_intents", "payment_intent");
      }),
      route("POST", `/v1/payment_intents/${ID}/cancel`, (c) => {
        c.params.allowOnly(["cancellation_reason", "expand"]);
        const reason = c.params.oneOf("cancellation_reason", ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]);
        const pi = this.core.getPaymentIntent(c.ids[0]);
        if (!["requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"].includes(pi.status)) {
          throw invalidRequest(
            `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
            undefined,
            "payment_intent_unexpected_state",
          );
        }
        pi.status = "canceled";
        pi.canceled_at = Math.floor(Date.now() / 1000);
        pi.cancellation_reason = reason;
        pi.next_action = null;
        this.events.emitInBackground(buildEvent("payment_intent.canceled", pi, this.events.context(c.request)));
        return this.expand(pi, c);
      }),
    ];
  }

  private create({ params, request }: Call): Stripe.PaymentIntent {
    params.allowOnly([
      "amount",
      "currency",
      "customer",
      "payment_method",
      "payment_method_types",
      "off_session",
      "confirm",
      "metadata",
      "description",
      "receipt_email",
      "statement_descriptor_suffix",
      "transfer_group",
      "setup_future_usage",
      "error_on_requires_action",
      "capture_method",
      "automatic_payment_methods",
      "return_url",
      "expand",
    ]);
    const amount = params.requiredInteger("amount", { min: 1 });
    const currency = checkCurrency("currency", params.requiredString("currency"));
    const minimum = ZERO_DECIMAL_CURRENCIES.has(currency) ? 1 : 50;
    if (amount < minimum) {
      throw invalidRequest(`Amount must be at least ${formatAmount(minimum, currency)} ${currency}`, "amount", "amount_too_small");
    }
    for (const type of params.stringArray("payment_method_types")) {
      if (type !== "card") throw invalidParam("payment_method_types", `The payment method type '${type}' is not supported here.`);
    }
    const capture = params.oneOf("capture_method", ["automatic", "automatic_async", "manual"]);
    if (capture === "manual") throw invalidParam("capture_method", "The Leadex Stripe emulator only captures at once (capture_method=automatic).");
    const apm = params.object("automatic_payment_methods");
    apm?.allowOnly(["enabled", "allow_redirects"]);
    apm?.boolean("enabled");
    params.boolean("error_on_requires_action");
    const returnUrl = params.optionalString("return_url");
    const confirm = params.boolean("confirm") ?? false;
    const offSessionText = params.optionalString("off_session");
    if (offSessionText !== null && !["true", "false", "one_off", "recurring"].includes(offSessionText)) {
      throw invalidParam("off_session", `Invalid off_session: must be a boolean, one_off or recurring.`);
    }
    const offSession = offSessionText !== null && offSessionText !== "false";
    if (offSessionText !== null && !confirm) {
      throw invalidParam("off_session", "You may only specify `off_session` when `confirm=true`.");
    }
    if (returnUrl !== null && !confirm) throw invalidParam("return_url", "You may only specify `return_url` when `confirm=true`.");

    const customer = params.optionalString("customer");
    if (customer !== null && !this.core.customers.has(customer)) throw noSuch("customer", customer, "customer", 400);
    const paymentMethodId = params.optionalString("payment_method");
    const card = paymentMethodId === null ? null : this.paymentMethods.resolve(paymentMethodId, "payment_method");
    if (card) {
      this.paymentMethods.checkReusable(card.paymentMethod.id, "payment_method");
      const owner = customerOf(card.paymentMethod);
      if (owner !== null && customer === null) {
        throw invalidRequest(
          `The provided PaymentMethod belongs to a Customer, but you did not provide a Customer. Please provide the Customer (${owner}) the PaymentMethod is attached to.`,
          "payment_method",
        );
      }
      if (owner !== null && owner !== customer) {
        throw invalidRequest(`The provided PaymentMethod ${card.paymentMethod.id} does not belong to the Customer ${customer}.`, "payment_method");
      }
    }
    if (confirm && card === null) {
      if (params.has("payment_method")) throw missingParam("payment_method");
      throw invalidRequest(
        `You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.`,
        undefined,
        "payment_intent_unexpected_state",
      );
    }

    const pi = this.open(
      {
        amount,
        currency,
        customer,
        description: params.optionalString("description"),
        metadata: params.metadata("metadata"),
        receiptEmail: params.optionalString("receipt_email"),
        transferGroup: params.optionalString("transfer_group"),
        statementDescriptorSuffix: params.optionalString("statement_descriptor_suffix"),
        setupFutureUsage: params.oneOf("setup_future_usage", ["off_session", "on_session"]),
      },
      card?.paymentMethod.id ?? null,
      request,
    );
    if (!confirm || card === null) return pi;
    const result = this.confirm(pi, card, offSession, request);
    if (result.kind === "failed") throw result.error;
    return pi;
  }

  private expand(pi: Stripe.PaymentIntent, { params }: Call): Stripe.PaymentIntent {
    const out = snapshot(pi);
    params.stringArray("expand").forEach((path, i) => {
      if (path === "customer") {
        if (typeof pi.customer === "string") out.customer = this.core.getCustomer(pi.customer);
      } else if (path === "latest_charge") {
        if (typeof pi.latest_charge === "string") out.latest_charge = this.charges.get(pi.latest_charge);
      } else if (path === "payment_method") {
        if (typeof pi.payment_method === "string") out.payment_method = this.paymentMethods.find(pi.payment_method)?.paymentMethod ?? pi.payment_method;
      } else {
        throw cannotExpand(path, i);
      }
    });
    return out;
  }
}
