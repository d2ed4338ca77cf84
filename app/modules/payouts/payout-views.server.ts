import type { Actor } from "~/utils/permissions.server";
import { refreshOwnConnectAccount } from "./connect-accounts.server";
import { getOwnPayoutAccount, listOwnPayouts } from "./payout-queries.server";
import type { OwnPayoutsQuery } from "./payouts.schema";

/**
 * The affiliate's Payouts page: its Stripe Connect account and a page of its payouts. Back from Stripe's
 * onboarding, the account is read from Stripe now rather than when account.updated arrives.
 */
export async function affiliatePayoutsView(actor: Actor, query: OwnPayoutsQuery) {
  if (query.onboarding === "return") await refreshOwnConnectAccount(actor);
  const [account, payouts] = await Promise.all([getOwnPayoutAccount(actor), listOwnPayouts(actor, query.cursor)]);
  return { account, payouts: payouts.rows, nextCursor: payouts.nextCursor };
}
