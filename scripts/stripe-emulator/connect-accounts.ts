/**
 * Connected (Express) accounts and their onboarding links: state and operations. Every change to
 * an account sends `account.updated` with `account` set on the event, as Connect webhooks do.
 */
import type Stripe from "stripe";
import type { Balances } from "./balances.js";
import {
  type AccountInput,
  buildAccountLink,
  buildEvent,
  buildExpressAccount,
  buildTestBankAccount,
  emptyRequirements,
  previousAttributes,
} from "./connect-objects.js";
import { invalidRequest, noSuch } from "./errors.js";
import type { EventLog, RequestInfo } from "./event-log.js";
import { newId, nowSeconds } from "./ids.js";
import { snapshot } from "./objects.js";

export interface AccountLinkRecord {
  token: string;
  account: string;
  link: Stripe.AccountLink;
  refreshUrl: string;
  returnUrl: string;
  /** Stripe's links are single use: a second visit goes to refresh_url. */
  state: "new" | "visited" | "used";
}

type CapabilityStatus = "active" | "inactive" | "pending";

/** What the emulator-only requirements control may change (anything left out stays as it is). */
export interface RequirementsChange {
  currently_due?: string[];
  eventually_due?: string[];
  past_due?: string[];
  pending_verification?: string[];
  current_deadline?: number | null;
  disabled_reason?: Stripe.Account.Requirements.DisabledReason | null;
  payouts_enabled?: boolean;
  charges_enabled?: boolean;
  capabilities?: { transfers?: CapabilityStatus; card_payments?: CapabilityStatus };
}

export class ConnectAccounts {
  private readonly accounts = new Map<string, Stripe.Account>();
  private readonly links = new Map<string, AccountLinkRecord>();

  constructor(
    private readonly events: EventLog,
    private readonly balances: Balances,
    private readonly emulatorUrl: () => string,
    private readonly linkTtlSeconds: number,
  ) {}

  create(input: AccountInput): Stripe.Account {
    const account = buildExpressAccount(input);
    this.accounts.set(account.id, account);
    return account;
  }

  find(id: string): Stripe.Account | undefined {
    return this.accounts.get(id);
  }

  get(id: string, param = "id", status = 404): Stripe.Account {
    const account = this.accounts.get(id);
    if (!account) throw noSuch("account", id, param, status);
    return account;
  }

  /** Applies `change` and sends `account.updated` (with `previous_attributes`) when anything changed. */
  update(id: string, change: (account: Stripe.Account) => void, request: RequestInfo): Stripe.Account {
    const account = this.get(id);
    const before = snapshot(account);
    change(account);
    const previous = previousAttributes(before, account);
    if (previous) {
      this.events.emitInBackground(buildEvent("account.updated", account, this.events.context(request, id), previous));
    }
    return account;
  }

  delete(id: string): Stripe.DeletedAccount {
    this.get(id);
    this.accounts.delete(id);
    this.balances.remove(id);
    for (const [token, link] of this.links) if (link.account === id) this.links.delete(token);
    return { id, object: "account", deleted: true } satisfies Stripe.DeletedAccount;
  }

  /** What "Complete onboarding" on the hosted page does: everything Stripe asked for is given. */
  completeOnboarding(id: string): Stripe.Account {
    return this.update(
      id,
      (account) => {
        const now = nowSeconds();
        account.requirements = emptyRequirements();
        account.future_requirements = emptyRequirements();
        account.details_submitted = true;
        account.payouts_enabled = true;
        const capabilities = account.capabilities ?? {};
        if (capabilities.transfers !== undefined) capabilities.transfers = "active";
        if (capabilities.card_payments !== undefined) capabilities.card_payments = "active";
        // Only an account that can take card payments has charges enabled; a transfers-only
        // (recipient) account never does.
        account.charges_enabled = capabilities.card_payments === "active";
        account.business_type ??= "individual";
        if (account.business_profile) account.business_profile.mcc ??= "7311";
        account.tos_acceptance = { date: now, ip: "127.0.0.1", user_agent: "Leadex Stripe emulator" };
        const external = account.external_accounts;
        if (external && external.data.length === 0) external.data = [buildTestBankAccount(account)];
      },
      null,
    );
  }

  /** The emulator-only control: the account needs more information, or Stripe disabled it. */
  changeRequirements(id: string, change: RequirementsChange): Stripe.Account {
    const account = this.get(id);
    for (const capability of Object.keys(change.capabilities ?? {}) as (keyof Stripe.Account.Capabilities)[]) {
      if (account.capabilities?.[capability] === undefined) {
        throw invalidRequest(`Account ${id} did not request the ${capability} capability.`, `capabilities[${capability}]`);
      }
    }
    return this.update(
      id,
      (acct) => {
        const req = (acct.requirements ??= emptyRequirements());
        if (change.currently_due) req.currently_due = [...change.currently_due].sort();
        if (change.past_due) req.past_due = [...change.past_due].sort();
        if (change.pending_verification) req.pending_verification = [...change.pending_verification].sort();
        if (change.current_deadline !== undefined) req.current_deadline = change.current_deadline;
        if (change.disabled_reason !== undefined) req.disabled_reason = change.disabled_reason;
        req.eventually_due = [...new Set(change.eventually_due ?? [...(req.currently_due ?? []), ...(req.past_due ?? [])])].sort();
        // A disabled account can neither be paid out nor receive transfers, unless told otherwise.
        const disabled = req.disabled_reason !== null;
        acct.payouts_enabled = change.payouts_enabled ?? (disabled ? false : acct.payouts_enabled);
        acct.charges_enabled = change.charges_enabled ?? (disabled ? false : acct.charges_enabled);
        const capabilities = acct.capabilities ?? {};
        if (capabilities.transfers !== undefined) {
          capabilities.transfers = change.capabilities?.transfers ?? (disabled ? "inactive" : capabilities.transfers);
        }
        if (capabilities.card_payments !== undefined) {
          capabilities.card_payments = change.capabilities?.card_payments ?? (disabled ? "inactive" : capabilities.card_payments);
        }
      },
      null,
    );
  }

  defaultBankAccount(id: string): string | null {
    return this.get(id).external_accounts?.data[0]?.id ?? null;
  }

  // ---- account links -------------------------------------------------------------------------

  createLink(accountId: string, refreshUrl: string, returnUrl: string): Stripe.AccountLink {
    this.get(accountId, "account", 400);
    const token = newId("accountLinkToken");
    const link = buildAccountLink(`${this.emulatorUrl()}/connect/setup/e/${accountId}/${token}`, this.linkTtlSeconds);
    this.links.set(token, { token, account: accountId, link, refreshUrl, returnUrl, state: "new" });
    return link;
  }

  linkRecord(token: string): AccountLinkRecord | undefined {
    return this.links.get(token);
  }

  isExpired(record: AccountLinkRecord): boolean {
    return record.link.expires_at <= nowSeconds();
  }

  /** Emulator-only: every unused link of the account expires now. Returns how many did. */
  expireLinks(accountId: string): number {
    this.get(accountId);
    let count = 0;
    for (const record of this.links.values()) {
      if (record.account === accountId && record.state === "new" && !this.isExpired(record)) {
        record.link.expires_at = nowSeconds() - 1;
        count++;
      }
    }
    return count;
  }
}
