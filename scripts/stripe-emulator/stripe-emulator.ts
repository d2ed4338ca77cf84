/**
 * A local, in-memory stand-in for the parts of the Stripe API Leadex uses, for the offline demo
 * and for tests. The official `stripe` SDK talks to it with
 * `new Stripe(key, { host, port, protocol: "http" })`.
 *
 *   /v1/...                         JSON API (api.ts; one module per concept, each with its routes:
 *                                   connect-api.ts, charges.ts, refunds.ts, disputes.ts,
 *                                   balance-transactions.ts, payment-methods.ts, setup-intents.ts,
 *                                   payment-intents.ts, invoices.ts)
 *   /checkout/:id[/pay]             hosted Checkout page, mode=payment (pay) or mode=setup (save a
 *                                   card for off-session use); takes a `card_number` field
 *                                   (hosted-checkout.ts)
 *   /connect/setup/e/:acct/:token   hosted Connect onboarding page (hosted-onboarding.ts)
 *   /_emulator/...                  emulator-only controls, not Stripe's API (emulator-controls.ts),
 *                                   including other businesses' own accounts (merchant-accounts.ts)
 *                                   and fault injection for chaos runs (faults.ts)
 *   /health                         "ok", for start-up probes
 *
 * Money: every balance is the sum of its owner's balance transactions (balances.ts), each naming
 * the object that moved the money: card charges (Stripe's 2.9% + 30¢ fee in `fee`/`fee_details`;
 * charges and sessions show the full amount), refunds, disputes (amount + $15 fee; a won dispute
 * returns the amount, not the fee), transfers and reversals, payouts and their failures, and the
 * emulator's own adjustments (POST /_emulator/balance). Everything is available at once: pending
 * is always 0.
 *
 * Test cards (cards.ts): 4242 4242 4242 4242 and the other good cards succeed; 4000 0000 0000 0002
 * (generic_decline), ...9995 (insufficient_funds), ...9987 (lost_card), ...0069, ...0127, ...0119
 * decline on the hosted pages; 4000 0027 6000 3184 saves fine (3D Secure passes on the page) but
 * fails off-session with authentication_required; 4000 0025 0000 3155 saves and then works
 * off-session; 4000 0000 0000 0341 saves but every charge declines. The declining cards can still
 * be saved with the saveCard control (a card that began declining after it was saved), and
 * Stripe's `pm_card_*` tokens work as `payment_method`.
 *
 * Not emulated: Stripe's own schedules (auto-finalizing drafts, invoice payment retries, dunning
 * emails), the dispute "countered" fee, pending balances, Checkout's charge.succeeded event.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { ApiRouter } from "./api.js";
import { BalanceTransactionsApi } from "./balance-transactions.js";
import { Balances, PLATFORM } from "./balances.js";
import { Charges } from "./charges.js";
import { ConnectAccounts, type RequirementsChange } from "./connect-accounts.js";
import { ConnectApi } from "./connect-api.js";
import { ConnectMoney, type PayoutFailureCode } from "./connect-money.js";
import { EmulatorCore } from "./core.js";
import { type DisputeReason, Disputes } from "./disputes.js";
import { EmulatorControls } from "./emulator-controls.js";
import { EventLog } from "./event-log.js";
import { type FaultKind, type FaultReport, type FaultSettings, Faults } from "./faults.js";
import { HostedCheckout } from "./hosted-checkout.js";
import { HostedOnboarding } from "./hosted-onboarding.js";
import { Invoices } from "./invoices.js";
import { type MerchantAccount, MerchantAccounts, type MerchantInvoiceInput, type PaidMerchantInvoice } from "./merchant-accounts.js";
import { snapshot } from "./objects.js";
import { PaymentIntents } from "./payment-intents.js";
import { PaymentMethods } from "./payment-methods.js";
import { Refunds } from "./refunds.js";
import { SetupIntents } from "./setup-intents.js";
import { type DeliveryRecord, WebhookSender } from "./webhooks.js";

export interface StripeEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  webhookUrl?: string;
  webhookSecret: string;
  /**
   * Events on connected accounts (`event.account` set: account.updated, payout.*) go to the
   * Connect endpoint. On Stripe it is a second endpoint with its own secret; here both default to
   * the account endpoint's.
   */
  connectWebhookUrl?: string;
  connectWebhookSecret?: string;
  /** Seconds an AccountLink stays valid (Stripe: a few minutes). Default 300. */
  accountLinkTtlSeconds?: number;
  /** When set, a pending payout is paid (payout.paid) this many ms after creation; else only by control. */
  payoutArrivalMs?: number;
  log?: (line: string) => void;
}

export interface StripeEmulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  host: string;
  setWebhookUrl(url: string): void;
  /**
   * Same as paying (mode=payment) or saving the card (mode=setup) on the hosted page, by default
   * with a good test card; webhooks are delivered before it resolves.
   */
  completeCheckoutSession(id: string, cardNumber?: string): Promise<Stripe.Checkout.Session>;
  /**
   * The emulator-only controls of emulator-controls.ts, without HTTP; each resolves after the
   * webhooks it caused are delivered.
   */
  addBalance(amount: number, currency?: string, account?: string): Promise<Stripe.Balance>;
  completeAccountOnboarding(accountId: string): Promise<Stripe.Account>;
  changeAccountRequirements(accountId: string, change: RequirementsChange): Promise<Stripe.Account>;
  expireAccountLinks(accountId: string): Promise<number>;
  payOutAccountBalance(accountId: string): Promise<Stripe.Payout[]>;
  reverseTransfer(transferId: string, amount?: number): Promise<Stripe.TransferReversal>;
  payPayout(payoutId: string): Promise<Stripe.Payout>;
  /** The cardholder disputes the charge (default: all of it not refunded, reason fraudulent). */
  openDispute(chargeId: string, input?: { amount?: number; reason?: DisputeReason }): Promise<Stripe.Dispute>;
  /** The bank decides the dispute: won gives the disputed amount back (the $15 fee stays with Stripe). */
  closeDispute(disputeId: string, outcome: "won" | "lost"): Promise<Stripe.Dispute>;
  /**
   * Saves any of Stripe's test cards to the customer, declining ones too (a card that started
   * declining after it was saved); `default` makes it invoice_settings.default_payment_method.
   */
  saveCard(customerId: string, cardNumber: string, opts?: { default?: boolean }): Promise<Stripe.PaymentMethod>;
  /** The customer pays an open invoice by card on the hosted invoice page (default: a good card). */
  payInvoiceOnHostedPage(invoiceId: string, cardNumber?: string): Promise<Stripe.Invoice>;
  /** The invoice's due date passes: invoice.overdue. */
  makeInvoiceOverdue(invoiceId: string): Promise<Stripe.Invoice>;
  failPayout(payoutId: string, failureCode?: PayoutFailureCode, failureMessage?: string): Promise<Stripe.Payout>;
  /**
   * Another business's own Stripe account (an advertiser's): its events go to `webhookUrl`
   * (null: nowhere until resent), signed with `webhookSecret` (default: a new whsec_).
   */
  createMerchantAccount(endpoint: { webhookUrl: string | null; webhookSecret?: string }): Promise<MerchantAccount>;
  changeMerchantEndpoint(accountId: string, change: { webhookUrl?: string | null; webhookSecret?: string }): Promise<MerchantAccount>;
  createMerchantCustomer(accountId: string, input: { email?: string; name?: string; metadata?: Record<string, string> }): Promise<Stripe.Customer>;
  updateMerchantCustomer(
    accountId: string,
    customerId: string,
    change: { email?: string; name?: string; metadata?: Record<string, string> },
  ): Promise<Stripe.Customer>;
  /** An invoice of amount + tax paid at once by card (invoice_payment.paid, invoice.paid). */
  payMerchantInvoice(accountId: string, input: MerchantInvoiceInput): Promise<PaidMerchantInvoice>;
  /** Refunds part of the charge (default: all that is left); charge.refunded. */
  refundMerchantCharge(accountId: string, chargeId: string, amount?: number): Promise<Stripe.Refund>;
  /** The merchant account's events, oldest first, delivered or not. */
  merchantEvents(accountId: string): Stripe.Event[];
  /** Every event created so far, oldest first, whether or not its delivery succeeded. */
  deliveredEvents(): Stripe.Event[];
  /** Delivers the same event (same id and body, a merchant's too) once more; resolves to the HTTP status. */
  resendEvent(eventId: string): Promise<number>;
  /** Delivery attempts per event (state "delivered", "failed" or "not_sent"). */
  webhookDeliveries(): DeliveryRecord[];
  /** Resolves once all webhook deliveries started so far (including retries) are finished. */
  waitForWebhooks(): Promise<void>;
  /** Makes a share of later /v1 calls fail (faults.ts); `{rate: 0}` turns it off. Answers the counts so far. */
  setFaults(settings: FaultSettings): FaultReport;
  /** The fault settings and how many calls were failed on purpose. */
  faultReport(): FaultReport;
  close(): Promise<void>;
}

export type { FaultKind, FaultReport, FaultSettings };
export type { RequirementsChange, PayoutFailureCode, MerchantAccount, MerchantInvoiceInput, PaidMerchantInvoice, DisputeReason };

export async function startStripeEmulator(opts: StripeEmulatorOptions): Promise<StripeEmulator> {
  if (!opts.webhookSecret) throw new Error("stripe-emulator: webhookSecret is required");
  const log = opts.log ?? (() => {});
  const host = opts.host ?? "127.0.0.1";
  let webhookUrl = opts.webhookUrl || undefined;
  let baseUrl = "";

  const webhooks = new WebhookSender({
    endpoint: (connectedAccount) =>
      connectedAccount === undefined
        ? { url: webhookUrl, secret: opts.webhookSecret }
        : { url: opts.connectWebhookUrl || webhookUrl, secret: opts.connectWebhookSecret || opts.webhookSecret },
    log,
  });
  const events = new EventLog(webhooks);
  const balances = new Balances();
  const charges = new Charges(balances);
  const core = new EmulatorCore(events, charges, () => baseUrl);
  const paymentMethods = new PaymentMethods(core, events);
  const setupIntents = new SetupIntents(paymentMethods, events);
  core.billing = { paymentMethods, setupIntents };
  const paymentIntents = new PaymentIntents(core, charges, paymentMethods, events);
  const refunds = new Refunds(core, charges, balances, events);
  const disputes = new Disputes(charges, balances, events);
  const invoices = new Invoices(core, paymentMethods, paymentIntents, events);
  const accounts = new ConnectAccounts(events, balances, () => baseUrl, opts.accountLinkTtlSeconds ?? 300);
  const money = new ConnectMoney(events, balances, accounts, opts.payoutArrivalMs);
  /** The object a balance transaction's `source` names (for expand[]=source). */
  const findSource = (id: string): object | undefined => {
    const lookups: ((id: string) => object)[] = [(i) => charges.get(i), (i) => refunds.get(i), (i) => disputes.get(i), (i) => money.getTransfer(i)];
    for (const lookup of lookups) {
      try {
        return lookup(id);
      } catch {
        // not this kind of object
      }
    }
    return undefined;
  };
  const faults = new Faults();
  const api = new ApiRouter(
    core,
    events,
    accounts,
    [
      ...paymentMethods.routes(),
      ...new ConnectApi(accounts, money).routes(),
      ...new BalanceTransactionsApi(balances, findSource).routes(),
      ...charges.routes(),
      ...paymentIntents.routes(),
      ...setupIntents.routes(),
      ...refunds.routes(),
      ...disputes.routes(),
      ...invoices.routes(),
    ],
    log,
    faults,
  );
  const hosted = new HostedCheckout(core, log);
  const onboarding = new HostedOnboarding(accounts, events, log);
  const merchants = new MerchantAccounts(log);
  const controls = new EmulatorControls(accounts, money, events, log, merchants, { disputes, invoices, paymentMethods }, faults);
  /** Runs a control and resolves, after the webhooks it caused, to a copy of its answer. */
  const control = async <T>(run: () => T): Promise<T> => {
    const result = snapshot(run());
    await events.waitForWebhooks();
    return result;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`[stripe-emulator] unhandled error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    if (url.pathname.startsWith("/v1/")) return api.handle(req, res, url);
    if (await hosted.handle(req, res, url)) return;
    if (await onboarding.handle(req, res, url)) return;
    if (await controls.handle(req, res, url)) return;
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log(`[stripe-emulator] listening on ${baseUrl}`);

  let closed: Promise<void> | undefined;

  return {
    url: baseUrl,
    port,
    host,
    setWebhookUrl(url: string) {
      webhookUrl = url || undefined;
    },
    async completeCheckoutSession(id: string, cardNumber = "4242424242424242") {
      const record = core.getCheckoutSession(id);
      const result = await core.payCheckoutSession(id, { number: cardNumber, expiry: "12 / 34", cvc: "123" }, core.defaultEmail(record) || "test@example.com");
      switch (result.kind) {
        case "paid":
        case "already_paid":
          return snapshot(result.session);
        case "not_open":
          throw new Error(`stripe-emulator: checkout session ${id} is ${result.session.status}, not open`);
        default:
          throw new Error(`stripe-emulator: paying checkout session ${id} failed: ${result.message}`);
      }
    },
    addBalance: (amount, currency = "usd", account) => control(() => money.addFunds(account ?? PLATFORM, amount, currency)),
    completeAccountOnboarding: (accountId) => control(() => accounts.completeOnboarding(accountId)),
    changeAccountRequirements: (accountId, change) => control(() => accounts.changeRequirements(accountId, change)),
    expireAccountLinks: (accountId) => control(() => accounts.expireLinks(accountId)),
    payOutAccountBalance: (accountId) => control(() => money.payOutAvailableBalance(accountId)),
    reverseTransfer: (transferId, amount) => control(() => money.reverseTransfer(transferId, amount ?? null, {}, null)),
    openDispute: (chargeId, input = {}) => control(() => disputes.open(chargeId, input)),
    closeDispute: (disputeId, outcome) => control(() => disputes.close(disputeId, outcome)),
    saveCard: (customerId, cardNumber, opts = {}) => control(() => controls.saveCard(customerId, cardNumber, opts.default ?? false)),
    payInvoiceOnHostedPage: (invoiceId, cardNumber = "4242424242424242") => control(() => invoices.payOnHostedPage(invoiceId, cardNumber)),
    makeInvoiceOverdue: (invoiceId) => control(() => invoices.makeOverdue(invoiceId)),
    payPayout: (payoutId) => control(() => money.payPayout(payoutId)),
    failPayout: (payoutId, failureCode = "could_not_process", failureMessage) => control(() => money.failPayout(payoutId, failureCode, failureMessage ?? null)),
    createMerchantAccount: async ({ webhookUrl, webhookSecret }) => snapshot(merchants.create({ url: webhookUrl, secret: webhookSecret })),
    changeMerchantEndpoint: async (accountId, { webhookUrl, webhookSecret }) =>
      snapshot(merchants.changeEndpoint(accountId, { url: webhookUrl, secret: webhookSecret })),
    createMerchantCustomer: async (accountId, input) => snapshot(await merchants.createCustomer(accountId, input)),
    updateMerchantCustomer: async (accountId, customerId, change) => snapshot(await merchants.updateCustomer(accountId, customerId, change)),
    payMerchantInvoice: async (accountId, input) => snapshot(await merchants.payInvoice(accountId, input)),
    refundMerchantCharge: async (accountId, chargeId, amount) => snapshot(await merchants.refundCharge(accountId, chargeId, amount)),
    merchantEvents(accountId: string) {
      return snapshot(merchants.events(accountId));
    },
    deliveredEvents() {
      return snapshot(events.all());
    },
    async resendEvent(eventId: string) {
      const merchantEvent = merchants.findEvent(eventId);
      if (merchantEvent) return merchantEvent.sender.resend(merchantEvent.event);
      return webhooks.resend(events.find(eventId));
    },
    webhookDeliveries() {
      return events.all().flatMap((e) => {
        const record = events.deliveryRecord(e.id);
        return record ? [snapshot(record)] : [];
      });
    },
    async waitForWebhooks() {
      await events.waitForWebhooks();
      await merchants.waitForWebhooks();
    },
    setFaults: (settings) => faults.set(settings),
    faultReport: () => faults.report(),
    close() {
      closed ??= (async () => {
        money.close();
        webhooks.stop();
        merchants.close();
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
        await events.waitForWebhooks();
        await merchants.waitForWebhooks();
      })();
      return closed;
    },
  };
}
