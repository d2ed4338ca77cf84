import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { prisma } from "~/utils/db.server";
import { deliveredLead, makeConversionMarket } from "./conversions";
import { makeMarket } from "./selling";
import type { TestStack } from "./stack";

// The settings of the return and dispute tests: a CPL market with leads sold to its buyer, a
// conversion market with one delivered lead, and the balances their money checks read (in usd).

export const wallet = (advertiserId: string) => balanceCents(prisma, ledgerAccounts.advertiserWallet(advertiserId, "usd"));
export const held = (affiliateId: string) => balanceCents(prisma, ledgerAccounts.affiliateHeld(affiliateId, "usd"));
export const available = (affiliateId: string) => balanceCents(prisma, ledgerAccounts.affiliateAvailable(affiliateId, "usd"));
export const fees = () => balanceCents(prisma, ledgerAccounts.platformFees("usd"));
export const returnCosts = () => balanceCents(prisma, ledgerAccounts.platformReturnCosts("usd"));

/**
 * A market ($32 a lead, 20% fee: the seller earns $25.60) and `count` leads sold to its one buyer;
 * `uncapped`: the order may return all of them.
 */
export async function marketWithSoldLeads(stack: TestStack, count: number, { uncapped = false } = {}) {
  const market = await makeMarket(stack);
  const leads = [];
  for (let i = 0; i < count; i++) leads.push(await deliveredLead(stack, market));
  if (uncapped) await prisma.order.update({ where: { id: market.order.id }, data: { returnCapBps: 10_000 } });
  return { ...market, leads, advertiserId: market.buyer.actor.companyId, affiliateId: market.affiliate.actor.companyId };
}

/** A conversion market (CPA unless `offer` says otherwise), one delivered lead, and the ids the money checks read. */
export async function conversionMarketWithLead(stack: TestStack, offer: Parameters<typeof makeConversionMarket>[1] = {}) {
  const market = await makeConversionMarket(stack, offer);
  const lead = await deliveredLead(stack, market);
  return { ...market, lead, advertiserId: market.buyer.actor.companyId, affiliateId: market.affiliate.actor.companyId };
}
