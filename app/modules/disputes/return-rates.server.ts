import { prisma, type Tx } from "~/utils/db.server";

// Return rates over a rolling 30 days, on the cohort of leads bought (sold) in them:
// - an order's cap counts returns asked (open or approved) against the leads it bought;
// - a company's rate counts approved returns: advertisers on what they bought (routing ranks their
//   bids at price × (1 − rate)), affiliates on what they sold (admins see outliers flagged).

const DAY_MS = 86_400_000;
export const RETURN_RATE_WINDOW_DAYS = 30;

export interface OrderReturnUsage {
  bought: number;
  returns: number;
  capBps: number;
  /** Returns the order may have in the window: the cap's share of what it bought, at least one. */
  allowed: number;
}

/** Where the return-rate cohort starts: sales of the last RETURN_RATE_WINDOW_DAYS days. */
export const returnRateWindowStart = (now: Date) => new Date(now.getTime() - RETURN_RATE_WINDOW_DAYS * DAY_MS);

/** An order's returns against its cap (call under the order's lock so two requests cannot both take the last one). */
export async function orderReturnUsage(tx: Tx, orderId: string, now: Date = new Date()): Promise<OrderReturnUsage> {
  const since = returnRateWindowStart(now);
  const [order, bought, returns] = await Promise.all([
    tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { returnCapBps: true } }),
    tx.leadSale.count({ where: { orderId, pricingModel: "CPL", soldAt: { gte: since } } }),
    tx.dispute.count({
      where: { orderId, kind: "LEAD_RETURN", status: { in: ["AWAITING_RESPONSE", "IN_REVIEW", "APPROVED"] }, sale: { soldAt: { gte: since } } },
    }),
  ]);
  const allowed = Math.max(1, Math.floor((bought * order.returnCapBps) / 10_000));
  return { bought, returns, capBps: order.returnCapBps, allowed };
}

export function describeUsage(usage: OrderReturnUsage): string {
  const percent = usage.bought === 0 ? "0" : ((usage.returns / usage.bought) * 100).toFixed(1);
  return (
    `This order has ${usage.returns} ${usage.returns === 1 ? "return" : "returns"} of the ${usage.bought} ${usage.bought === 1 ? "lead" : "leads"} ` +
    `it bought in the last ${RETURN_RATE_WINDOW_DAYS} days (${percent}%); its cap is ${(usage.capBps / 100).toFixed(usage.capBps % 100 === 0 ? 0 : 2)}% ` +
    `(${usage.allowed} ${usage.allowed === 1 ? "return" : "returns"})`
  );
}

/**
 * Recomputes the approved-return rate (basis points) of the given companies, or of every company
 * when none are given (the daily refresh), in one statement each side.
 */
export async function refreshReturnRates(db: Tx | typeof prisma = prisma, companyIds?: string[], now: Date = new Date()): Promise<void> {
  const since = returnRateWindowStart(now);
  const only = companyIds && companyIds.length > 0 ? companyIds : null;
  // Advertisers: on the sales they bought. Companies with no sale in the window go back to 0.
  await db.$executeRaw`
    UPDATE "Company" c SET "returnRateBps" = COALESCE(r.rate, 0)
    FROM "Company" c2
    LEFT JOIN (
      SELECT ls."advertiserId" AS id, (10000 * COUNT(d.id) / COUNT(ls.id))::int AS rate
      FROM "LeadSale" ls
      LEFT JOIN "Dispute" d ON d."saleId" = ls.id AND d.kind = 'LEAD_RETURN' AND d.status = 'APPROVED'
      WHERE ls."pricingModel" = 'CPL' AND ls."soldAt" >= ${since} AND (${only}::text[] IS NULL OR ls."advertiserId" = ANY(${only}::text[]))
      GROUP BY ls."advertiserId"
    ) r ON r.id = c2.id
    WHERE c.id = c2.id AND c2.kind = 'ADVERTISER' AND (${only}::text[] IS NULL OR c2.id = ANY(${only}::text[]))
      AND c."returnRateBps" IS DISTINCT FROM COALESCE(r.rate, 0)`;
  // Affiliates: on the sales of their leads.
  await db.$executeRaw`
    UPDATE "Company" c SET "returnRateBps" = COALESCE(r.rate, 0)
    FROM "Company" c2
    LEFT JOIN (
      SELECT l."affiliateId" AS id, (10000 * COUNT(d.id) / COUNT(ls.id))::int AS rate
      FROM "LeadSale" ls
      JOIN "Lead" l ON l.id = ls."leadId"
      LEFT JOIN "Dispute" d ON d."saleId" = ls.id AND d.kind = 'LEAD_RETURN' AND d.status = 'APPROVED'
      WHERE ls."pricingModel" = 'CPL' AND ls."soldAt" >= ${since} AND (${only}::text[] IS NULL OR l."affiliateId" = ANY(${only}::text[]))
      GROUP BY l."affiliateId"
    ) r ON r.id = c2.id
    WHERE c.id = c2.id AND c2.kind = 'AFFILIATE' AND (${only}::text[] IS NULL OR c2.id = ANY(${only}::text[]))
      AND c."returnRateBps" IS DISTINCT FROM COALESCE(r.rate, 0)`;
}

/** A bid as routing and the auction rank it: the price less the buyer's approved-return rate (it still pays the full price). */
export function rankedBidCents(priceCents: number, returnRateBps: number): number {
  return Math.round((priceCents * (10_000 - Math.min(Math.max(returnRateBps, 0), 10_000))) / 10_000);
}
