/**
 * Money between the platform and connected accounts: transfers and their reversals, payouts
 * from a balance to a bank account, and the balances themselves.
 */
import type Stripe from "stripe";
import { type BalanceOwner, type Balances, PAYOUT_BALANCE_INSUFFICIENT, PLATFORM, TRANSFER_BALANCE_INSUFFICIENT } from "./balances.js";
import type { ConnectAccounts } from "./connect-accounts.js";
import { type PayoutInput, type TransferInput, buildEvent, buildPayout, buildTransfer, buildTransferReversal, previousAttributes } from "./connect-objects.js";
import { invalidParam, invalidRequest, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { newId } from "./ids.js";
import { snapshot } from "./objects.js";

/** Stripe's payout failure codes and the message each carries. */
export const PAYOUT_FAILURES = {
  account_closed: "The bank account has been closed.",
  account_frozen: "The bank account has been frozen.",
  bank_account_restricted: "The bank account has restrictions on either the type, or the number, of payouts allowed.",
  bank_ownership_changed: "The destination bank account is no longer valid because its branch has changed ownership.",
  could_not_process: "The bank could not process this payout.",
  debit_not_authorized: "Debit transactions are not approved on the bank account.",
  declined: "The bank has declined this transfer. Please contact the bank before retrying.",
  incorrect_account_holder_address: "Your bank notified us that the bank account holder address on file is incorrect.",
  incorrect_account_holder_name: "Your bank notified us that the bank account holder name on file is incorrect.",
  incorrect_account_holder_tax_id: "Your bank notified us that the bank account holder tax ID on file is incorrect.",
  insufficient_funds: "Your Stripe account has insufficient funds to cover the payout.",
  invalid_account_number: "The routing number seems correct, but the account number is invalid.",
  invalid_currency: "The bank was unable to process this payout because of its currency.",
  no_account: "The bank account details on file are probably incorrect. No bank account could be located with those details.",
} as const;
export type PayoutFailureCode = keyof typeof PAYOUT_FAILURES;

const CAPABILITY_MISSING =
  "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments";

const PAYOUTS_NOT_ALLOWED =
  "Payouts have been disabled on this account. Check the account's requirements to see if any additional information needs to be provided.";

export interface PayoutRecord {
  payout: Stripe.Payout;
  owner: BalanceOwner;
}

export class ConnectMoney {
  private readonly transfers = new Map<string, Stripe.Transfer>();
  private readonly payouts = new Map<string, PayoutRecord>();
  private readonly payoutTimers = new Map<string, NodeJS.Timeout>();
  /** Where the platform's own payouts go. */
  readonly platformBankAccount = newId("bankAccount");

  constructor(
    private readonly events: EventLog,
    private readonly balances: Balances,
    private readonly accounts: ConnectAccounts,
    /** When set, pending payouts are paid this many ms after creation; else only by the control. */
    private readonly payoutArrivalMs: number | undefined,
  ) {}

  // ---- balances ------------------------------------------------------------------------------

  balance(owner: BalanceOwner): Stripe.Balance {
    const currency = owner === PLATFORM ? "usd" : (this.accounts.get(owner).default_currency ?? "usd");
    return this.balances.toStripe(owner, currency);
  }

  /** Emulator-only: money added (or taken) by hand, an `adjustment` balance transaction without a source. */
  addFunds(owner: BalanceOwner, amount: number, currency: string): Stripe.Balance {
    if (owner !== PLATFORM) this.accounts.get(owner);
    this.balances.post(owner, {
      currency,
      amount,
      type: "adjustment",
      reportingCategory: "other_adjustment",
      source: null,
      description: "Stripe emulator balance adjustment",
    });
    return this.balance(owner);
  }

  // ---- transfers -----------------------------------------------------------------------------

  createTransfer(input: TransferInput, request: RequestInfo): Stripe.Transfer {
    const destination = this.accounts.find(input.destination);
    if (!destination) throw noSuch("destination", input.destination, "destination", 400);
    if (destination.capabilities?.transfers !== "active") {
      throw invalidRequest(CAPABILITY_MISSING, undefined, "insufficient_capabilities_for_transfer");
    }
    const transfer = buildTransfer(input);
    const platformSide = this.balances.withdraw(
      PLATFORM,
      { currency: input.currency, amount: -input.amount, type: "transfer", reportingCategory: "transfer", source: transfer.id, description: input.description },
      TRANSFER_BALANCE_INSUFFICIENT,
    );
    transfer.balance_transaction = platformSide.id;
    this.balances.post(destination.id, {
      currency: input.currency,
      amount: input.amount,
      type: "payment",
      reportingCategory: "charge",
      source: typeof transfer.destination_payment === "string" ? transfer.destination_payment : null,
      description: null,
    });
    this.transfers.set(transfer.id, transfer);
    this.events.emitInBackground(buildEvent("transfer.created", transfer, this.events.context(request)));
    return transfer;
  }

  getTransfer(id: string): Stripe.Transfer {
    const transfer = this.transfers.get(id);
    if (!transfer) throw noSuch("transfer", id);
    return transfer;
  }

  /** Newest first. */
  listTransfers(matches: (t: Stripe.Transfer) => boolean): Stripe.Transfer[] {
    return [...this.transfers.values()].filter(matches).reverse();
  }

  updateTransfer(id: string, change: { description?: string | null; metadata?: Record<string, string> }, request: RequestInfo): Stripe.Transfer {
    const transfer = this.getTransfer(id);
    const before = snapshot(transfer);
    if (change.description !== undefined) transfer.description = change.description;
    if (change.metadata !== undefined) transfer.metadata = change.metadata;
    const previous = previousAttributes(before, transfer);
    if (previous) this.events.emitInBackground(buildEvent("transfer.updated", transfer, this.events.context(request), previous));
    return transfer;
  }

  /**
   * Takes `amount` (default: all that is left) back from the destination account, which may go
   * negative if the money was paid out already, and returns it to the platform.
   */
  reverseTransfer(id: string, amount: number | null, metadata: Record<string, string>, request: RequestInfo): Stripe.TransferReversal {
    const transfer = this.getTransfer(id);
    const remaining = transfer.amount - transfer.amount_reversed;
    if (remaining === 0) {
      throw invalidRequest(`Transfer ${id} has already been fully reversed.`);
    }
    const reversed = amount ?? remaining;
    if (reversed > remaining) {
      throw invalidParam("amount", `Transfer reversal amount (${reversed}) is greater than the unreversed amount of the transfer (${remaining}).`);
    }
    const before = snapshot(transfer);
    const reversal = buildTransferReversal(transfer, reversed, metadata);
    transfer.reversals = { ...transfer.reversals, data: [reversal, ...transfer.reversals.data] };
    transfer.amount_reversed += reversed;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    const destination = typeof transfer.destination === "string" ? transfer.destination : transfer.destination?.id;
    if (destination && this.accounts.find(destination)) {
      this.balances.post(destination, {
        currency: transfer.currency,
        amount: -reversed,
        type: "payment_refund",
        reportingCategory: "refund",
        source: typeof reversal.destination_payment_refund === "string" ? reversal.destination_payment_refund : null,
        description: null,
      });
    }
    reversal.balance_transaction = this.balances.post(PLATFORM, {
      currency: transfer.currency,
      amount: reversed,
      type: "transfer_refund",
      reportingCategory: "transfer_reversal",
      source: reversal.id,
      description: null,
    }).id;
    this.events.emitInBackground(buildEvent("transfer.reversed", transfer, this.events.context(request), previousAttributes(before, transfer)));
    return reversal;
  }

  getReversal(transferId: string, reversalId: string): Stripe.TransferReversal {
    const reversal = this.getTransfer(transferId).reversals.data.find((r) => r.id === reversalId);
    if (!reversal) throw noSuch("transfer_reversal", reversalId);
    return reversal;
  }

  // ---- payouts -------------------------------------------------------------------------------

  createPayout(
    owner: BalanceOwner,
    input: Omit<PayoutInput, "destination" | "automatic"> & { destination: string | null },
    request: RequestInfo,
    automatic = false,
  ): Stripe.Payout {
    const bankAccount = owner === PLATFORM ? this.platformBankAccount : this.connectedBankAccount(owner);
    if (input.destination !== null && input.destination !== bankAccount) {
      throw noSuch("external account", input.destination, "destination", 400);
    }
    const payout = buildPayout({ ...input, destination: bankAccount, automatic });
    payout.balance_transaction = this.balances.withdraw(
      owner,
      { currency: input.currency, amount: -input.amount, type: "payout", reportingCategory: "payout", source: payout.id, description: payout.description },
      PAYOUT_BALANCE_INSUFFICIENT,
    ).id;
    this.payouts.set(payout.id, { payout, owner });
    this.events.emitInBackground(buildEvent("payout.created", payout, this.eventContext(owner, request)));
    if (this.payoutArrivalMs !== undefined) {
      const timer = setTimeout(() => {
        this.payoutTimers.delete(payout.id);
        if (payout.status === "pending") this.payPayout(payout.id);
      }, this.payoutArrivalMs);
      timer.unref();
      this.payoutTimers.set(payout.id, timer);
    }
    return payout;
  }

  /** Emulator-only: what Stripe's automatic schedule does, one payout per currency with money. */
  payOutAvailableBalance(accountId: string): Stripe.Payout[] {
    this.connectedBankAccount(accountId);
    return this.balances
      .currencies(accountId)
      .filter((currency) => this.balances.available(accountId, currency) > 0)
      .map((currency) =>
        this.createPayout(
          accountId,
          {
            amount: this.balances.available(accountId, currency),
            currency,
            destination: null,
            description: null,
            statementDescriptor: null,
            metadata: {},
          },
          null,
          true,
        ),
      );
  }

  /** `owner` is the account the request acts as: a payout on another account is not found. */
  getPayout(owner: BalanceOwner, id: string): Stripe.Payout {
    const record = this.payouts.get(id);
    if (!record || record.owner !== owner) throw noSuch("payout", id);
    return record.payout;
  }

  /** Newest first. */
  listPayouts(owner: BalanceOwner, status: string | null): Stripe.Payout[] {
    return [...this.payouts.values()]
      .filter((r) => r.owner === owner && (status === null || r.payout.status === status))
      .map((r) => r.payout)
      .reverse();
  }

  /** The bank confirms the money arrived: `payout.paid`. */
  payPayout(id: string): Stripe.Payout {
    const { payout, owner } = this.payoutRecord(id);
    if (payout.status !== "pending") {
      throw invalidRequest(`Payout ${id} is ${payout.status}; only a pending payout can be paid.`, undefined, undefined, 400);
    }
    this.clearTimer(id);
    const before = snapshot(payout);
    payout.status = "paid";
    payout.trace_id = { status: "supported", value: `LEADEXTRACE${id.slice(-8).toUpperCase()}` };
    if (payout.automatic) payout.reconciliation_status = "completed";
    this.events.emitInBackground(buildEvent("payout.paid", payout, this.eventContext(owner, null), previousAttributes(before, payout)));
    return payout;
  }

  /** The bank returns the money (also after `paid`, as banks do): `payout.failed`, funds back. */
  failPayout(id: string, code: PayoutFailureCode, message: string | null): Stripe.Payout {
    const { payout, owner } = this.payoutRecord(id);
    if (payout.status !== "pending" && payout.status !== "paid") {
      throw invalidRequest(`Payout ${id} is ${payout.status}; only a pending or paid payout can fail.`, undefined, undefined, 400);
    }
    this.clearTimer(id);
    const before = snapshot(payout);
    payout.status = "failed";
    payout.failure_code = code;
    payout.failure_message = message ?? PAYOUT_FAILURES[code];
    payout.failure_balance_transaction = this.balances.post(owner, {
      currency: payout.currency,
      amount: payout.amount,
      type: "payout_failure",
      reportingCategory: "payout_reversal",
      source: payout.id,
      description: `Payout failure (${code})`,
    }).id;
    this.events.emitInBackground(buildEvent("payout.failed", payout, this.eventContext(owner, null), previousAttributes(before, payout)));
    return payout;
  }

  close(): void {
    for (const timer of this.payoutTimers.values()) clearTimeout(timer);
    this.payoutTimers.clear();
  }

  private payoutRecord(id: string): PayoutRecord {
    const record = this.payouts.get(id);
    if (!record) throw noSuch("payout", id);
    return record;
  }

  private clearTimer(id: string): void {
    clearTimeout(this.payoutTimers.get(id));
    this.payoutTimers.delete(id);
  }

  private connectedBankAccount(accountId: string): string {
    const account = this.accounts.get(accountId);
    const bankAccount = this.accounts.defaultBankAccount(accountId);
    if (!account.payouts_enabled || bankAccount === null) {
      throw invalidRequest(PAYOUTS_NOT_ALLOWED, undefined, "payouts_not_allowed");
    }
    return bankAccount;
  }

  private eventContext(owner: BalanceOwner, request: RequestInfo) {
    return this.events.context(request, owner === PLATFORM ? undefined : owner);
  }
}
