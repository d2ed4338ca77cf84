import type { LeadStatus } from "~/generated/prisma/enums";
import type { Prisma } from "~/generated/prisma/client";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { MarketplaceQuery, MarketplaceSort } from "./marketplace.schema";

// The marketplace: active, listed offers, searched and filtered, each with what its traffic did in
// the last 30 days: volume (leads received), acceptance rate (leads that passed the checks, of
// those received) and return rate (leads returned, of those sold).

export const MARKETPLACE_PAGE_SIZE = 25;
const STATS_DAYS = 30;

const PASSED_CHECKS: ReadonlySet<LeadStatus> = new Set(["ACCEPTED", "SOLD", "UNSOLD", "RETURNED"]);
const SOLD: ReadonlySet<LeadStatus> = new Set(["SOLD", "RETURNED"]);

export interface OfferStats {
  /** Leads received in the last 30 days. */
  volume: number;
  /** Of those, the share that passed the checks (null: no leads). */
  acceptanceRate: number | null;
  /** Of those sold, the share returned (null: none sold). */
  returnRate: number | null;
}

/** Each offer's last 30 days, read in one grouped query (Lead(offerId, receivedAt) index). */
async function statsOfOffers(offerIds: string[], now: Date): Promise<Map<string, OfferStats>> {
  const since = new Date(now.getTime() - STATS_DAYS * 24 * 60 * 60 * 1000);
  const groups = offerIds.length
    ? await prisma.lead.groupBy({ by: ["offerId", "status"], where: { offerId: { in: offerIds }, receivedAt: { gte: since } }, _count: { _all: true } })
    : [];
  const counts = new Map<string, { received: number; passed: number; sold: number; returned: number }>();
  for (const group of groups) {
    const c = counts.get(group.offerId) ?? { received: 0, passed: 0, sold: 0, returned: 0 };
    const n = group._count._all;
    c.received += n;
    if (PASSED_CHECKS.has(group.status)) c.passed += n;
    if (SOLD.has(group.status)) c.sold += n;
    if (group.status === "RETURNED") c.returned += n;
    counts.set(group.offerId, c);
  }
  return new Map(
    offerIds.map((id) => {
      const c = counts.get(id) ?? { received: 0, passed: 0, sold: 0, returned: 0 };
      return [id, { volume: c.received, acceptanceRate: c.received ? c.passed / c.received : null, returnRate: c.sold ? c.returned / c.sold : null }];
    }),
  );
}

type Row = { priceCents: number; createdAt: Date; stats: OfferStats };
const byRate = (rate: number | null, missing: number) => rate ?? missing;

const SORTS: Record<MarketplaceSort, (a: Row, b: Row) => number> = {
  newest: (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
  price_desc: (a, b) => b.priceCents - a.priceCents,
  price_asc: (a, b) => a.priceCents - b.priceCents,
  volume: (a, b) => b.stats.volume - a.stats.volume,
  acceptance: (a, b) => byRate(b.stats.acceptanceRate, -1) - byRate(a.stats.acceptanceRate, -1),
  // No sales yet sorts after every offer with a known rate.
  returns: (a, b) => byRate(a.stats.returnRate, 2) - byRate(b.stats.returnRate, 2),
};

/**
 * One page of the marketplace. Active offers are few enough (hundreds) to sort by their
 * statistics in memory after one filtered read; the statistics are one grouped, indexed query.
 */
export async function searchMarketplace(actor: Actor, query: MarketplaceQuery, now = new Date()) {
  requirePermission(actor, "read:marketplace");
  const where: Prisma.OfferWhereInput = {
    status: "ACTIVE",
    unlistedAt: null,
    ...(query.q ? { OR: [{ title: { contains: query.q, mode: "insensitive" } }, { vertical: { contains: query.q, mode: "insensitive" } }] } : {}),
    ...(query.vertical ? { vertical: query.vertical } : {}),
    ...(query.model ? { pricingModel: query.model } : {}),
    // An offer without states takes leads from every state of its country.
    ...(query.state ? { AND: [{ OR: [{ states: { has: query.state } }, { states: { isEmpty: true } }] }] } : {}),
  };
  const [offers, verticals] = await Promise.all([
    prisma.offer.findMany({ where, orderBy: { createdAt: "desc" }, include: { affiliate: { select: { name: true } } } }),
    prisma.offer.findMany({ where: { status: "ACTIVE", unlistedAt: null }, distinct: ["vertical"], select: { vertical: true }, orderBy: { vertical: "asc" } }),
  ]);
  const stats = await statsOfOffers(
    offers.map((o) => o.id),
    now,
  );
  const rows = offers
    .map((offer) => ({ ...offer, conversionEvents: offerEvents(offer), stats: stats.get(offer.id)! }))
    .sort((a, b) => SORTS[query.sort](a, b) || b.createdAt.getTime() - a.createdAt.getTime());
  const start = (query.page - 1) * MARKETPLACE_PAGE_SIZE;
  return { offers: rows.slice(start, start + MARKETPLACE_PAGE_SIZE), total: rows.length, verticals: verticals.map((v) => v.vertical) };
}
