import { Prisma } from "~/generated/prisma/client";
import { balanceCents, ledgerAccounts } from "~/modules/ledger/ledger.server";
import { recordCompanyNotice } from "~/modules/notices/notices.server";
import { nextLeadNeed, type OrderFunding } from "~/modules/orders/order-funding.server";
import { prisma, type Tx } from "~/utils/db.server";
import { centsToNumber } from "~/utils/route-errors.server";

// Low balance: after wallet debits have committed (never inside routing's transaction), tells an
// advertiser's users once when its wallet (down to its credit limit) can no longer pay the next lead
// of even its cheapest open order, so no order of that currency receives leads any more. Once per
// crossing: no new notice after one sent since the wallet's last paid top-up, so retries and further
// sales add none, and a top-up followed by a new drain tells again. A recharge on its way (a PENDING
// auto-recharge) tells nothing: the wallet is being refilled.

/** Whether the advertiser (a column or a value) may be told now: no recharge on its way, not told since its last paid top-up. */
const mayBeTold = (advertiser: Prisma.Sql) => Prisma.sql`
  NOT EXISTS (SELECT 1 FROM "TopUp" t WHERE t."advertiserId" = ${advertiser} AND t.kind = 'AUTO_RECHARGE' AND t.status = 'PENDING')
  AND NOT EXISTS (
    SELECT 1 FROM "UserNotice" n JOIN "User" u ON u.id = n."userId"
    WHERE u."companyId" = ${advertiser} AND n.kind = 'LOW_BALANCE'
      AND n."createdAt" > COALESCE((SELECT MAX(t."paidAt") FROM "TopUp" t WHERE t."advertiserId" = ${advertiser} AND t.status = 'PAID'), '-infinity'))`;

/**
 * The advertisers (of the batch's buyers, or those named) who may have crossed: may be told, and
 * their wallet plus credit is below what the cheapest open order's next lead needs at most (a CPL
 * order's base price, a CPA/CPS order's set reserve; an order without one always qualifies). One
 * query; `noticeLowBalance` then decides exactly, with order-funding's rules.
 */
async function candidates(
  buyers: { leadIds: string[] } | { advertiserIds: string[] },
  knownBalances: ReadonlyMap<string, bigint> = new Map(),
): Promise<string[]> {
  const buyerIds =
    "leadIds" in buyers
      ? Prisma.sql`SELECT DISTINCT s."advertiserId" AS id FROM "LeadSale" s WHERE s."leadId" = ANY(${buyers.leadIds}::text[])`
      : Prisma.sql`SELECT unnest(${buyers.advertiserIds}::text[]) AS id`;
  // The wallet's code is ledgerAccounts.advertiserWallet's; its balance is the credits on it: as the
  // batch that just sold committed it when known, else added up (a wallet's postings only grow).
  const codes = [...knownBalances.keys()];
  const balances = codes.map((code) => String(knownBalances.get(code)));
  const rows = await prisma.$queryRaw<Array<{ advertiserId: string }>>`
    WITH buyer AS (${buyerIds}),
    known AS (SELECT * FROM unnest(${codes}::text[], ${balances}::bigint[]) AS k(code, postings_sum))
    SELECT DISTINCT o."advertiserId" FROM buyer b
    JOIN "Company" c ON c.id = b.id
    JOIN "Order" o ON o."advertiserId" = b.id AND o.status = 'OPEN'
    JOIN "Offer" f ON f.id = o."offerId"
    WHERE ${mayBeTold(Prisma.sql`b.id`)}
    GROUP BY o."advertiserId", o.currency, c."creditLimitCents"
    HAVING c."creditLimitCents" - COALESCE(
      (SELECT k.postings_sum FROM known k WHERE k.code = 'advertiser:' || o."advertiserId" || ':wallet:' || o.currency),
      (SELECT COALESCE(SUM(p."amountCents"), 0) FROM "Posting" p JOIN "LedgerAccount" a ON a.id = p."accountId"
       WHERE a.code = 'advertiser:' || o."advertiserId" || ':wallet:' || o.currency)
    ) < MIN(GREATEST(1, CASE WHEN f."pricingModel" = 'CPL' THEN o."priceCents" ELSE COALESCE(o."reserveCents", 2147483647) END))`;
  return rows.map((r) => r.advertiserId);
}

/** After a batch of leads sold has committed: tells each buyer whose wallet can no longer pay any open order. */
export async function noticeLowBalancesAfterLeadSales(leadIds: string[], knownBalances?: ReadonlyMap<string, bigint>): Promise<void> {
  if (leadIds.length === 0) return;
  await noticeEach(await candidates({ leadIds }, knownBalances));
}

/** After other debits of these advertisers' wallets have committed (conversion billing). */
export async function noticeLowBalances(advertiserIds: string[]): Promise<void> {
  if (advertiserIds.length === 0) return;
  await noticeEach(await candidates({ advertiserIds: [...new Set(advertiserIds)] }));
}

async function noticeEach(advertiserIds: string[]) {
  for (const advertiserId of advertiserIds) {
    try {
      await noticeLowBalance(advertiserId);
    } catch (error) {
      // The sales stand; the next debit checks again.
      console.warn(`[low-balance] advertiser ${advertiserId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/**
 * Tells the advertiser's users when, in some currency, the wallet plus credit covers no open order's
 * next lead, once per crossing. Under an advisory lock per advertiser, so two batches finding the
 * same crossing at once tell once. Answers whether it told.
 */
export async function noticeLowBalance(advertiserId: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`low-balance:${advertiserId}`}))`;
    const open = await tx.$queryRaw<unknown[]>`SELECT 1 WHERE ${mayBeTold(Prisma.sql`${advertiserId}`)}`;
    if (open.length === 0) return false;
    const shortfall = await lowestShortfall(tx, advertiserId);
    if (!shortfall) return false;
    await recordCompanyNotice(tx, advertiserId, { kind: "LOW_BALANCE", data: shortfall });
    return true;
  });
}

type Shortfall = Pick<OrderFunding, "walletCents" | "creditCents" | "neededCents" | "basis"> & { currency: string };

/** The first currency whose wallet covers none of the open orders' next leads, with its cheapest order's need; null when every currency has a payable order. */
async function lowestShortfall(tx: Tx, advertiserId: string): Promise<Shortfall | null> {
  const company = await tx.company.findUniqueOrThrow({ where: { id: advertiserId }, select: { creditLimitCents: true } });
  const orders = await tx.order.findMany({
    where: { advertiserId, status: "OPEN" },
    select: { currency: true, reserveCents: true, priceCents: true, pricing: true, offer: true },
  });
  for (const currency of new Set(orders.map((o) => o.currency))) {
    const cheapest = orders
      .filter((o) => o.currency === currency)
      .map(nextLeadNeed)
      .reduce((a, b) => (b.neededCents < a.neededCents ? b : a));
    const walletCents = centsToNumber(await balanceCents(tx, ledgerAccounts.advertiserWallet(advertiserId, currency)));
    if (walletCents + company.creditLimitCents < cheapest.neededCents) {
      return { currency, walletCents, creditCents: company.creditLimitCents, ...cheapest };
    }
  }
  return null;
}
