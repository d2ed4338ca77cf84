/**
 * Emulator-only controls: things that on Stripe happen outside the API (a person in the
 * dashboard, Stripe's own checks, a bank). They are NOT part of Stripe's API; the app must never
 * call them, only tests, the demo seed and people poking at the emulator. Bodies are JSON (an
 * empty body is `{}`); answers are JSON, errors in Stripe's error envelope. Each answers after
 * the webhooks it caused have been delivered, so a test can assert on their effects at once.
 *
 *   POST /_emulator/balance
 *        {amount, currency="usd", account?}      adds money (negative: takes it) to the platform's
 *                                                 available balance, or the connected account's.
 *                                                 Answers the Stripe.Balance. No event.
 *   POST /_emulator/accounts/:id/complete_onboarding
 *                                                 what "Complete onboarding" on the hosted page does;
 *                                                 sends account.updated. Answers the Account.
 *   POST /_emulator/accounts/:id/requirements
 *        {currently_due?, eventually_due?, past_due?, pending_verification?: string[],
 *         current_deadline?: unix|null, disabled_reason?: string|null,
 *         payouts_enabled?, charges_enabled?: boolean,
 *         capabilities?: {transfers?, card_payments?: "active"|"inactive"|"pending"}}
 *                                                 Stripe asks for more, or disables the account.
 *                                                 Left-out fields stay; eventually_due defaults to
 *                                                 currently_due + past_due; with a disabled_reason,
 *                                                 payouts, charges and capabilities turn off unless
 *                                                 given. Sends account.updated. Answers the Account.
 *   POST /_emulator/accounts/:id/expire_account_links
 *                                                 every unused link of the account expires now.
 *                                                 Answers {expired: n}.
 *   POST /_emulator/accounts/:id/payouts          Stripe's automatic payout: the whole available
 *                                                 balance, one payout per currency (automatic=true).
 *                                                 Sends payout.created. Answers a list of Payouts.
 *   POST /_emulator/transfers/:id/reverse
 *        {amount?, metadata?}                     a reversal made in the dashboard: same as
 *                                                 POST /v1/transfers/:id/reversals. Sends
 *                                                 transfer.reversed. Answers the TransferReversal.
 *   POST /_emulator/payouts/:id/pay               the payout arrives: status paid, payout.paid.
 *   POST /_emulator/payouts/:id/fail
 *        {failure_code="could_not_process", failure_message?}
 *                                                 the bank returns it (also after paid): status
 *                                                 failed, funds back on the balance, payout.failed.
 *   POST /_emulator/faults
 *        {rate: 0..1, kinds?: ("api_error"|"connection_reset")[]}
 *                                                 from now on that share of /v1 calls fails before
 *                                                 it has any effect: a 500 api_error in Stripe's
 *                                                 envelope, or a dropped connection (faults.ts);
 *                                                 rate 0 turns it off. Answers {rate, kinds, calls,
 *                                                 injected: {api_error, connection_reset}}.
 *
 * Another business's own Stripe account (merchant-accounts.ts: an advertiser's), which sends its
 * own events to the endpoint it configured, signed with that endpoint's secret:
 *   POST /_emulator/merchants
 *        {webhook_url?, webhook_secret?}         a new account whose endpoint is that URL (none:
 *                                                 events wait) and secret (default: a new whsec_).
 *                                                 Answers {id, webhook_url, webhook_secret}.
 *   POST /_emulator/merchants/:id/endpoint
 *        {webhook_url?: string|null, webhook_secret?}
 *                                                 the business changes its endpoint or rolls the secret.
 *   POST /_emulator/merchants/:id/customers
 *        {email?, name?, metadata?}              a customer; sends customer.created. Answers the Customer.
 *   POST /_emulator/merchants/:id/customers/:cus
 *        {email?, name?, metadata?}              an update (metadata merged, "" removes a key);
 *                                                 sends customer.updated. Answers the Customer.
 *   POST /_emulator/merchants/:id/invoices
 *        {customer, amount, tax=0, currency="usd", description?, metadata?}
 *                                                 an invoice of amount + tax, paid at once by card;
 *                                                 sends invoice_payment.paid, invoice.paid.
 *                                                 Answers {invoice, charge}.
 *   POST /_emulator/merchants/:id/charges/:ch/refund
 *        {amount?}                               refunds part (default: all that is left); sends
 *                                                 charge.refunded. Answers the Refund.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { PLATFORM } from "./balances.js";
import type { ConnectAccounts, RequirementsChange } from "./connect-accounts.js";
import { type ConnectMoney, PAYOUT_FAILURES, type PayoutFailureCode } from "./connect-money.js";
import { StripeApiError, invalidRequest, unknownParam } from "./errors.js";
import type { EventLog } from "./event-log.js";
import { FAULT_KINDS, type FaultSettings, type Faults } from "./faults.js";
import { DISPUTE_REASONS, type Disputes } from "./disputes.js";
import type { Invoices } from "./invoices.js";
import type { MerchantAccounts } from "./merchant-accounts.js";
import type { PaymentMethods } from "./payment-methods.js";
import type Stripe from "stripe";
import { BodyTooLargeError, readBody, send } from "./http-util.js";
import { snapshot } from "./objects.js";

const capabilityStatus = z.enum(["active", "inactive", "pending"]);
const fieldList = z.array(z.string().min(1));
const metadata = z.record(z.string().max(40), z.string().max(500));

const schemas = {
  balance: z.strictObject({
    amount: z
      .number()
      .int()
      .refine((n) => n !== 0, "amount must not be 0"),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/)
      .default("usd"),
    account: z.string().optional(),
  }),
  requirements: z.strictObject({
    currently_due: fieldList.optional(),
    eventually_due: fieldList.optional(),
    past_due: fieldList.optional(),
    pending_verification: fieldList.optional(),
    current_deadline: z.number().int().nullable().optional(),
    disabled_reason: z
      .enum([
        "action_required.requested_capabilities",
        "listed",
        "other",
        "platform_paused",
        "rejected.fraud",
        "rejected.incomplete_verification",
        "rejected.listed",
        "rejected.other",
        "rejected.platform_fraud",
        "rejected.platform_other",
        "rejected.platform_terms_of_service",
        "rejected.terms_of_service",
        "requirements.past_due",
        "requirements.pending_verification",
        "under_review",
      ])
      .nullable()
      .optional(),
    payouts_enabled: z.boolean().optional(),
    charges_enabled: z.boolean().optional(),
    capabilities: z.strictObject({ transfers: capabilityStatus.optional(), card_payments: capabilityStatus.optional() }).optional(),
  }) satisfies z.ZodType<RequirementsChange>,
  reverse: z.strictObject({ amount: z.number().int().positive().optional(), metadata: metadata.optional() }),
  fail: z.strictObject({
    failure_code: z.enum(Object.keys(PAYOUT_FAILURES) as [PayoutFailureCode, ...PayoutFailureCode[]]).default("could_not_process"),
    failure_message: z.string().min(1).optional(),
  }),
  none: z.strictObject({}),
  merchant: z.strictObject({ webhook_url: z.string().url().optional(), webhook_secret: z.string().min(1).optional() }),
  endpoint: z.strictObject({ webhook_url: z.string().url().nullable().optional(), webhook_secret: z.string().min(1).optional() }),
  customer: z.strictObject({ email: z.string().email().nullable().optional(), name: z.string().nullable().optional(), metadata: metadata.optional() }),
  invoice: z.strictObject({
    customer: z.string().min(1),
    amount: z.number().int().min(0),
    tax: z.number().int().min(0).default(0),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/)
      .default("usd"),
    description: z.string().nullable().optional(),
    metadata: metadata.optional(),
  }),
  refund: z.strictObject({ amount: z.number().int().positive().optional() }),
  dispute: z.strictObject({ amount: z.number().int().positive().optional(), reason: z.enum(DISPUTE_REASONS).optional() }),
  closeDispute: z.strictObject({ outcome: z.enum(["won", "lost"]) }),
  saveCard: z.strictObject({ card_number: z.string().min(1), default: z.boolean().default(false) }),
  payInvoice: z.strictObject({ card_number: z.string().min(1).default("4242424242424242") }),
  faults: z.strictObject({ rate: z.number().min(0).max(1), kinds: z.array(z.enum(FAULT_KINDS)).min(1).optional() }) satisfies z.ZodType<FaultSettings>,
};

export interface BillingControls {
  disputes: Disputes;
  invoices: Invoices;
  paymentMethods: PaymentMethods;
}

type Control = { pattern: RegExp; run: (ids: string[], body: unknown) => object | Promise<object> };

export class EmulatorControls {
  private readonly controls: Control[];

  constructor(
    accounts: ConnectAccounts,
    money: ConnectMoney,
    private readonly events: EventLog,
    private readonly log: (line: string) => void,
    private readonly merchants: MerchantAccounts,
    private readonly billing: BillingControls,
    faults: Faults,
  ) {
    const c = (path: string, run: Control["run"]): Control => ({ pattern: new RegExp(`^/_emulator${path}$`), run });
    const ID = "([^/]+)";
    this.controls = [
      c("/balance", (_, body) => {
        const { amount, currency, account } = parse(schemas.balance, body);
        return money.addFunds(account ?? PLATFORM, amount, currency.toLowerCase());
      }),
      c(`/accounts/${ID}/complete_onboarding`, ([id], body) => {
        parse(schemas.none, body);
        return accounts.completeOnboarding(id);
      }),
      c(`/accounts/${ID}/requirements`, ([id], body) => accounts.changeRequirements(id, parse(schemas.requirements, body))),
      c(`/accounts/${ID}/expire_account_links`, ([id], body) => {
        parse(schemas.none, body);
        return { expired: accounts.expireLinks(id) };
      }),
      c(`/accounts/${ID}/payouts`, ([id], body) => {
        parse(schemas.none, body);
        const payouts = money.payOutAvailableBalance(id);
        return { object: "list", data: payouts, has_more: false, url: "/v1/payouts" };
      }),
      c(`/transfers/${ID}/reverse`, ([id], body) => {
        const { amount, metadata: meta } = parse(schemas.reverse, body);
        return money.reverseTransfer(id, amount ?? null, meta ?? {}, null);
      }),
      c(`/payouts/${ID}/pay`, ([id], body) => {
        parse(schemas.none, body);
        return money.payPayout(id);
      }),
      c(`/payouts/${ID}/fail`, ([id], body) => {
        const { failure_code, failure_message } = parse(schemas.fail, body);
        return money.failPayout(id, failure_code, failure_message ?? null);
      }),
      c("/merchants", (_, body) => {
        const { webhook_url, webhook_secret } = parse(schemas.merchant, body);
        return merchants.create({ url: webhook_url ?? null, secret: webhook_secret });
      }),
      c(`/merchants/${ID}/endpoint`, ([id], body) => {
        const { webhook_url, webhook_secret } = parse(schemas.endpoint, body);
        return merchants.changeEndpoint(id, { url: webhook_url, secret: webhook_secret });
      }),
      c(`/merchants/${ID}/customers`, ([id], body) => merchants.createCustomer(id, parse(schemas.customer, body))),
      c(`/merchants/${ID}/customers/${ID}`, ([id, customer], body) => merchants.updateCustomer(id, customer, parse(schemas.customer, body))),
      c(`/merchants/${ID}/invoices`, ([id], body) => merchants.payInvoice(id, parse(schemas.invoice, body))),
      c(`/merchants/${ID}/charges/${ID}/refund`, ([id, charge], body) => merchants.refundCharge(id, charge, parse(schemas.refund, body).amount)),
      c(`/charges/${ID}/dispute`, ([id], body) => billing.disputes.open(id, parse(schemas.dispute, body))),
      c(`/disputes/${ID}/close`, ([id], body) => billing.disputes.close(id, parse(schemas.closeDispute, body).outcome)),
      c(`/customers/${ID}/payment_methods`, ([id], body) => {
        const { card_number, default: makeDefault } = parse(schemas.saveCard, body);
        return this.saveCard(id, card_number, makeDefault);
      }),
      c(`/invoices/${ID}/pay`, ([id], body) => billing.invoices.payOnHostedPage(id, parse(schemas.payInvoice, body).card_number)),
      c("/faults", (_, body) => faults.set(parse(schemas.faults, body))),
      c(`/invoices/${ID}/overdue`, ([id], body) => {
        parse(schemas.none, body);
        return billing.invoices.makeOverdue(id);
      }),
    ];
  }

  /** Saves any test card to the customer, even one that declines now (it declined after it was saved). */
  saveCard(customerId: string, cardNumber: string, makeDefault: boolean): Stripe.PaymentMethod {
    const { paymentMethods } = this.billing;
    const pm = paymentMethods.create(cardNumber);
    paymentMethods.attach(pm.id, customerId, null, { validate: false });
    if (makeDefault) paymentMethods.updateCustomer(customerId, (c) => (c.invoice_settings.default_payment_method = pm.id), null);
    return pm;
  }

  /** Returns false when the path is not under /_emulator/. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith("/_emulator/")) return false;
    const answer = (status: number, body: object) =>
      send(res, status, JSON.stringify(body, null, 2) + "\n", { "content-type": "application/json", "cache-control": "no-store" });
    try {
      const match = this.controls.map((control) => ({ control, m: control.pattern.exec(url.pathname) })).find(({ m }) => m !== null);
      if (!match?.m) throw invalidRequest(`Unknown emulator control: ${url.pathname}`, undefined, undefined, 404);
      if (req.method !== "POST") throw invalidRequest("Emulator controls take POST.", undefined, undefined, 405);
      const result = await match.control.run(match.m.slice(1).map(decodeURIComponent), await readJson(req));
      const body = snapshot(result);
      await this.events.waitForWebhooks();
      await this.merchants.waitForWebhooks();
      this.log(`[stripe-emulator] control ${url.pathname} -> 200`);
      answer(200, body);
    } catch (error) {
      const apiError =
        error instanceof StripeApiError
          ? error
          : error instanceof BodyTooLargeError
            ? invalidRequest("Request body too large.", undefined, undefined, 413)
            : new StripeApiError(500, "api_error", error instanceof Error ? error.message : String(error));
      this.log(`[stripe-emulator] control ${url.pathname} -> ${apiError.statusCode} ${apiError.message}`);
      answer(apiError.statusCode, apiError.toBody());
    }
    return true;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, 64 * 1024);
  if (text.trim() === "") return {};
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.startsWith("application/json")) {
    throw invalidRequest(`Emulator controls take a JSON body (content-type: application/json), not '${contentType}'.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest("The body is not valid JSON.");
  }
}

/** Zod's verdict in Stripe's words: an unknown key is "Received unknown parameter", like the API. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map(String);
  const name = (parts: string[]) => parts.map((p, i) => (i === 0 ? p : `[${p}]`)).join("");
  if (issue.code === "unrecognized_keys") throw unknownParam(name([...path, issue.keys[0]]));
  throw invalidRequest(`Invalid ${name(path) || "body"}: ${issue.message}`, name(path) || undefined, "parameter_invalid");
}
