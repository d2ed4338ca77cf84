import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { STUCK_RULES, type StuckItem, type StuckKind } from "./reconciliation.schema";

// Stuck states of conversions, counted and listed oldest first (STUCK_RULES, docs/operations.md):
// - pending past the lock: billed conversions the lock job should have locked a while ago
//   (CONVERSION_STUCK_GRACE_MS after their lockAt);
// - reversals kept for a conversion that never came (more than a day);
// - leads delivered on CPA/CPS terms whose attribution window closed with no conversion
//   (windows closed in the last 30 days).

const DAY_MS = 24 * 60 * 60 * 1000;
export const STUCK_PAGE = 20;

export interface StuckPage {
  count: number;
  items: StuckItem[];
}

interface Bounds {
  now: Date;
  lockedBefore: Date;
  reversalsBefore: Date;
  windowsClosedAfter: Date;
}

function boundsAt(now: Date): Bounds {
  return {
    now,
    lockedBefore: new Date(now.getTime() - getEnv().CONVERSION_STUCK_GRACE_MS),
    reversalsBefore: new Date(now.getTime() - STUCK_RULES.reversalWaitingDays * DAY_MS),
    windowsClosedAfter: new Date(now.getTime() - STUCK_RULES.closedWindowLookbackDays * DAY_MS),
  };
}

async function pendingPastLock(b: Bounds, skip: number, take: number): Promise<StuckPage> {
  const where = { status: { in: ["PENDING" as const, "APPROVED" as const] }, lockAt: { lt: b.lockedBefore } };
  const [count, rows] = await Promise.all([
    prisma.conversion.count({ where }),
    prisma.conversion.findMany({
      where,
      orderBy: { lockAt: "asc" },
      skip,
      take,
      select: {
        id: true,
        externalId: true,
        status: true,
        leadId: true,
        lockAt: true,
        payoutCents: true,
        reversedPayoutCents: true,
        advertiser: { select: { name: true } },
      },
    }),
  ]);
  return {
    count,
    items: rows.map((c) => ({
      id: c.id,
      advertiserName: c.advertiser.name,
      what: `Conversion ${c.externalId}, ${c.status.toLowerCase()}, due to lock`,
      since: c.lockAt!.toISOString(),
      leadId: c.leadId,
      amountCents: c.payoutCents - c.reversedPayoutCents,
    })),
  };
}

async function waitingReversals(b: Bounds, skip: number, take: number): Promise<StuckPage> {
  const where = { appliedAt: null, receivedAt: { lt: b.reversalsBefore } };
  const [count, rows] = await Promise.all([
    prisma.pendingConversionReversal.count({ where }),
    prisma.pendingConversionReversal.findMany({ where, orderBy: { receivedAt: "asc" }, skip, take }),
  ]);
  const names = new Map(
    (await prisma.company.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.advertiserId))] } }, select: { id: true, name: true } })).map((c) => [
      c.id,
      c.name,
    ]),
  );
  return {
    count,
    items: rows.map((r) => ({
      id: r.id,
      advertiserName: names.get(r.advertiserId) ?? r.advertiserId,
      what: `Reversal ${r.key} of conversion ${r.conversionExternalId}, never reported`,
      since: r.receivedAt.toISOString(),
      leadId: null,
      amountCents: r.saleAmountCents,
    })),
  };
}

async function unconvertedDeliveries(b: Bounds, skip: number, take: number): Promise<StuckPage> {
  const from = `FROM "LeadSale" ls JOIN "Order" o ON o.id = ls."orderId" JOIN "Offer" f ON f.id = o."offerId"
     WHERE ls."pricingModel" IN ('CPA', 'CPS')
       AND ls."soldAt" + f."attributionWindowDays" * interval '1 day' < $1
       AND ls."soldAt" + f."attributionWindowDays" * interval '1 day' >= $2
       AND NOT EXISTS (SELECT 1 FROM "Conversion" c WHERE c."leadId" = ls."leadId" AND c."advertiserId" = ls."advertiserId")`;
  const [[{ count }], rows] = await Promise.all([
    prisma.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count ${from}`, b.now, b.windowsClosedAfter),
    prisma.$queryRawUnsafe<Array<{ id: string; leadId: string; advertiserName: string; offerTitle: string; windowEnd: Date }>>(
      `SELECT ls.id, ls."leadId", (SELECT name FROM "Company" WHERE id = ls."advertiserId") AS "advertiserName", f.title AS "offerTitle",
              ls."soldAt" + f."attributionWindowDays" * interval '1 day' AS "windowEnd"
       ${from} ORDER BY 5, 1 OFFSET $3 LIMIT $4`,
      b.now,
      b.windowsClosedAfter,
      skip,
      take,
    ),
  ]);
  return {
    count,
    items: rows.map((r) => ({
      id: r.id,
      advertiserName: r.advertiserName,
      what: `Lead delivered on "${r.offerTitle}", no conversion reported`,
      since: r.windowEnd.toISOString(),
      leadId: r.leadId,
      amountCents: null,
    })),
  };
}

const LISTS: Record<StuckKind, (b: Bounds, skip: number, take: number) => Promise<StuckPage>> = {
  pending_past_lock: pendingPastLock,
  waiting_reversals: waitingReversals,
  unconverted_deliveries: unconvertedDeliveries,
};

/** One page of one stuck state, oldest first, as it is now. */
export async function listStuck(kind: StuckKind, page: number, now: Date = new Date(), pageSize = STUCK_PAGE): Promise<StuckPage> {
  return LISTS[kind](boundsAt(now), (Math.max(1, page) - 1) * pageSize, pageSize);
}
