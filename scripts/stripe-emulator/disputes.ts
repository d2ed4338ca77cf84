/**
 * Card disputes (chargebacks) on the platform's charges. The cardholder's bank opens one (an
 * emulator control): `charge.dispute.created`, then `charge.dispute.funds_withdrawn` with one
 * balance transaction taking the disputed amount plus Stripe's $15 dispute fee. The platform
 * submits evidence (`POST /v1/disputes/:id`: `charge.dispute.updated`) or accepts the loss
 * (`POST /v1/disputes/:id/close`). The bank decides (a control): won gives the disputed amount back
 * (`charge.dispute.funds_reinstated`; the fee stays with Stripe) and `charge.dispute.closed`
 * status won; lost is `charge.dispute.closed` status lost.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, listPage, noExpansions, route } from "./api-routes.js";
import { type Balances, DISPUTE_FEE, PLATFORM } from "./balances.js";
import type { Charges } from "./charges.js";
import { buildEvent, previousAttributes } from "./connect-objects.js";
import { invalidParam, invalidRequest, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { newId, nowSeconds } from "./ids.js";
import { snapshot } from "./objects.js";
import { updatedMetadata } from "./params.js";

const DAY_SECONDS = 24 * 60 * 60;

/** The text (or file id) evidence fields Stripe takes. */
const EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

export const DISPUTE_REASONS = [
  "bank_cannot_process",
  "credit_not_processed",
  "customer_initiated",
  "debit_not_authorized",
  "duplicate",
  "fraudulent",
  "general",
  "incorrect_account_details",
  "insufficient_funds",
  "product_not_received",
  "product_unacceptable",
  "subscription_canceled",
  "unrecognized",
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

const OPEN_STATUSES = new Set(["needs_response", "under_review", "warning_needs_response", "warning_under_review"]);

export class Disputes {
  private readonly disputes = new Map<string, Stripe.Dispute>();

  constructor(
    private readonly charges: Charges,
    private readonly balances: Balances,
    private readonly events: EventLog,
  ) {}

  /** Emulator-only: the cardholder disputes the charge (default: all of it that is not refunded). */
  open(chargeId: string, input: { amount?: number; reason?: DisputeReason }): Stripe.Dispute {
    const charge = this.charges.get(chargeId);
    if (charge.status !== "succeeded") throw invalidRequest(`Charge ${chargeId} did not succeed; it cannot be disputed.`);
    if (charge.disputed) throw invalidRequest(`Charge ${chargeId} is already disputed.`);
    const disputable = charge.amount - charge.amount_refunded;
    const amount = input.amount ?? disputable;
    if (amount < 1 || amount > disputable) {
      throw invalidParam("amount", `The disputed amount must be between 1 and ${disputable}, what the charge has that is not refunded.`);
    }
    const created = nowSeconds();
    const card = charge.payment_method_details?.card;
    const dispute: Stripe.Dispute = {
      id: newId("dispute"),
      object: "dispute",
      amount,
      balance_transactions: [],
      charge: charge.id,
      created,
      currency: charge.currency,
      enhanced_eligibility_types: [],
      evidence: emptyEvidence(),
      evidence_details: {
        due_by: created + 7 * DAY_SECONDS,
        enhanced_eligibility: {},
        has_evidence: false,
        past_due: false,
        submission_count: 0,
        submission_method: "not_submitted",
      },
      intended_submission_method: null,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null),
      payment_method_details: {
        type: "card",
        card: { brand: card?.brand ?? "visa", case_type: "chargeback", network: card?.network ?? "visa", network_reason_code: "10.4" },
      },
      reason: input.reason ?? "fraudulent",
      status: "needs_response",
    };
    const withdrawal = this.balances.post(PLATFORM, {
      currency: charge.currency,
      amount: -amount,
      type: "adjustment",
      reportingCategory: "dispute",
      source: dispute.id,
      description: `Chargeback withdrawal for ${charge.id}`,
      fees: [{ amount: DISPUTE_FEE, description: "Dispute fee" }],
    });
    dispute.balance_transactions = [withdrawal];
    this.disputes.set(dispute.id, dispute);
    charge.disputed = true;

    const ctx = this.events.context(null);
    this.events.emitInBackground(buildEvent("charge.dispute.created", dispute, ctx));
    this.events.emitInBackground(buildEvent("charge.dispute.funds_withdrawn", dispute, ctx));
    return dispute;
  }

  /** Emulator-only: the bank decides. Won returns the disputed amount (not the fee). */
  close(id: string, outcome: "won" | "lost"): Stripe.Dispute {
    const dispute = this.openDispute(id);
    const ctx = this.events.context(null);
    const before = snapshot(dispute);
    if (outcome === "won") {
      const charge = typeof dispute.charge === "string" ? dispute.charge : dispute.charge.id;
      dispute.balance_transactions.push(
        this.balances.post(PLATFORM, {
          currency: dispute.currency,
          amount: dispute.amount,
          type: "adjustment",
          reportingCategory: "dispute_reversal",
          source: dispute.id,
          description: `Chargeback reversal for ${charge}`,
        }),
      );
      this.events.emitInBackground(buildEvent("charge.dispute.funds_reinstated", dispute, ctx));
    }
    dispute.status = outcome;
    this.events.emitInBackground(buildEvent("charge.dispute.closed", dispute, ctx, previousAttributes(before, dispute)));
    return dispute;
  }

  get(id: string): Stripe.Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw noSuch("dispute", id);
    return dispute;
  }

  routes(): Route[] {
    return [
      route("GET", `/v1/disputes/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        noExpansions(c.params);
        return this.get(c.ids[0]);
      }),
      route("POST", `/v1/disputes/${ID}`, (c) => this.update(c)),
      route("POST", `/v1/disputes/${ID}/close`, (c) => {
        c.params.allowOnly(["expand"]);
        noExpansions(c.params);
        return this.accept(c.ids[0], c.request);
      }),
      route("GET", "/v1/disputes", (c) => {
        c.params.allowOnly(["charge", "payment_intent", "created", "limit", "starting_after", "ending_before", "expand"]);
        noExpansions(c.params);
        const charge = c.params.optionalString("charge");
        const paymentIntent = c.params.optionalString("payment_intent");
        const disputes = [...this.disputes.values()]
          .filter((d) => (charge === null || d.charge === charge) && (paymentIntent === null || d.payment_intent === paymentIntent))
          .reverse();
        return listPage(c.params, disputes, "/v1/disputes", "dispute");
      }),
    ];
  }

  /** Evidence (stored; `submit`, default true, sends it to the bank: status under_review) and metadata; `charge.dispute.updated`. */
  private update({ params, ids, request }: Call): Stripe.Dispute {
    params.allowOnly(["evidence", "metadata", "submit", "expand"]);
    noExpansions(params);
    const dispute = this.get(ids[0]);
    const evidence = params.object("evidence");
    evidence?.allowOnly(EVIDENCE_FIELDS);
    const submit = params.boolean("submit") ?? true;
    if (!OPEN_STATUSES.has(dispute.status)) {
      throw invalidRequest(`This dispute is already closed (status ${dispute.status}); it cannot be updated.`, undefined);
    }
    if (evidence && dispute.evidence_details.submission_count > 0) {
      throw invalidRequest("The evidence for this dispute has already been submitted; it cannot be changed.", "evidence");
    }
    const before = snapshot(dispute);
    const metadata = updatedMetadata(params, "metadata", dispute.metadata);
    if (evidence) {
      const stored = dispute.evidence as unknown as Record<string, string | null>;
      for (const field of EVIDENCE_FIELDS) {
        if (evidence.has(field)) stored[field] = evidence.optionalString(field);
      }
      dispute.evidence_details.has_evidence = EVIDENCE_FIELDS.some((f) => stored[f] !== null);
    }
    dispute.metadata = metadata;
    if (submit && (evidence || dispute.evidence_details.has_evidence)) {
      dispute.evidence_details.submission_count += 1;
      dispute.evidence_details.submission_method = "manual";
      dispute.status = dispute.status.startsWith("warning_") ? "warning_under_review" : "under_review";
    }
    const previous = previousAttributes(before, dispute);
    if (previous) this.events.emitInBackground(buildEvent("charge.dispute.updated", dispute, this.events.context(request), previous));
    return dispute;
  }

  /** The platform accepts the dispute: lost, `charge.dispute.closed`. */
  private accept(id: string, request: RequestInfo): Stripe.Dispute {
    const dispute = this.openDispute(id);
    const before = snapshot(dispute);
    dispute.status = "lost";
    this.events.emitInBackground(buildEvent("charge.dispute.closed", dispute, this.events.context(request), previousAttributes(before, dispute)));
    return dispute;
  }

  private openDispute(id: string): Stripe.Dispute {
    const dispute = this.get(id);
    if (!OPEN_STATUSES.has(dispute.status)) {
      throw invalidRequest(`Dispute ${id} is already closed (status ${dispute.status}).`);
    }
    return dispute;
  }
}

function emptyEvidence(): Stripe.Dispute.Evidence {
  const fields = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])) as Record<(typeof EVIDENCE_FIELDS)[number], null>;
  return { ...fields, enhanced_evidence: {} };
}
