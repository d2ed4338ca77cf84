/**
 * Card charges on the platform's account: each successful one posts a `charge` balance
 * transaction of its amount less Stripe's processing fee (2.9% + 30¢, in `fee` / `fee_details`;
 * the charge itself shows the full amount, as on Stripe). Failed charges move no money.
 * `GET /v1/charges/:id` (expand balance_transaction, refunds) and `GET /v1/charges`.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, cannotExpand, listPage, route } from "./api-routes.js";
import { type Balances, PLATFORM, stripeProcessingFee } from "./balances.js";
import type { Decline } from "./cards.js";
import { noSuch } from "./errors.js";
import { newId, nowSeconds } from "./ids.js";
import { emptyList, snapshot } from "./objects.js";
import type { SavedCard } from "./payment-methods.js";

export interface ChargeInput {
  amount: number;
  currency: string;
  customer: string | null;
  paymentIntent: string;
  card: SavedCard;
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  transferGroup: string | null;
  statementDescriptorSuffix: string | null;
}

export class Charges {
  private readonly charges = new Map<string, Stripe.Charge>();
  /** Refunds of each charge, newest first (refunds.ts adds them). */
  readonly refundsOf = new Map<string, Stripe.Refund[]>();

  constructor(private readonly balances: Balances) {}

  /** A captured charge; its balance transaction carries Stripe's fee. */
  succeed(input: ChargeInput): Stripe.Charge {
    const charge = buildCharge(input, null);
    const fee = stripeProcessingFee(input.amount, input.currency);
    charge.balance_transaction = this.balances.post(PLATFORM, {
      currency: input.currency,
      amount: input.amount,
      type: "charge",
      reportingCategory: "charge",
      source: charge.id,
      description: input.description,
      fees: [{ amount: fee, description: "Stripe processing fees" }],
    }).id;
    this.charges.set(charge.id, charge);
    return charge;
  }

  fail(input: ChargeInput, decline: Decline): Stripe.Charge {
    const charge = buildCharge(input, decline);
    this.charges.set(charge.id, charge);
    return charge;
  }

  get(id: string, param = "id", status = 404): Stripe.Charge {
    const charge = this.charges.get(id);
    if (!charge) throw noSuch("charge", id, param, status);
    return charge;
  }

  /** The charge of a PaymentIntent that succeeded (its latest charge). */
  succeededChargeOf(pi: Stripe.PaymentIntent): Stripe.Charge | undefined {
    const id = typeof pi.latest_charge === "string" ? pi.latest_charge : pi.latest_charge?.id;
    const charge = id ? this.charges.get(id) : undefined;
    return charge?.status === "succeeded" ? charge : undefined;
  }

  routes(): Route[] {
    return [
      route("GET", `/v1/charges/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        return this.expand(this.get(c.ids[0]), c);
      }),
      route("GET", "/v1/charges", (c) => {
        c.params.allowOnly(["customer", "payment_intent", "limit", "starting_after", "ending_before", "expand"]);
        const customer = c.params.optionalString("customer");
        const paymentIntent = c.params.optionalString("payment_intent");
        const charges = [...this.charges.values()]
          .filter((ch) => (customer === null || ch.customer === customer) && (paymentIntent === null || ch.payment_intent === paymentIntent))
          .reverse();
        const page = listPage(c.params, charges, "/v1/charges", "charge");
        return { ...page, data: page.data.map((ch) => this.expand(ch, c, "data.")) };
      }),
    ];
  }

  private expand(charge: Stripe.Charge, { params }: Call, prefix = ""): Stripe.Charge {
    const out = snapshot(charge);
    params.stringArray("expand").forEach((path, i) => {
      if (path === `${prefix}balance_transaction`) {
        if (typeof charge.balance_transaction === "string") out.balance_transaction = this.balances.transaction(PLATFORM, charge.balance_transaction);
      } else if (path === `${prefix}refunds`) {
        out.refunds = { ...emptyList<Stripe.Refund>(`/v1/charges/${charge.id}/refunds`), data: snapshot(this.refundsOf.get(charge.id) ?? []) };
      } else {
        throw cannotExpand(path, i);
      }
    });
    return out;
  }
}

function buildCharge(input: ChargeInput, decline: Decline | null): Stripe.Charge {
  const { paymentMethod } = input.card;
  const card = paymentMethod.card!;
  const succeeded = decline === null;
  return {
    id: newId("charge"),
    object: "charge",
    amount: input.amount,
    amount_captured: succeeded ? input.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: paymentMethod.billing_details,
    calculated_statement_descriptor: "LEADEX",
    captured: succeeded,
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: input.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: succeeded ? "approved_by_network" : "declined_by_network",
      reason: decline?.declineCode ?? null,
      risk_level: "normal",
      seller_message: succeeded ? "Payment complete." : "The bank did not return any further details with this decline.",
      type: succeeded ? "authorized" : "issuer_declined",
    },
    paid: succeeded,
    payment_intent: input.paymentIntent,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: "card",
      card: {
        amount_authorized: succeeded ? input.amount : null,
        authorization_code: succeeded ? "123456" : null,
        brand: card.brand,
        checks: card.checks,
        country: card.country,
        electronic_commerce_indicator: null,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        installments: null,
        last4: card.last4,
        mandate: null,
        network: card.brand,
        network_transaction_id: succeeded ? "1234567890123456" : null,
        regulated_status: card.regulated_status,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: input.receiptEmail,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: input.statementDescriptorSuffix,
    status: succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: input.transferGroup,
  } satisfies Stripe.Charge;
}
