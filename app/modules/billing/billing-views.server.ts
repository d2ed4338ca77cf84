import type { Actor } from "~/utils/permissions.server";
import { centsToNumber } from "~/utils/route-errors.server";
import { getAutoRecharge } from "./auto-recharge.server";
import { getAdvertiserBalanceCents } from "./balances.server";
import { getOwnPostpaid } from "./postpaid-invoices.server";
import { getSavedCard } from "./saved-cards.server";
import { listTopUps } from "./top-ups.server";
import type { StatementFilter } from "./wallet-statement.schema";
import { listWalletStatement } from "./wallet-statement.server";

// The advertiser's billing page in one read: wallet, top-ups, statement, saved card,
// auto-recharge and (for postpaid accounts) invoices.

export async function advertiserBillingView(actor: Actor, filter: StatementFilter) {
  const [balanceCents, topUps, statement, savedCard, autoRecharge, postpaid] = await Promise.all([
    getAdvertiserBalanceCents(actor),
    listTopUps(actor),
    listWalletStatement(actor, filter),
    getSavedCard(actor),
    getAutoRecharge(actor),
    getOwnPostpaid(actor),
  ]);
  return {
    savedCard,
    autoRecharge,
    balanceCents: centsToNumber(balanceCents),
    postpaid,
    statement,
    filter,
    topUps: topUps.map((t) => ({
      id: t.id,
      amountCents: t.amountCents,
      currency: t.currency,
      status: t.status,
      kind: t.kind,
      failureMessage: t.failureMessage,
      createdAt: t.createdAt,
      paidAt: t.paidAt,
    })),
  };
}
