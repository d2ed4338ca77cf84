/**
 * Builders for the Connect objects (Express accounts, account links, transfers and their
 * reversals, payouts, balances) and their events, checked against the `stripe` package's types
 * with `satisfies` like objects.ts.
 */
import type Stripe from "stripe";
import { newId, nowSeconds } from "./ids.js";
import { type EmittedEvent, type EventContext, emptyList, envelope, snapshot } from "./objects.js";

const DAY_SECONDS = 24 * 60 * 60;

/** Default currency of a new account by country (the ones Leadex is likely to meet; else usd). */
const COUNTRY_CURRENCIES: Record<string, string> = {
  US: "usd",
  CA: "cad",
  GB: "gbp",
  AU: "aud",
  NZ: "nzd",
  CH: "chf",
  SE: "sek",
  NO: "nok",
  DK: "dkk",
  PL: "pln",
  JP: "jpy",
  SG: "sgd",
  HK: "hkd",
  MX: "mxn",
  BR: "brl",
  IN: "inr",
  AT: "eur",
  BE: "eur",
  DE: "eur",
  ES: "eur",
  FI: "eur",
  FR: "eur",
  IE: "eur",
  IT: "eur",
  LU: "eur",
  NL: "eur",
  PT: "eur",
};

export function currencyForCountry(country: string): string {
  return COUNTRY_CURRENCIES[country] ?? "usd";
}

/**
 * What Stripe asks a new Express account for before it can receive transfers, by business type
 * (US fields; elsewhere an id number instead of the SSN and no state).
 */
export function initialRequirements(country: string, businessType: string | null, profile: { url: string | null; mcc: string | null }): string[] {
  const person = (who: string) => [
    `${who}.address.city`,
    `${who}.address.line1`,
    `${who}.address.postal_code`,
    ...(country === "US" ? [`${who}.address.state`] : []),
    `${who}.dob.day`,
    `${who}.dob.month`,
    `${who}.dob.year`,
    `${who}.email`,
    `${who}.first_name`,
    `${who}.last_name`,
    `${who}.phone`,
    country === "US" ? `${who}.ssn_last_4` : `${who}.id_number`,
  ];
  const fields = ["external_account", "tos_acceptance.date", "tos_acceptance.ip"];
  if (profile.mcc === null) fields.push("business_profile.mcc");
  if (profile.url === null) fields.push("business_profile.url");
  if (businessType === null) fields.push("business_type");
  else if (businessType === "individual") fields.push(...person("individual"));
  else {
    fields.push(
      "company.address.city",
      "company.address.line1",
      "company.address.postal_code",
      "company.name",
      "company.phone",
      "company.tax_id",
      ...(country === "US" ? ["company.address.state"] : []),
      "representative.relationship.title",
      ...person("representative"),
    );
  }
  return fields.sort();
}

export interface AccountInput {
  country: string;
  defaultCurrency: string;
  email: string | null;
  businessType: Stripe.Account.BusinessType | null;
  requestTransfers: boolean;
  requestCardPayments: boolean;
  businessProfile: { name: string | null; url: string | null; mcc: string | null; productDescription: string | null };
  payoutSchedule: Stripe.Account.Settings.Payouts.Schedule;
  metadata: Record<string, string>;
}

/** A new Express account: nothing submitted, every requested capability inactive. */
/** An account's requirements with nothing asked for. */
export function emptyRequirements(): Stripe.Account.Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  };
}

export function buildExpressAccount(input: AccountInput): Stripe.Account {
  const id = newId("account");
  const due = initialRequirements(input.country, input.businessType, input.businessProfile);
  const capabilities: Stripe.Account.Capabilities = {};
  if (input.requestCardPayments) capabilities.card_payments = "inactive";
  if (input.requestTransfers) capabilities.transfers = "inactive";
  return {
    id,
    object: "account",
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: input.businessProfile.mcc,
      minority_owned_business_designation: null,
      name: input.businessProfile.name,
      product_description: input.businessProfile.productDescription,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: input.businessProfile.url,
    },
    business_type: input.businessType,
    capabilities,
    charges_enabled: false,
    controller: {
      fees: { payer: "application_express" },
      is_controller: true,
      losses: { payments: "application" },
      requirement_collection: "stripe",
      stripe_dashboard: { type: "express" },
      type: "application",
    },
    country: input.country,
    created: nowSeconds(),
    default_currency: input.defaultCurrency,
    details_submitted: false,
    email: input.email,
    external_accounts: emptyList<Stripe.BankAccount | Stripe.Card>(`/v1/accounts/${id}/external_accounts`),
    future_requirements: emptyRequirements(),
    metadata: input.metadata,
    payouts_enabled: false,
    requirements: { ...emptyRequirements(), currently_due: due, disabled_reason: "requirements.past_due", eventually_due: [...due], past_due: [...due] },
    settings: {
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: input.businessProfile.name, timezone: "Etc/UTC" },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: input.payoutSchedule, statement_descriptor: null },
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: "express",
  } satisfies Stripe.Account;
}

/** The test bank account an Express account adds during onboarding (Stripe's test routing number). */
export function buildTestBankAccount(account: Stripe.Account): Stripe.BankAccount {
  return {
    id: newId("bankAccount"),
    object: "bank_account",
    account: account.id,
    account_holder_name: account.business_profile?.name ?? null,
    account_holder_type: account.business_type === "company" ? "company" : "individual",
    account_type: null,
    available_payout_methods: ["standard"],
    bank_name: "STRIPE TEST BANK",
    country: account.country ?? "US",
    currency: account.default_currency ?? "usd",
    default_for_currency: true,
    fingerprint: newId("bankFingerprint"),
    future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    last4: "6789",
    metadata: {},
    requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    routing_number: "110000000",
    status: "new",
  } satisfies Stripe.BankAccount;
}

export function buildAccountLink(url: string, ttlSeconds: number): Stripe.AccountLink {
  const created = nowSeconds();
  return { object: "account_link", created, expires_at: created + ttlSeconds, url } satisfies Stripe.AccountLink;
}

export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  description: string | null;
  metadata: Record<string, string>;
  transferGroup: string | null;
  sourceTransaction: string | null;
}

export function buildTransfer(input: TransferInput): Stripe.Transfer {
  const id = newId("transfer");
  return {
    id,
    object: "transfer",
    amount: input.amount,
    amount_reversed: 0,
    balance_transaction: newId("balanceTransaction"),
    created: nowSeconds(),
    currency: input.currency,
    description: input.description,
    destination: input.destination,
    destination_payment: newId("destinationPayment"),
    livemode: false,
    metadata: input.metadata,
    reversals: emptyList<Stripe.TransferReversal>(`/v1/transfers/${id}/reversals`),
    reversed: false,
    source_transaction: input.sourceTransaction,
    source_type: "card",
    transfer_group: input.transferGroup,
  } satisfies Stripe.Transfer;
}

export function buildTransferReversal(transfer: Stripe.Transfer, amount: number, metadata: Record<string, string>): Stripe.TransferReversal {
  return {
    id: newId("transferReversal"),
    object: "transfer_reversal",
    amount,
    balance_transaction: newId("balanceTransaction"),
    created: nowSeconds(),
    currency: transfer.currency,
    destination_payment_refund: newId("destinationPaymentRefund"),
    metadata,
    source_refund: null,
    transfer: transfer.id,
  } satisfies Stripe.TransferReversal;
}

export interface PayoutInput {
  amount: number;
  currency: string;
  destination: string;
  description: string | null;
  statementDescriptor: string | null;
  metadata: Record<string, string>;
  automatic: boolean;
}

/** A standard payout to a bank account, due two days later (midnight UTC, as Stripe reports it). */
export function buildPayout(input: PayoutInput): Stripe.Payout {
  const created = nowSeconds();
  return {
    id: newId("payout"),
    object: "payout",
    amount: input.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: Math.floor(created / DAY_SECONDS) * DAY_SECONDS + 2 * DAY_SECONDS,
    automatic: input.automatic,
    balance_transaction: newId("balanceTransaction"),
    created,
    currency: input.currency,
    description: input.description ?? (input.automatic ? "STRIPE PAYOUT" : null),
    destination: input.destination,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: input.metadata,
    method: "standard",
    original_payout: null,
    payout_method: null,
    reconciliation_status: input.automatic ? "in_progress" : "not_applicable",
    reversed_by: null,
    source_type: "card",
    statement_descriptor: input.statementDescriptor,
    status: "pending",
    trace_id: { status: "pending", value: null },
    type: "bank_account",
  } satisfies Stripe.Payout;
}

export interface BalanceAmounts {
  currency: string;
  available: number;
  pending: number;
}

export function buildBalance(amounts: BalanceAmounts[], isPlatform: boolean): Stripe.Balance {
  return {
    object: "balance",
    available: amounts.map((a) => ({ amount: a.available, currency: a.currency, source_types: { card: a.available } })),
    ...(isPlatform ? { connect_reserved: amounts.map((a) => ({ amount: 0, currency: a.currency })) } : {}),
    livemode: false,
    pending: amounts.map((a) => ({ amount: a.pending, currency: a.currency, source_types: { card: a.pending } })),
  } satisfies Stripe.Balance;
}

// ---- events ------------------------------------------------------------------------------

type EventOfType<T extends EmittedEvent["type"]> = Extract<EmittedEvent, { type: T }>;

/**
 * An event of `type` about `object` in Stripe's envelope; `previous` is what changed, in
 * Stripe's `previous_attributes` form (only the keys that changed, nested objects diffed).
 */
export function buildEvent<T extends EmittedEvent["type"]>(
  type: T,
  object: EventOfType<T>["data"]["object"],
  ctx: EventContext,
  previous?: object,
): EventOfType<T> {
  const data = previous ? { object: snapshot(object), previous_attributes: previous } : { object: snapshot(object) };
  const event = { ...envelope(ctx), type, data } satisfies Stripe.EventBase & { type: T; data: { object: object } };
  // Sound: `object` has the type this event type's data.object has.
  return event as unknown as EventOfType<T>;
}

/** `previous_attributes` of `after` against `before`: the old value of every key that changed. */
export function previousAttributes(before: unknown, after: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(before) || !isPlainObject(after)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [b, a] = [before[key], after[key]];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    out[key] = isPlainObject(b) && isPlainObject(a) ? previousAttributes(b, a) : (b ?? null);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
