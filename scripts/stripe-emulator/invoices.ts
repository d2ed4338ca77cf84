/**
 * One-off invoices on the platform's account and their items:
 *   POST /v1/invoiceitems, GET /v1/invoiceitems[/:id]          (`invoiceitem.created`)
 *   POST /v1/invoices (draft; `invoice.created`), GET /v1/invoices[/:id]
 *   POST /v1/invoices/:id/finalize   draft -> open, numbered, due date for send_invoice (`invoice.finalized`)
 *   POST /v1/invoices/:id/pay        charges the default card off-session (`invoice_payment.paid`,
 *                                    `invoice.paid`, `invoice.payment_succeeded`, a charge + balance
 *                                    transaction), or fails (`invoice.payment_failed`; a card that
 *                                    needs authentication also `invoice.payment_action_required`);
 *                                    `paid_out_of_band=true` marks it paid without money (`invoice.paid`)
 *   POST /v1/invoices/:id/send       `invoice.sent` (send_invoice only; no email in test mode)
 *   POST /v1/invoices/:id/void       `invoice.voided`
 * Stripe's own schedule (auto-finalizing drafts, retrying failed payments, dunning emails) is not
 * emulated: the app or a control acts. Controls: the customer pays a sent invoice on the hosted
 * page, and the due date passes (`invoice.overdue`).
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, checkCurrency, listPage, route } from "./api-routes.js";
import { buildEvent, previousAttributes } from "./connect-objects.js";
import type { EmulatorCore } from "./core.js";
import { StripeApiError, invalidParam, invalidRequest, missingParam, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { type InvoiceItemInput, buildDraftInvoice, buildInvoiceItem, lineOf, retotal } from "./invoice-objects.js";
import { nowSeconds } from "./ids.js";
import { buildInvoicePayment } from "./merchant-objects.js";
import { emptyList, snapshot } from "./objects.js";
import type { ParamReader } from "./params.js";
import type { PaymentIntents } from "./payment-intents.js";
import type { PaymentMethods, SavedCard } from "./payment-methods.js";

const DAY_SECONDS = 24 * 60 * 60;
const STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;

const NO_PAYMENT_METHOD =
  "This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://docs.stripe.com/billing/subscriptions/payment-methods-setting#payment-method-priority.";

const REQUIRES_ACTION =
  "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice. For more details see: https://docs.stripe.com/billing/subscriptions/overview#requires-action";

export class Invoices {
  private readonly items = new Map<string, Stripe.InvoiceItem>();
  private readonly invoices = new Map<string, Stripe.Invoice>();
  private readonly payments = new Map<string, Stripe.InvoicePayment[]>();

  constructor(
    private readonly core: EmulatorCore,
    private readonly paymentMethods: PaymentMethods,
    private readonly paymentIntents: PaymentIntents,
    private readonly events: EventLog,
  ) {}

  getInvoice(id: string, param = "id", status = 404): Stripe.Invoice {
    const invoice = this.invoices.get(id);
    if (!invoice) throw noSuch("invoice", id, param, status);
    return invoice;
  }

  /** Emulator-only: the customer pays a finalized invoice by card on Stripe's hosted invoice page. */
  payOnHostedPage(id: string, cardNumber: string): Stripe.Invoice {
    const invoice = this.openInvoice(id, "paid");
    const card = this.paymentMethods.get(this.paymentMethods.create(cardNumber).id);
    const failure = this.collect(invoice, card, false, null);
    if (failure) throw failure;
    return invoice;
  }

  /** Emulator-only: the due date passes (`invoice.overdue`). */
  makeOverdue(id: string): Stripe.Invoice {
    const invoice = this.openInvoice(id, "be overdue");
    const before = snapshot(invoice);
    const now = nowSeconds();
    if (invoice.due_date === null || invoice.due_date >= now) invoice.due_date = now - DAY_SECONDS;
    this.events.emitInBackground(buildEvent("invoice.overdue", invoice, this.events.context(null), previousAttributes(before, invoice)));
    return invoice;
  }

  routes(): Route[] {
    return [
      route("POST", "/v1/invoiceitems", (c) => this.createItem(c)),
      route("GET", `/v1/invoiceitems/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        return this.item(c.ids[0]);
      }),
      route("GET", "/v1/invoiceitems", (c) => {
        c.params.allowOnly(["customer", "invoice", "pending", "created", "limit", "starting_after", "ending_before", "expand"]);
        const customer = c.params.optionalString("customer");
        const invoice = c.params.optionalString("invoice");
        const pending = c.params.boolean("pending");
        const items = [...this.items.values()]
          .filter(
            (ii) =>
              (customer === null || ii.customer === customer) &&
              (invoice === null || ii.invoice === invoice) &&
              (pending === undefined || (ii.invoice === null) === pending),
          )
          .reverse();
        return listPage(c.params, items, "/v1/invoiceitems", "invoiceitem");
      }),
      route("POST", "/v1/invoices", (c) => this.createInvoice(c)),
      route("GET", `/v1/invoices/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        return this.expand(this.getInvoice(c.ids[0]), c.params);
      }),
      route("GET", "/v1/invoices", (c) => {
        c.params.allowOnly(["customer", "status", "collection_method", "created", "due_date", "limit", "starting_after", "ending_before", "expand"]);
        const customer = c.params.optionalString("customer");
        const status = c.params.oneOf("status", STATUSES);
        const method = c.params.oneOf("collection_method", ["charge_automatically", "send_invoice"]);
        const invoices = [...this.invoices.values()]
          .filter(
            (i) =>
              (customer === null || i.customer === customer) && (status === null || i.status === status) && (method === null || i.collection_method === method),
          )
          .reverse();
        return listPage(c.params, invoices, "/v1/invoices", "invoice");
      }),
      route("POST", `/v1/invoices/${ID}/finalize`, (c) => {
        c.params.allowOnly(["auto_advance", "expand"]);
        const invoice = this.getInvoice(c.ids[0]);
        const autoAdvance = c.params.boolean("auto_advance");
        if (invoice.status !== "draft") {
          throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", undefined, "invoice_not_editable");
        }
        if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
        this.finalize(invoice, c.request);
        return this.expand(invoice, c.params);
      }),
      route("POST", `/v1/invoices/${ID}/pay`, (c) => this.expand(this.pay(c), c.params)),
      route("POST", `/v1/invoices/${ID}/send`, (c) => {
        c.params.allowOnly(["expand"]);
        const invoice = this.getInvoice(c.ids[0]);
        if (invoice.collection_method !== "send_invoice") {
          throw invalidRequest("You can only manually send an invoice if its collection method is 'send_invoice'.");
        }
        if (invoice.status !== "open") throw invalidRequest(`You can only send an invoice that is open; this invoice is ${invoice.status}.`);
        this.events.emitInBackground(buildEvent("invoice.sent", invoice, this.events.context(c.request)));
        return this.expand(invoice, c.params);
      }),
      route("POST", `/v1/invoices/${ID}/void`, (c) => {
        c.params.allowOnly(["expand"]);
        const invoice = this.getInvoice(c.ids[0]);
        if (invoice.status !== "open" && invoice.status !== "uncollectible") {
          throw invalidRequest(`You can only void an open or uncollectible invoice; this invoice is ${invoice.status}.`, undefined, "invoice_not_editable");
        }
        const before = snapshot(invoice);
        invoice.status = "void";
        invoice.status_transitions.voided_at = nowSeconds();
        invoice.auto_advance = false;
        invoice.next_payment_attempt = null;
        this.events.emitInBackground(buildEvent("invoice.voided", invoice, this.events.context(c.request), previousAttributes(before, invoice)));
        return this.expand(invoice, c.params);
      }),
    ];
  }

  // ---- invoice items -------------------------------------------------------------------------

  private item(id: string): Stripe.InvoiceItem {
    const item = this.items.get(id);
    if (!item) throw noSuch("invoiceitem", id);
    return item;
  }

  private createItem({ params, request }: Call): Stripe.InvoiceItem {
    params.allowOnly([
      "customer",
      "amount",
      "unit_amount_decimal",
      "quantity",
      "currency",
      "description",
      "metadata",
      "invoice",
      "period",
      "discountable",
      "expand",
    ]);
    const customer = this.core.customers.get(params.requiredString("customer"));
    if (!customer) throw noSuch("customer", params.requiredString("customer"), "customer", 400);
    const invoiceId = params.optionalString("invoice");
    const invoice = invoiceId === null ? null : this.getInvoice(invoiceId, "invoice", 400);
    if (invoice && invoice.customer !== customer.id) throw invalidParam("invoice", `Invoice ${invoice.id} belongs to another customer.`);
    if (invoice && invoice.status !== "draft") {
      throw invalidRequest(`You can only add invoice items to draft invoices; invoice ${invoice.id} is ${invoice.status}.`, "invoice", "invoice_not_editable");
    }
    const currency = checkCurrency("currency", params.optionalString("currency") ?? invoice?.currency ?? customer.currency ?? "usd");
    if (invoice && currency !== invoice.currency) throw invalidParam("currency", `The currency must be the invoice's (${invoice.currency}).`);
    const { amount, quantity, unitAmountDecimal } = readAmount(params);
    const period = params.object("period");
    period?.allowOnly(["start", "end"]);
    params.boolean("discountable");
    const input: InvoiceItemInput = {
      customer: customer.id,
      currency,
      amount,
      quantity,
      unitAmountDecimal,
      description: params.optionalString("description"),
      metadata: params.metadata("metadata"),
      invoice: invoice?.id ?? null,
      period: period ? { start: period.requiredInteger("start"), end: period.requiredInteger("end") } : null,
    };
    const item = buildInvoiceItem(input);
    this.items.set(item.id, item);
    if (invoice) {
      invoice.lines.data.push(lineOf(item, invoice.id));
      retotal(invoice);
    }
    this.events.emitInBackground(buildEvent("invoiceitem.created", item, this.events.context(request)));
    return item;
  }

  // ---- invoices ------------------------------------------------------------------------------

  private createInvoice({ params, request }: Call): Stripe.Invoice {
    params.allowOnly([
      "customer",
      "collection_method",
      "days_until_due",
      "due_date",
      "auto_advance",
      "metadata",
      "description",
      "footer",
      "currency",
      "default_payment_method",
      "pending_invoice_items_behavior",
      "expand",
    ]);
    const customerId = params.requiredString("customer");
    const customer = this.core.customers.get(customerId);
    if (!customer) throw noSuch("customer", customerId, "customer", 400);
    const collectionMethod = params.oneOf("collection_method", ["charge_automatically", "send_invoice"]) ?? "charge_automatically";
    const daysUntilDue = params.integer("days_until_due", { min: 0 }) ?? null;
    const dueDate = params.integer("due_date") ?? null;
    if (collectionMethod === "send_invoice" && daysUntilDue === null && dueDate === null) {
      throw invalidRequest("Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.", "days_until_due");
    }
    if (collectionMethod === "charge_automatically" && (daysUntilDue !== null || dueDate !== null)) {
      throw invalidParam(
        daysUntilDue !== null ? "days_until_due" : "due_date",
        "Invoices with `collection_method=charge_automatically` cannot have a due date.",
      );
    }
    if (daysUntilDue !== null && dueDate !== null) throw invalidParam("due_date", "You may only specify one of these parameters: days_until_due, due_date.");
    const defaultPaymentMethod = params.optionalString("default_payment_method");
    if (defaultPaymentMethod !== null) this.paymentMethods.ofThisCustomer(defaultPaymentMethod, customer.id, "default_payment_method");
    const behavior = params.oneOf("pending_invoice_items_behavior", ["exclude", "include"]) ?? "exclude";
    const currencyText = params.optionalString("currency");
    const pending = [...this.items.values()].filter((ii) => ii.customer === customer.id && ii.invoice === null);
    const currency = currencyText ? checkCurrency("currency", currencyText) : (pending[0]?.currency ?? customer.currency ?? "usd");

    const invoice = buildDraftInvoice({
      customer,
      currency,
      collectionMethod,
      daysUntilDue,
      dueDate,
      autoAdvance: params.boolean("auto_advance") ?? false,
      defaultPaymentMethod,
      description: params.optionalString("description"),
      footer: params.optionalString("footer"),
      metadata: params.metadata("metadata"),
    });
    this.invoices.set(invoice.id, invoice);
    this.dueDays.set(invoice.id, daysUntilDue);
    if (behavior === "include") {
      for (const item of pending.filter((ii) => ii.currency === currency)) {
        item.invoice = invoice.id;
        invoice.lines.data.push(lineOf(item, invoice.id));
      }
      retotal(invoice);
    }
    this.events.emitInBackground(buildEvent("invoice.created", invoice, this.events.context(request)));
    return invoice;
  }

  private readonly dueDays = new Map<string, number | null>();

  /** Draft -> open (numbered, due date set); a zero invoice is paid at once, as on Stripe. */
  private finalize(invoice: Stripe.Invoice, request: RequestInfo): void {
    const customer = this.core.getCustomer(invoice.customer as string);
    const now = nowSeconds();
    const before = snapshot(invoice);
    invoice.status = "open";
    invoice.number = `${customer.invoice_prefix ?? "EMU"}-${String(customer.next_invoice_sequence ?? 1).padStart(4, "0")}`;
    customer.next_invoice_sequence = (customer.next_invoice_sequence ?? 1) + 1;
    invoice.status_transitions.finalized_at = now;
    // Where the customer pays (the emulator's page is the payInvoiceOnHostedPage control).
    invoice.hosted_invoice_url = `${this.core.emulatorUrl()}/invoice/${invoice.id}`;
    invoice.effective_at = now;
    invoice.automatically_finalizes_at = null;
    invoice.starting_balance = 0;
    invoice.ending_balance = 0;
    const days = this.dueDays.get(invoice.id) ?? null;
    if (invoice.collection_method === "send_invoice" && days !== null) invoice.due_date = now + days * DAY_SECONDS;
    if (invoice.collection_method === "charge_automatically" && invoice.auto_advance) invoice.next_payment_attempt = now + 3600;
    const ctx = this.events.context(request);
    this.events.emitInBackground(buildEvent("invoice.finalized", invoice, ctx, previousAttributes(before, invoice)));
    if (invoice.amount_due === 0) this.markPaid(invoice, request);
  }

  private pay({ params, ids, request }: Call): Stripe.Invoice {
    params.allowOnly(["paid_out_of_band", "payment_method", "off_session", "forgive", "expand"]);
    const invoice = this.getInvoice(ids[0]);
    const outOfBand = params.boolean("paid_out_of_band") ?? false;
    const offSession = params.boolean("off_session") ?? true;
    params.boolean("forgive");
    const paymentMethodId = params.optionalString("payment_method");
    if (invoice.status === "paid") throw invalidRequest("Invoice is already paid.", undefined, "invoice_already_paid");
    if (invoice.status === "void" || invoice.status === "uncollectible") {
      throw invalidRequest(`This invoice is ${invoice.status} and can no longer be paid.`, undefined, "invoice_not_editable");
    }
    if (invoice.status === "draft") this.finalize(invoice, request);
    if (invoice.status === "paid") return invoice; // a zero invoice, paid by finalizing
    if (outOfBand) {
      if (paymentMethodId !== null) throw invalidParam("payment_method", "You cannot pass a payment_method when paying out of band.");
      this.markPaid(invoice, request, true);
      return invoice;
    }
    const customer = this.core.getCustomer(invoice.customer as string);
    const chosen = paymentMethodId ?? invoice.default_payment_method ?? customer.invoice_settings.default_payment_method;
    if (chosen === null) throw invalidRequest(NO_PAYMENT_METHOD, paymentMethodId === null ? undefined : "payment_method");
    const card = this.paymentMethods.ofThisCustomer(typeof chosen === "string" ? chosen : chosen.id, customer.id, "payment_method");
    const failure = this.collect(invoice, card, offSession, request);
    if (failure) throw failure;
    return invoice;
  }

  /** Attempts payment with the card: paid, or the error to answer (the failure events are sent). */
  private collect(invoice: Stripe.Invoice, card: SavedCard, offSession: boolean, request: RequestInfo): StripeApiError | null {
    const ctx = this.events.context(request);
    const before = snapshot(invoice);
    const pi = this.paymentIntents.open(
      {
        amount: invoice.amount_remaining,
        currency: invoice.currency,
        customer: invoice.customer as string,
        description: `Payment for Invoice ${invoice.number ?? invoice.id}`,
        metadata: {},
        receiptEmail: null,
        transferGroup: null,
        statementDescriptorSuffix: null,
        setupFutureUsage: null,
      },
      card.paymentMethod.id,
      request,
    );
    const result = this.paymentIntents.confirm(pi, card, offSession, request);
    invoice.attempt_count += 1;
    invoice.attempted = true;
    if (result.kind === "succeeded") {
      const payment = buildInvoicePayment({ ...invoice, amount_paid: invoice.amount_remaining }, pi.id);
      this.payments.set(invoice.id, [payment, ...(this.payments.get(invoice.id) ?? [])]);
      this.markPaid(invoice, request, false, before);
      this.events.emitInBackground(buildEvent("invoice.payment_succeeded", invoice, ctx));
      return null;
    }
    invoice.next_payment_attempt = null;
    const previous = previousAttributes(before, invoice);
    const needsAction = result.kind === "requires_action" || (result.kind === "failed" && result.error.code === "authentication_required");
    this.events.emitInBackground(buildEvent("invoice.payment_failed", invoice, ctx, previous));
    if (needsAction) {
      pi.status = "requires_action";
      this.events.emitInBackground(buildEvent("invoice.payment_action_required", invoice, ctx));
      return new StripeApiError(402, "card_error", REQUIRES_ACTION, "invoice_payment_intent_requires_action", undefined, { payment_intent: snapshot(pi) });
    }
    return result.kind === "failed" ? result.error : null;
  }

  private markPaid(invoice: Stripe.Invoice, request: RequestInfo, outOfBand = false, before = snapshot(invoice)): void {
    const paid = invoice.amount_remaining;
    invoice.status = "paid";
    invoice.amount_paid += paid;
    invoice.amount_remaining = 0;
    invoice.status_transitions.paid_at = nowSeconds();
    invoice.next_payment_attempt = null;
    invoice.auto_advance = false;
    const ctx = this.events.context(request);
    const payment = this.payments.get(invoice.id)?.[0];
    if (payment && !outOfBand) this.events.emitInBackground(buildEvent("invoice_payment.paid", payment, ctx));
    this.events.emitInBackground(buildEvent("invoice.paid", invoice, ctx, previousAttributes(before, invoice)));
  }

  private openInvoice(id: string, what: string): Stripe.Invoice {
    const invoice = this.getInvoice(id);
    if (invoice.status !== "open") throw invalidRequest(`Only an open invoice can ${what}; invoice ${id} is ${invoice.status}.`);
    return invoice;
  }

  private expand(invoice: Stripe.Invoice, params: ParamReader): Stripe.Invoice {
    const out = snapshot(invoice);
    params.stringArray("expand").forEach((path, i) => {
      if (path === "payments") {
        out.payments = {
          ...emptyList<Stripe.InvoicePayment>(`/v1/invoice_payments?invoice=${invoice.id}`),
          data: snapshot(this.payments.get(invoice.id) ?? []),
        };
      } else if (path === "customer") {
        out.customer = this.core.getCustomer(invoice.customer as string);
      } else {
        throw new StripeApiError(
          400,
          "invalid_request_error",
          `This property cannot be expanded (${path}) in the Leadex Stripe emulator.`,
          "parameter_invalid",
          `expand[${i}]`,
        );
      }
    });
    return out;
  }
}

/** `amount`, or `unit_amount_decimal` × `quantity` (whole cents, rounded as Stripe rounds). */
function readAmount(params: ParamReader): { amount: number; quantity: number; unitAmountDecimal: string } {
  const amount = params.integer("amount");
  const unitText = params.optionalString("unit_amount_decimal");
  const quantity = params.integer("quantity", { min: 1 });
  if (amount !== undefined && unitText !== null)
    throw invalidParam("unit_amount_decimal", "You may only specify one of these parameters: amount, unit_amount_decimal.");
  if (amount !== undefined) {
    if (quantity !== undefined && quantity !== 1)
      throw invalidParam("quantity", "You cannot specify both `amount` and a `quantity` other than 1; use unit_amount_decimal.");
    return { amount, quantity: 1, unitAmountDecimal: String(amount) };
  }
  if (unitText === null) throw missingParam("amount");
  if (!/^-?\d+(\.\d{1,12})?$/.test(unitText)) throw invalidRequest(`Invalid decimal: ${unitText}`, "unit_amount_decimal", "parameter_invalid");
  const qty = quantity ?? 1;
  return { amount: Math.round(Number(unitText) * qty), quantity: qty, unitAmountDecimal: unitText };
}
