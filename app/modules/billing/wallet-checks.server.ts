import { rechargeAfterLeadSales, rechargeIfBelowThreshold } from "./auto-recharge.server";
import { noticeLowBalances, noticeLowBalancesAfterLeadSales } from "./low-balance.server";

// What follows wallet debits once they have committed: auto-recharge first (a recharge on its way
// then spares the advertiser a low-balance notice), then the low-balance notice.

/**
 * After leads sold have committed (a batch, a review, a post): their buyers' wallets. A batch passes
 * the balances of the wallets it held (by ledger code), so the check need not add up their postings.
 */
export async function checkWalletsAfterLeadSales(leadIds: string[], knownBalances?: ReadonlyMap<string, bigint>): Promise<void> {
  await rechargeAfterLeadSales(leadIds);
  await noticeLowBalancesAfterLeadSales(leadIds, knownBalances);
}

/** After other debits of these advertisers' wallets have committed (conversion billing). */
export async function checkWalletsAfterDebits(advertiserIds: string[]): Promise<void> {
  await rechargeIfBelowThreshold(advertiserIds);
  await noticeLowBalances(advertiserIds);
}
