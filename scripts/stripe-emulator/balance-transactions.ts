/**
 * `GET /v1/balance_transactions` (newest first; `limit`, `starting_after` / `ending_before`,
 * `type`, `source`, `currency`, `created` exact or `[gt|gte|lt|lte]`) and
 * `GET /v1/balance_transactions/:id` (expand `source`), for the platform or, with the
 * Stripe-Account header, a connected account.
 */
import type Stripe from "stripe";
import { ID, type Route, cannotExpand, listPage, route } from "./api-routes.js";
import { type Balances, PLATFORM } from "./balances.js";
import { invalidParam } from "./errors.js";
import type { ParamReader } from "./params.js";

/** Finds the object a balance transaction's `source` names, for `expand[]=source`. */
export type SourceLookup = (id: string) => object | undefined;

export class BalanceTransactionsApi {
  constructor(
    private readonly balances: Balances,
    private readonly findSource: SourceLookup,
  ) {}

  routes(): Route[] {
    return [
      route(
        "GET",
        "/v1/balance_transactions",
        (c) => {
          c.params.allowOnly(["limit", "starting_after", "ending_before", "type", "source", "currency", "created", "payout", "expand"]);
          const type = c.params.optionalString("type");
          const source = c.params.optionalString("source");
          const currency = c.params.optionalString("currency")?.toLowerCase() ?? null;
          if (c.params.has("payout")) throw invalidParam("payout", "The Leadex Stripe emulator does not link balance transactions to payouts.");
          const created = createdFilter(c.params);
          const transactions = this.balances
            .transactions(c.account ?? PLATFORM)
            .filter(
              (t) =>
                (type === null || t.type === type) &&
                (source === null || t.source === source) &&
                (currency === null || t.currency === currency) &&
                created(t.created),
            );
          const page = listPage(c.params, transactions, "/v1/balance_transactions", "balance_transaction");
          return { ...page, data: page.data.map((t) => this.expand(t, c.params, "data.")) };
        },
        { onBehalf: true },
      ),
      route(
        "GET",
        `/v1/balance_transactions/${ID}`,
        (c) => {
          c.params.allowOnly(["expand"]);
          return this.expand(this.balances.transaction(c.account ?? PLATFORM, c.ids[0]), c.params);
        },
        { onBehalf: true },
      ),
    ];
  }

  private expand(transaction: Stripe.BalanceTransaction, params: ParamReader, prefix = ""): Stripe.BalanceTransaction {
    const expansions = params.stringArray("expand");
    if (expansions.length === 0) return transaction;
    const out = { ...transaction };
    expansions.forEach((path, i) => {
      if (path !== `${prefix}source`) throw cannotExpand(path, i);
      if (typeof transaction.source === "string")
        out.source = (this.findSource(transaction.source) as Stripe.BalanceTransactionSource | undefined) ?? transaction.source;
    });
    return out;
  }
}

/** Stripe's range filter: `created=<unix>` or `created[gt|gte|lt|lte]=<unix>`. */
export function createdFilter(params: ParamReader, key = "created"): (value: number) => boolean {
  if (!params.has(key)) return () => true;
  if (typeof params.values[key] === "string") {
    const exact = params.requiredInteger(key);
    return (value) => value === exact;
  }
  const range = params.requiredObject(key);
  range.allowOnly(["gt", "gte", "lt", "lte"]);
  const [gt, gte, lt, lte] = (["gt", "gte", "lt", "lte"] as const).map((k) => range.integer(k));
  return (value) =>
    (gt === undefined || value > gt) && (gte === undefined || value >= gte) && (lt === undefined || value < lt) && (lte === undefined || value <= lte);
}
