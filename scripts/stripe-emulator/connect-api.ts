/**
 * The Connect part of `/v1`: Express accounts, account links, balances, transfers and their
 * reversals, payouts. Parameters outside each endpoint's list answer "Received unknown
 * parameter", as on Stripe. Balance and payouts also act as a connected account when the
 * request names one in the Stripe-Account header.
 */
import type Stripe from "stripe";
import { type Call, ID, type Route, cannotExpand, checkCurrency, checkUrl, listPage, noExpansions, route } from "./api-routes.js";
import { PLATFORM } from "./balances.js";
import type { ConnectAccounts } from "./connect-accounts.js";
import type { ConnectMoney } from "./connect-money.js";
import { currencyForCountry } from "./connect-objects.js";
import { invalidParam, invalidRequest, noSuch } from "./errors.js";
import { snapshot } from "./objects.js";
import { type ParamReader, updatedMetadata } from "./params.js";

const BUSINESS_TYPES = ["individual", "company", "non_profit", "government_entity"] as const;
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
const DEFAULT_PAYOUT_SCHEDULE: Stripe.Account.Settings.Payouts.Schedule = { delay_days: 2, interval: "daily" };

export class ConnectApi {
  constructor(
    private readonly accounts: ConnectAccounts,
    private readonly money: ConnectMoney,
  ) {}

  routes(): Route[] {
    return [
      route("POST", "/v1/accounts", (c) => this.createAccount(c)),
      route("GET", `/v1/accounts/${ID}`, (c) => this.retrieve(c, () => this.accounts.get(c.ids[0]))),
      route("POST", `/v1/accounts/${ID}`, (c) => this.updateAccount(c)),
      route("DELETE", `/v1/accounts/${ID}`, (c) => this.accounts.delete(c.ids[0])),
      route("POST", "/v1/account_links", (c) => this.createAccountLink(c)),
      route("GET", "/v1/balance", (c) => this.retrieve(c, () => this.money.balance(c.account ?? PLATFORM)), { onBehalf: true }),
      route("POST", "/v1/transfers", (c) => this.expandTransfer(this.createTransfer(c), c.params)),
      route("GET", "/v1/transfers", (c) => this.listTransfers(c)),
      route("GET", `/v1/transfers/${ID}`, (c) => {
        c.params.allowOnly(["expand"]);
        return this.expandTransfer(this.money.getTransfer(c.ids[0]), c.params);
      }),
      route("POST", `/v1/transfers/${ID}`, (c) => this.expandTransfer(this.updateTransfer(c), c.params)),
      route("POST", `/v1/transfers/${ID}/reversals`, (c) => this.createReversal(c)),
      route("GET", `/v1/transfers/${ID}/reversals`, (c) => {
        c.params.allowOnly(["limit", "starting_after", "ending_before", "expand"]);
        noExpansions(c.params);
        const transfer = this.money.getTransfer(c.ids[0]);
        return listPage(c.params, transfer.reversals.data, transfer.reversals.url, "transfer_reversal");
      }),
      route("GET", `/v1/transfers/${ID}/reversals/${ID}`, (c) => this.retrieve(c, () => this.money.getReversal(c.ids[0], c.ids[1]))),
      route("POST", "/v1/payouts", (c) => this.createPayout(c), { onBehalf: true }),
      route("GET", "/v1/payouts", (c) => this.listPayouts(c), { onBehalf: true }),
      route("GET", `/v1/payouts/${ID}`, (c) => this.retrieve(c, () => this.money.getPayout(c.account ?? PLATFORM, c.ids[0])), {
        onBehalf: true,
      }),
    ];
  }

  private retrieve(c: Call, get: () => object): object {
    c.params.allowOnly(["expand"]);
    noExpansions(c.params);
    return get();
  }

  // ---- accounts ------------------------------------------------------------------------------

  private createAccount({ params }: Call): Stripe.Account {
    params.allowOnly(["type", "country", "email", "business_type", "capabilities", "business_profile", "settings", "metadata", "expand"]);
    noExpansions(params);
    const type = params.optionalString("type");
    if (type !== "express") {
      throw invalidParam("type", "The Leadex Stripe emulator only creates Express accounts: pass type=express.");
    }
    const country = (params.optionalString("country") ?? "US").toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) {
      throw invalidParam("country", `Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`);
    }
    const capabilities = params.object("capabilities");
    capabilities?.allowOnly(["transfers", "card_payments"]);
    const requested = (name: string) => {
      const capability = capabilities?.object(name);
      capability?.allowOnly(["requested"]);
      return capability?.boolean("requested") ?? false;
    };
    const requestTransfers = requested("transfers");
    const requestCardPayments = requested("card_payments");
    if (!requestTransfers && !requestCardPayments) {
      throw invalidRequest("An Express account must request at least one capability, e.g. capabilities[transfers][requested]=true.", "capabilities");
    }
    if (requestCardPayments && !requestTransfers) {
      throw invalidParam("capabilities[transfers]", "The card_payments capability cannot be requested without the transfers capability.");
    }
    const profile = readBusinessProfile(params);
    return this.accounts.create({
      country,
      defaultCurrency: currencyForCountry(country),
      email: readEmail(params),
      businessType: params.oneOf("business_type", BUSINESS_TYPES),
      requestTransfers,
      requestCardPayments,
      businessProfile: {
        name: profile.name ?? null,
        url: profile.url ?? null,
        mcc: profile.mcc ?? null,
        productDescription: profile.product_description ?? null,
      },
      payoutSchedule: readPayoutSchedule(params, DEFAULT_PAYOUT_SCHEDULE),
      metadata: params.metadata("metadata"),
    });
  }

  private updateAccount({ params, ids, request }: Call): Stripe.Account {
    params.allowOnly(["email", "business_type", "business_profile", "settings", "metadata", "expand"]);
    noExpansions(params);
    const current = this.accounts.get(ids[0]);
    const email = params.has("email") ? readEmail(params) : undefined;
    const businessType = params.has("business_type") ? params.oneOf("business_type", BUSINESS_TYPES) : undefined;
    const profile = readBusinessProfile(params);
    const schedule = readPayoutSchedule(params, current.settings?.payouts?.schedule ?? DEFAULT_PAYOUT_SCHEDULE);
    const metadata = updatedMetadata(params, "metadata", current.metadata ?? {});
    return this.accounts.update(
      ids[0],
      (account) => {
        if (email !== undefined) account.email = email;
        if (businessType !== undefined) account.business_type = businessType;
        if (account.business_profile) Object.assign(account.business_profile, profile);
        if (account.settings?.payouts) account.settings.payouts.schedule = schedule;
        account.metadata = metadata;
      },
      request,
    );
  }

  private createAccountLink({ params }: Call): Stripe.AccountLink {
    params.allowOnly(["account", "type", "refresh_url", "return_url", "collect", "collection_options", "expand"]);
    noExpansions(params);
    const account = params.requiredString("account");
    const type = params.requiredString("type");
    if (type === "account_update") {
      throw invalidParam("type", "You cannot create `account_update` type Account Links for Express accounts.");
    }
    if (type !== "account_onboarding") throw invalidParam("type", "Invalid type: must be one of account_onboarding or account_update");
    params.oneOf("collect", ["currently_due", "eventually_due"]);
    const options = params.object("collection_options");
    options?.allowOnly(["fields", "future_requirements"]);
    options?.oneOf("fields", ["currently_due", "eventually_due"]);
    options?.oneOf("future_requirements", ["include", "omit"]);
    const refreshUrl = params.requiredString("refresh_url");
    const returnUrl = params.requiredString("return_url");
    checkUrl("refresh_url", refreshUrl);
    checkUrl("return_url", returnUrl);
    return this.accounts.createLink(account, refreshUrl, returnUrl);
  }

  // ---- transfers -----------------------------------------------------------------------------

  private createTransfer({ params, request }: Call): Stripe.Transfer {
    params.allowOnly(["amount", "currency", "destination", "description", "metadata", "transfer_group", "source_transaction", "expand"]);
    const amount = params.requiredInteger("amount", { min: 1 });
    const currency = checkCurrency("currency", params.requiredString("currency"));
    const destination = params.requiredString("destination");
    const sourceTransaction = params.optionalString("source_transaction");
    if (sourceTransaction !== null && !/^ch_[A-Za-z0-9]+$/.test(sourceTransaction)) {
      throw noSuch("charge", sourceTransaction, "source_transaction", 400);
    }
    return this.money.createTransfer(
      {
        amount,
        currency,
        destination,
        description: params.optionalString("description"),
        metadata: params.metadata("metadata"),
        transferGroup: params.optionalString("transfer_group"),
        sourceTransaction,
      },
      request,
    );
  }

  /** Newest first, filtered by `destination` and `transfer_group`. */
  private listTransfers({ params }: Call): Stripe.ApiList<Stripe.Transfer> {
    params.allowOnly(["limit", "starting_after", "ending_before", "destination", "transfer_group", "expand"]);
    noExpansions(params);
    const destination = params.optionalString("destination");
    const group = params.optionalString("transfer_group");
    const transfers = this.money.listTransfers(
      (t) => (destination === null || t.destination === destination) && (group === null || t.transfer_group === group),
    );
    return listPage(params, transfers, "/v1/transfers", "transfer");
  }

  private updateTransfer({ params, ids, request }: Call): Stripe.Transfer {
    params.allowOnly(["description", "metadata", "expand"]);
    const current = this.money.getTransfer(ids[0]);
    return this.money.updateTransfer(
      ids[0],
      {
        description: params.has("description") ? params.optionalString("description") : undefined,
        metadata: updatedMetadata(params, "metadata", current.metadata),
      },
      request,
    );
  }

  private createReversal({ params, ids, request }: Call): Stripe.TransferReversal {
    params.allowOnly(["amount", "description", "metadata", "refund_application_fee", "expand"]);
    noExpansions(params);
    params.optionalString("description"); // accepted, but a TransferReversal has no description field
    params.boolean("refund_application_fee"); // no application fees here: nothing to refund
    const amount = params.integer("amount", { min: 1 }) ?? null;
    return this.money.reverseTransfer(ids[0], amount, params.metadata("metadata"), request);
  }

  private expandTransfer(transfer: Stripe.Transfer, params: ParamReader): Stripe.Transfer {
    const out = snapshot(transfer);
    params.stringArray("expand").forEach((path, i) => {
      if (path !== "destination") throw cannotExpand(path, i);
      if (typeof transfer.destination === "string") {
        out.destination = this.accounts.find(transfer.destination) ?? transfer.destination;
      }
    });
    return out;
  }

  // ---- payouts -------------------------------------------------------------------------------

  private createPayout({ params, request, account }: Call): Stripe.Payout {
    params.allowOnly(["amount", "currency", "description", "destination", "metadata", "method", "statement_descriptor", "source_type", "expand"]);
    noExpansions(params);
    const amount = params.requiredInteger("amount", { min: 1 });
    const currency = checkCurrency("currency", params.requiredString("currency"));
    if (params.oneOf("method", ["standard", "instant"]) === "instant") {
      throw invalidParam("method", "The Leadex Stripe emulator only makes standard payouts (method=standard).");
    }
    params.oneOf("source_type", ["bank_account", "card", "fpx"]);
    const statementDescriptor = params.optionalString("statement_descriptor");
    if (statementDescriptor !== null && statementDescriptor.length > 22) {
      throw invalidParam("statement_descriptor", "The statement descriptor must be at most 22 characters.");
    }
    return this.money.createPayout(
      account ?? PLATFORM,
      {
        amount,
        currency,
        destination: params.optionalString("destination"),
        description: params.optionalString("description"),
        statementDescriptor,
        metadata: params.metadata("metadata"),
      },
      request,
    );
  }

  private listPayouts({ params, account }: Call): Stripe.ApiList<Stripe.Payout> {
    params.allowOnly(["limit", "starting_after", "ending_before", "status", "expand"]);
    noExpansions(params);
    const status = params.oneOf("status", ["pending", "paid", "failed", "canceled", "in_transit"]);
    return listPage(params, this.money.listPayouts(account ?? PLATFORM, status), "/v1/payouts", "payout");
  }
}

function readEmail(params: ParamReader): string | null {
  const email = params.optionalString("email");
  if (email !== null && (email.length > 512 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
    throw invalidParam("email", `Invalid email address: ${email}`);
  }
  return email;
}

/** The `business_profile` fields given (only those keys), checked. */
function readBusinessProfile(params: ParamReader): Partial<Record<"name" | "url" | "mcc" | "product_description", string | null>> {
  const profile = params.object("business_profile");
  if (!profile) return {};
  profile.allowOnly(["name", "url", "mcc", "product_description"]);
  const out: Partial<Record<"name" | "url" | "mcc" | "product_description", string | null>> = {};
  for (const key of ["name", "url", "mcc", "product_description"] as const) {
    if (profile.has(key)) out[key] = profile.optionalString(key);
  }
  if (out.url) checkUrl("business_profile[url]", out.url);
  if (out.mcc && !/^\d{4}$/.test(out.mcc)) throw invalidParam("business_profile[mcc]", `Invalid mcc: ${out.mcc}`);
  return out;
}

/** `settings[payouts][schedule]`: the fields given change `current`. */
function readPayoutSchedule(params: ParamReader, current: Stripe.Account.Settings.Payouts.Schedule): Stripe.Account.Settings.Payouts.Schedule {
  const settings = params.object("settings");
  settings?.allowOnly(["payouts"]);
  const payouts = settings?.object("payouts");
  payouts?.allowOnly(["schedule"]);
  const schedule = payouts?.object("schedule");
  if (!schedule) return { ...current };
  schedule.allowOnly(["interval", "delay_days", "weekly_anchor", "monthly_anchor"]);
  const interval = schedule.oneOf("interval", ["manual", "daily", "weekly", "monthly"]) ?? current.interval;
  const delayText = schedule.optionalString("delay_days");
  // 2 days is the minimum for US accounts; other countries have longer ones on Stripe.
  const delayDays = delayText === null ? current.delay_days : delayText === "minimum" ? 2 : schedule.requiredInteger("delay_days", { min: 2 });
  const next: Stripe.Account.Settings.Payouts.Schedule = { delay_days: delayDays, interval };
  if (interval === "weekly") {
    next.weekly_anchor = schedule.oneOf("weekly_anchor", WEEKDAYS) ?? current.weekly_anchor ?? "monday";
  } else if (schedule.has("weekly_anchor")) {
    throw invalidParam(`${schedule.path}[weekly_anchor]`, "weekly_anchor can only be set when interval is weekly.");
  }
  if (interval === "monthly") {
    const anchor = schedule.integer("monthly_anchor", { min: 1 }) ?? current.monthly_anchor ?? 1;
    if (anchor > 31) throw invalidParam(`${schedule.path}[monthly_anchor]`, "This value must be less than or equal to 31.");
    next.monthly_anchor = anchor;
  } else if (schedule.has("monthly_anchor")) {
    throw invalidParam(`${schedule.path}[monthly_anchor]`, "monthly_anchor can only be set when interval is monthly.");
  }
  return next;
}
