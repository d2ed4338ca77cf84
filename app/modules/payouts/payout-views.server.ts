import type { Actor } from "~/utils/permissions.server";
import { refreshOwnConnectAccount } from "./connect-accounts.server";
import { getOwnPayoutAccount, listOwnPayouts } from "./payout-queries.server";

/**
 * The affiliate's Payouts page: its Stripe Connect account and its payouts. Back from Stripe's
 * onboarding, the account is read from Stripe now rather than when account.updated arrives.
 */
export async function affiliatePayoutsView(actor: Actor, opts: { backFromOnboarding: boolean }) {
  if (opts.backFromOnboarding) await refreshOwnConnectAccount(actor);
  const [account, payouts] = await Promise.all([getOwnPayoutAccount(actor), listOwnPayouts(actor)]);
  return { account, payouts };
}
