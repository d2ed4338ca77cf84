/**
 * Refunds of the platform's card charges: `POST /v1/refunds` (by charge or payment_intent, the
 * amount defaulting to what is left), `GET /v1/refunds/:id`, `GET /v1/refunds`. Each refund posts
 * a `refund` balance transaction (Stripe keeps its processing fee) and sends `charge.refunded`
 * (the charge with its cumulative `amount_refunded`) and `refund.created`.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, cannotExpand, listPage, route } from "./api-routes.js";
import { type Balances, PLATFORM } from "./balances.js";
import type { Charges } from "./charges.js";
import { buildEvent, previousAttributes } from "./connect-objects.js";
import type { EmulatorCore } from "./core.js";
import { invalidRequest, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { newId, nowSeconds } from "./ids.js";
import { formatAmount, snapshot } from "./objects.js";

const REASONS = ["duplicate", "fraudulent", "requested_by_customer"] as const;

export interface RefundInput {
  charge: string | null;
  paymentIntent: string | null;
  amount: number | null;
  reason: Stripe.Refund.Reason | null;
  metadata: Record<string, string>;
}

export class Refunds {
  private readonly refunds = new Map<string, Stripe.Refund>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly charges: Charges,
    private readonly balances: Balances,
    private readonly events: EventLog,
  ) {}

  create(input: RefundInput, request: RequestInfo): Stripe.Refund {
    const charge = this.chargeToRefund(input);
    if (charge.disputed) {
      throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, "charge_disputed");
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, undefined, "charge_already_refunded");
    const amount = input.amount ?? remaining;
    if (amount > remaining) {
      const what = charge.amount_refunded === 0 ? "charge amount" : "unrefunded amount on charge";
      throw invalidRequest(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than ${what} (${formatAmount(remaining, charge.currency)})`,
        "amount",
        "amount_too_large",
      );
    }

    const refund: Stripe.Refund = {
      id: newId("refund"),
      object: "refund",
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      customer: typeof charge.customer === "string" ? charge.customer : (charge.customer?.id ?? null),
      customer_account: null,
      destination_details: {
        card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" },
        type: "card",
      },
      metadata: input.metadata,
      payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null),
      payment_method: typeof charge.payment_method === "string" ? charge.payment_method : null,
      reason: input.reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    refund.balance_transaction = this.balances.post(PLATFORM, {
      currency: charge.currency,
      amount: -amount,
      type: "refund",
      reportingCategory: "refund",
      source: refund.id,
      description: "REFUND FOR CHARGE",
    }).id;
    this.refunds.set(refund.id, refund);
    this.charges.refundsOf.set(charge.id, [refund, ...(this.charges.refundsOf.get(charge.id) ?? [])]);

    const before = snapshot(charge);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const ctx = this.events.context(request);
    this.events.emitInBackground(buildEvent("charge.refunded", charge, ctx, previousAttributes(before, charge)));
    this.events.emitInBackground(buildEvent("refund.created", refund, ctx));
    return refund;
  }

  get(id: string): Stripe.Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw noSuch("refund", id);
    return refund;
  }

  routes(): Route[] {
    return [
      route("POST", "/v1/refunds", (c) => this.expand(this.createRoute(c), c)),
      route("GET", `/v1/refunds/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        return this.expand(this.get(c.ids[0]), c);
      }),
      route("GET", "/v1/refunds", (c) => {
        c.params.allowOnly(["charge", "payment_intent", "created", "limit", "starting_after", "ending_before", "expand"]);
        const charge = c.params.optionalString("charge");
        const paymentIntent = c.params.optionalString("payment_intent");
        const refunds = [...this.refunds.values()]
          .filter((r) => (charge === null || r.charge === charge) && (paymentIntent === null || r.payment_intent === paymentIntent))
          .reverse();
        return listPage(c.params, refunds, "/v1/refunds", "refund");
      }),
    ];
  }

  private createRoute({ params, request }: Call): Stripe.Refund {
    params.allowOnly(["charge", "payment_intent", "amount", "reason", "metadata", "instructions_email", "expand"]);
    return this.create(
      {
        charge: params.optionalString("charge"),
        paymentIntent: params.optionalString("payment_intent"),
        amount: params.integer("amount", { min: 1 }) ?? null,
        reason: params.oneOf("reason", REASONS),
        metadata: params.metadata("metadata"),
      },
      request,
    );
  }

  private chargeToRefund(input: RefundInput): Stripe.Charge {
    if (input.charge !== null && input.paymentIntent !== null) {
      throw invalidRequest("You cannot specify both a charge and a payment_intent. Please specify only one.", "payment_intent");
    }
    if (input.charge !== null) {
      const charge = this.charges.get(input.charge, "charge", 400);
      if (charge.status !== "succeeded")
        throw invalidRequest(`Charge ${charge.id} has not succeeded; there is nothing to refund.`, "charge", "charge_not_refundable");
      return charge;
    }
    if (input.paymentIntent === null) {
      throw invalidRequest("One of the following params should be provided for this request: payment_intent or charge.", undefined, "parameter_missing");
    }
    const pi = this.core.paymentIntents.get(input.paymentIntent);
    if (!pi) throw noSuch("payment_intent", input.paymentIntent, "payment_intent", 400);
    const charge = this.charges.succeededChargeOf(pi);
    if (!charge) {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, "payment_intent", "charge_not_refundable");
    }
    return charge;
  }

  private expand(refund: Stripe.Refund, { params }: Call): Stripe.Refund {
    const out = snapshot(refund);
    params.stringArray("expand").forEach((path, i) => {
      if (path === "balance_transaction" && typeof refund.balance_transaction === "string") {
        out.balance_transaction = this.balances.transaction(PLATFORM, refund.balance_transaction);
      } else if (path === "charge" && typeof refund.charge === "string") {
        out.charge = this.charges.get(refund.charge);
      } else if (path !== "balance_transaction" && path !== "charge") {
        throw cannotExpand(path, i);
      }
    });
    return out;
  }
}
