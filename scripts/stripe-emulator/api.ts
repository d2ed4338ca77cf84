/**
 * The `/v1` JSON API: Bearer auth, the Stripe-Account header, form-encoded parameters,
 * idempotency keys (scoped per account), Stripe's error envelope and status codes, and the
 * handful of endpoints Leadex uses (the Connect ones in connect-api.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type Stripe from "stripe";
import { type Call, ID, type Route, cannotExpand, checkCurrency, checkUrl, route } from "./api-routes.js";
import type { ConnectAccounts } from "./connect-accounts.js";
import type { EmulatorCore, RequestInfo } from "./core.js";
import { StripeApiError, invalidParam, invalidRequest, missingParam, noSuch } from "./errors.js";
import type { EventLog } from "./event-log.js";
import { type Faults, injectedApiError } from "./faults.js";
import { BodyTooLargeError, readBody, send } from "./http-util.js";
import { IdempotencyStore, type StoredResponse } from "./idempotency.js";
import { newId, nowSeconds } from "./ids.js";
import type { LineItemInput } from "./objects.js";
import { API_VERSION, ZERO_DECIMAL_CURRENCIES, snapshot } from "./objects.js";
import { ParamReader, canonicalJson, parseParams } from "./params.js";

export class ApiRouter {
  private readonly idempotency = new IdempotencyStore();
  private readonly routes: Route[];

  constructor(
    private readonly core: EmulatorCore,
    private readonly events: EventLog,
    private readonly accounts: ConnectAccounts,
    /** The routes of the other API modules (Connect, charges, refunds, disputes, invoices, ...). */
    moduleRoutes: Route[],
    private readonly log: (line: string) => void,
    private readonly faults?: Faults,
  ) {
    this.routes = [
      route("POST", "/v1/customers", (c) => this.createCustomer(c)),
      route("GET", "/v1/customers", (c) => this.listCustomers(c)),
      route("GET", `/v1/customers/${ID}`, (c) => this.core.getCustomer(c.ids[0])),
      route("POST", "/v1/checkout/sessions", (c) => this.expandSession(this.createCheckoutSession(c), c.params)),
      route("GET", `/v1/checkout/sessions/${ID}`, (c) => this.expandSession(this.core.getCheckoutSession(c.ids[0]).session, c.params)),
      route("POST", `/v1/checkout/sessions/${ID}/expire`, (c) => this.expandSession(this.core.expireCheckoutSession(c.ids[0], c.request), c.params)),
      route("GET", `/v1/events/${ID}`, (c) => this.events.get(c.ids[0], c.account), { onBehalf: true }),
      ...moduleRoutes,
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const requestId = newId("request");
    const idempotencyKey = headerValue(req, "idempotency-key");
    const baseHeaders: Record<string, string> = {
      "content-type": "application/json",
      "request-id": requestId,
      "stripe-version": headerValue(req, "stripe-version") ?? API_VERSION,
      "cache-control": "no-cache, no-store",
    };
    if (idempotencyKey !== undefined && method === "POST") baseHeaders["idempotency-key"] = idempotencyKey;
    const respond = (status: number, body: object): StoredResponse => {
      const response = { status, body: JSON.stringify(body, null, 2) + "\n", headers: baseHeaders };
      send(res, response.status, response.body, response.headers);
      return response;
    };

    // A chaos run's injected failure happens before the call does anything (nothing to replay).
    const fault = this.faults?.draw() ?? null;
    if (fault === "connection_reset") {
      this.log(`[stripe-emulator] ${method} ${url.pathname} -> connection dropped (injected fault)`);
      req.socket.destroy();
      return;
    }
    if (fault === "api_error") {
      const error = injectedApiError();
      respond(error.statusCode, error.toBody());
      this.log(`[stripe-emulator] ${method} ${url.pathname} -> 500 (injected fault)`);
      return;
    }

    let finish: ((response: StoredResponse) => void) | undefined;
    try {
      const apiKey = authenticate(req);
      const account = this.connectedAccount(req, apiKey);
      const { route, ids } = this.match(method, url.pathname);
      if (account !== null && !route.onBehalf) {
        throw invalidRequest(
          `The Leadex Stripe emulator does not support the Stripe-Account header on ${method} ${url.pathname}; only balance, balance transactions, payouts and events act as a connected account here.`,
        );
      }
      const contentType = headerValue(req, "content-type") ?? "";
      const text = method === "POST" ? await readBody(req) : url.search.slice(1);
      if (method === "POST" && text !== "" && !contentType.startsWith("application/x-www-form-urlencoded")) {
        throw invalidRequest(`Invalid request: parameters must be sent as application/x-www-form-urlencoded, not '${contentType}'.`);
      }
      const values = parseParams(text);

      if (method === "POST" && idempotencyKey !== undefined) {
        if (idempotencyKey.length > 255) {
          throw invalidRequest("Idempotency-Key must be at most 255 characters long.");
        }
        // Stripe scopes idempotency keys per account: the platform's and each connected account's.
        const decision = this.idempotency.begin(
          account === null ? apiKey : `${apiKey}:${account}`,
          idempotencyKey,
          `${method} ${url.pathname} ${canonicalJson(values)}`,
        );
        if (decision.kind === "replay") {
          const { response } = decision;
          send(res, response.status, response.body, { ...response.headers, "idempotent-replayed": "true" });
          this.log(`[stripe-emulator] ${method} ${url.pathname} -> ${response.status} (idempotent replay)`);
          return;
        }
        finish = decision.finish;
      }

      const request: RequestInfo = {
        id: requestId,
        idempotency_key: method === "POST" ? (idempotencyKey ?? null) : null,
      };
      const body = route.handler({ params: new ParamReader(values), ids, request, account });
      const response = respond(200, snapshot(body));
      finish?.(response);
      this.log(`[stripe-emulator] ${method} ${url.pathname} -> 200`);
    } catch (error) {
      const apiError = toApiError(error, method, url.pathname);
      if (apiError.statusCode >= 500) this.log(`[stripe-emulator] internal error: ${String(error)}`);
      const response = respond(apiError.statusCode, apiError.toBody());
      finish?.(response);
      this.log(`[stripe-emulator] ${method} ${url.pathname} -> ${apiError.statusCode} ${apiError.message}`);
    }
  }

  /** The account named by Stripe-Account, or null; like Stripe, an unknown one answers 403. */
  private connectedAccount(req: IncomingMessage, apiKey: string): string | null {
    const id = headerValue(req, "stripe-account");
    if (id === undefined || id === "") return null;
    if (!this.accounts.find(id)) {
      throw invalidRequest(
        `The provided key '${maskKey(apiKey)}' does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
        undefined,
        "account_invalid",
        403,
      );
    }
    return id;
  }

  private match(method: string, pathname: string): { route: Route; ids: string[] } {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(pathname);
      if (m) return { route, ids: m.slice(1).map(decodeURIComponent) };
    }
    throw invalidRequest(
      `Unrecognized request URL (${method}: ${pathname}). The Leadex Stripe emulator does not implement this endpoint.`,
      undefined,
      undefined,
      404,
    );
  }

  // ---- handlers ----------------------------------------------------------------------------

  private createCustomer({ params }: Call): Stripe.Customer {
    params.allowOnly(["email", "name", "description", "phone", "metadata", "expand"]);
    const email = params.optionalString("email");
    if (email !== null && email.length > 512) throw invalidParam("email", "Invalid email address: too long.");
    return this.core.createCustomer({
      email,
      name: params.optionalString("name"),
      description: params.optionalString("description"),
      phone: params.optionalString("phone"),
      metadata: params.metadata("metadata"),
    });
  }

  /** Newest first, optionally filtered by exact `email`; `limit` 1-100 (default 10), no paging. */
  private listCustomers({ params }: Call): Stripe.ApiList<Stripe.Customer> {
    params.allowOnly(["email", "limit", "expand"]);
    const email = params.optionalString("email");
    const limit = params.integer("limit", { min: 1 }) ?? 10;
    if (limit > 100) throw invalidParam("limit", "This value must be less than or equal to 100.");
    const matching = [...this.core.customers.values()].filter((c) => email === null || c.email === email).reverse();
    return {
      object: "list",
      data: matching.slice(0, limit),
      has_more: matching.length > limit,
      url: "/v1/customers",
    };
  }

  private createCheckoutSession({ params }: Call): Stripe.Checkout.Session {
    params.allowOnly([
      "mode",
      "line_items",
      "success_url",
      "cancel_url",
      "customer",
      "customer_email",
      "client_reference_id",
      "metadata",
      "payment_intent_data",
      "payment_method_types",
      "expires_at",
      "locale",
      "submit_type",
      "ui_mode",
      "currency",
      "setup_intent_data",
      "expand",
    ]);
    const mode = params.requiredString("mode");
    if (mode !== "payment" && mode !== "setup") {
      throw invalidParam("mode", `The Leadex Stripe emulator only supports mode=payment and mode=setup, not '${mode}'.`);
    }
    const uiMode = params.optionalString("ui_mode");
    if (uiMode !== null && uiMode !== "hosted") {
      throw invalidParam("ui_mode", `The Leadex Stripe emulator only supports ui_mode=hosted, not '${uiMode}'.`);
    }
    for (const type of params.stringArray("payment_method_types")) {
      if (type !== "card") throw invalidParam("payment_method_types", `The payment method type '${type}' is not supported here.`);
    }

    if (mode === "setup") return this.createSetupSession(params);

    if (params.has("setup_intent_data")) throw invalidParam("setup_intent_data", "You can not pass `setup_intent_data` in `payment` mode.");
    const lineItemReaders = params.objectArray("line_items");
    if (!lineItemReaders || lineItemReaders.length === 0) throw missingParam("line_items");
    const lineItems: LineItemInput[] = lineItemReaders.map((li) => {
      li.allowOnly(["price_data", "quantity", "price"]);
      if (li.has("price")) {
        const price = li.string("price") ?? "";
        throw noSuch("price", price, `${li.path}[price]`, 400);
      }
      const priceData = li.requiredObject("price_data");
      priceData.allowOnly(["currency", "unit_amount", "product_data", "tax_behavior"]);
      const currency = checkCurrency(`${priceData.path}[currency]`, priceData.requiredString("currency"));
      const unitAmount = priceData.requiredInteger("unit_amount", { min: 0 });
      const product = priceData.requiredObject("product_data");
      product.allowOnly(["name", "description", "metadata"]);
      const quantity = li.requiredInteger("quantity", { min: 1 });
      return {
        currency,
        unitAmount,
        quantity,
        productName: product.requiredString("name"),
        productDescription: product.optionalString("description"),
      };
    });
    lineItems.forEach((li, i) => {
      if (li.currency !== lineItems[0].currency) {
        throw invalidParam(`line_items[${i}][price_data][currency]`, "All line items must use the same currency.");
      }
    });
    const currency = lineItems[0].currency;
    const total = lineItems.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0);
    const minimum = ZERO_DECIMAL_CURRENCIES.has(currency) ? 1 : 50;
    if (total < minimum) {
      throw invalidRequest(
        `The Checkout Session's total amount due must add up to at least ${minimum} in the smallest currency unit (${currency}).`,
        "line_items",
      );
    }

    if (params.has("currency")) throw invalidParam("currency", "In `payment` mode the currency comes from the line items.");
    const common = this.sessionCommon(params);

    const pid = params.object("payment_intent_data");
    pid?.allowOnly(["metadata", "description", "receipt_email", "transfer_group", "statement_descriptor_suffix"]);

    return this.core.createCheckoutSession(common, lineItems, {
      metadata: pid?.metadata("metadata") ?? {},
      description: pid?.optionalString("description") ?? null,
      receiptEmail: pid?.optionalString("receipt_email") ?? null,
      transferGroup: pid?.optionalString("transfer_group") ?? null,
      statementDescriptorSuffix: pid?.optionalString("statement_descriptor_suffix") ?? null,
    });
  }

  /** `mode=setup`: saves a card for later (off-session) payments through a SetupIntent. */
  private createSetupSession(params: ParamReader): Stripe.Checkout.Session {
    if (params.has("line_items")) throw invalidParam("line_items", "You can not pass `line_items` in `setup` mode.");
    if (params.has("payment_intent_data")) throw invalidParam("payment_intent_data", "You can not pass `payment_intent_data` in `setup` mode.");
    if (params.has("submit_type")) throw invalidParam("submit_type", "`submit_type` can only be used in `payment` mode.");
    const currencyText = params.optionalString("currency");
    const currency = currencyText === null ? null : checkCurrency("currency", currencyText);
    const common = this.sessionCommon(params);
    const sid = params.object("setup_intent_data");
    sid?.allowOnly(["metadata", "description", "on_behalf_of"]);
    if (sid?.has("on_behalf_of")) throw invalidParam(`${sid.path}[on_behalf_of]`, "The Leadex Stripe emulator does not support on_behalf_of.");
    return this.core.createSetupSession(
      { ...common, currency },
      { metadata: sid?.metadata("metadata") ?? {}, description: sid?.optionalString("description") ?? null },
    );
  }

  /** What both modes take: where to go back to, who pays, references, expiry. */
  private sessionCommon(params: ParamReader) {
    const successUrl = params.requiredString("success_url");
    const cancelUrl = params.requiredString("cancel_url");
    checkUrl("success_url", successUrl);
    checkUrl("cancel_url", cancelUrl);

    const customer = params.optionalString("customer");
    if (customer !== null && !this.core.customers.has(customer)) throw noSuch("customer", customer, "customer", 400);
    const customerEmail = params.optionalString("customer_email");
    if (customer !== null && customerEmail !== null) {
      throw invalidParam("customer_email", "You may only specify one of these parameters: customer, customer_email.");
    }
    const clientReferenceId = params.optionalString("client_reference_id");
    if (clientReferenceId !== null && clientReferenceId.length > 200) {
      throw invalidParam("client_reference_id", "client_reference_id can be at most 200 characters long.");
    }

    const now = nowSeconds();
    const expiresAt = params.integer("expires_at") ?? now + 24 * 60 * 60;
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 60 * 60) {
      throw invalidParam("expires_at", "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.");
    }
    return { successUrl, cancelUrl, customer, customerEmail, clientReferenceId, metadata: params.metadata("metadata"), expiresAt };
  }

  // ---- expand ------------------------------------------------------------------------------

  private expandSession(session: Stripe.Checkout.Session, params: ParamReader): Stripe.Checkout.Session {
    const out = snapshot(session);
    params.stringArray("expand").forEach((path, i) => {
      if (path === "payment_intent") {
        if (typeof session.payment_intent === "string") out.payment_intent = this.core.getPaymentIntent(session.payment_intent);
      } else if (path === "customer") {
        if (typeof session.customer === "string") out.customer = this.core.getCustomer(session.customer);
      } else if (path === "line_items") {
        const items = this.core.sessions.get(session.id)?.lineItems ?? [];
        out.line_items = { object: "list", data: items, has_more: false, url: `/v1/checkout/sessions/${session.id}/line_items` };
      } else {
        throw cannotExpand(path, i);
      }
    });
    return out;
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Returns the API key (used to scope idempotency keys, as Stripe scopes them per account). */
function authenticate(req: IncomingMessage): string {
  const header = headerValue(req, "authorization");
  if (!header) {
    throw invalidRequest(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      undefined,
      undefined,
      401,
    );
  }
  // Bearer is what the SDK sends; Basic with the key as user name (curl -u sk_test_...:) also works on Stripe.
  const bearer = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const basic = /^Basic\s+(\S+)$/i.exec(header.trim());
  const key = bearer?.[1] ?? (basic ? Buffer.from(basic[1], "base64").toString("utf8").split(":")[0] : undefined);
  if (!key) {
    throw invalidRequest("Invalid Authorization header: use Bearer auth ('Authorization: Bearer sk_test_...').", undefined, undefined, 401);
  }
  if (!/^sk_test_\S+$/.test(key)) {
    throw invalidRequest(
      `Invalid API Key provided: ${maskKey(key)}. The Leadex Stripe emulator accepts only test secret keys (sk_test_...).`,
      undefined,
      "api_key_invalid",
      401,
    );
  }
  return key;
}

function maskKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}` : "*".repeat(key.length);
}

function toApiError(error: unknown, method: string, pathname: string): StripeApiError {
  if (error instanceof StripeApiError) return error;
  if (error instanceof BodyTooLargeError) return invalidRequest("Request body too large.", undefined, undefined, 413);
  return new StripeApiError(
    500,
    "api_error",
    `The Leadex Stripe emulator failed on ${method} ${pathname}: ${error instanceof Error ? error.message : String(error)}`,
  );
}
