import { prisma } from "~/utils/db.server";
import { WATCH_RULES, type AffiliateRate, type LowRateFlag, type StreamStoppedFlag, type WatchFlag } from "./reconciliation.schema";
import { binomialLowerTail, median, percent } from "./watch-stats";

// The under-reporting watch: an advertiser that stops telling Leadex about its conversions keeps
// its leads and stops paying for them. Two rules (WATCH_RULES, docs/operations.md):
// - low rate: an order's conversion rate on its CPA/CPS leads far below its peers' (the other
//   orders on the same offer; with too few peers, the offer's own previous cohort), and so low
//   that chance would explain it less than once in a hundred;
// - stream stopped: an order that had conversions on most days has had none for a few days while
//   leads kept coming.
// Each flag carries the figures behind it. Two statements read everything, whatever the volume.

const DAY_MS = 24 * 60 * 60 * 1000;

interface OrderCohort {
  orderId: string;
  offerId: string;
  offerTitle: string;
  advertiserId: string;
  advertiserName: string;
  affiliateId: string;
  affiliateName: string;
  delivered: number;
  converted: number;
  prevDelivered: number;
  prevConverted: number;
}

export interface WatchResult {
  flags: WatchFlag[];
  affiliates: AffiliateRate[];
  ordersJudged: number;
}

export async function watchConversionRates(now: Date = new Date()): Promise<WatchResult> {
  const rules = WATCH_RULES;
  const cohortTo = new Date(now.getTime() - rules.maturityDays * DAY_MS);
  const cohortFrom = new Date(cohortTo.getTime() - rules.cohortDays * DAY_MS);
  const prevFrom = new Date(cohortFrom.getTime() - rules.cohortDays * DAY_MS);
  const cohorts = await prisma.$queryRawUnsafe<OrderCohort[]>(
    `SELECT ls."orderId", o."offerId", f.title AS "offerTitle", ls."advertiserId", adv.name AS "advertiserName", f."affiliateId", aff.name AS "affiliateName",
            count(*) FILTER (WHERE ls."soldAt" >= $2)::int AS delivered,
            count(*) FILTER (WHERE ls."soldAt" >= $2 AND conv.hit)::int AS converted,
            count(*) FILTER (WHERE ls."soldAt" < $2)::int AS "prevDelivered",
            count(*) FILTER (WHERE ls."soldAt" < $2 AND conv.hit)::int AS "prevConverted"
     FROM "LeadSale" ls
     JOIN "Order" o ON o.id = ls."orderId"
     JOIN "Offer" f ON f.id = o."offerId"
     JOIN "Company" adv ON adv.id = ls."advertiserId"
     JOIN "Company" aff ON aff.id = f."affiliateId"
     LEFT JOIN LATERAL (SELECT true AS hit FROM "Conversion" c
                        WHERE c."leadId" = ls."leadId" AND c."orderId" = ls."orderId" AND c."occurredAt" < ls."soldAt" + $4::int * interval '1 day' LIMIT 1) conv ON true
     WHERE ls."pricingModel" IN ('CPA', 'CPS') AND ls."soldAt" >= $1 AND ls."soldAt" < $3
     GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    prevFrom,
    cohortFrom,
    cohortTo,
    rules.maturityDays,
  );
  const lowRate = judgeRates(cohorts, { from: cohortFrom, to: cohortTo });
  const stopped = await stoppedStreams(now);
  const flags: WatchFlag[] = [...lowRate, ...stopped];
  return { flags, affiliates: affiliateRates(cohorts, flags), ordersJudged: cohorts.filter((c) => c.delivered >= rules.minDelivered).length };
}

function refOf(c: OrderCohort) {
  return {
    orderId: c.orderId,
    offerId: c.offerId,
    offerTitle: c.offerTitle,
    advertiserId: c.advertiserId,
    advertiserName: c.advertiserName,
    affiliateId: c.affiliateId,
    affiliateName: c.affiliateName,
  };
}

/** The low-rate rule over every order of the cohort. */
export function judgeRates(cohorts: OrderCohort[], cohort: { from: Date; to: Date }): LowRateFlag[] {
  const rules = WATCH_RULES;
  const byOffer = new Map<string, OrderCohort[]>();
  for (const c of cohorts) byOffer.set(c.offerId, [...(byOffer.get(c.offerId) ?? []), c]);
  const flags: LowRateFlag[] = [];
  for (const order of cohorts) {
    if (order.delivered < rules.minDelivered) continue;
    const offerOrders = byOffer.get(order.offerId) ?? [];
    const peers = offerOrders.filter((p) => p.orderId !== order.orderId && p.delivered >= rules.minDelivered);
    let baselineRate: number;
    let baseline: LowRateFlag["baseline"];
    let history: LowRateFlag["history"] = null;
    if (peers.length >= rules.minPeers) {
      baselineRate = median(peers.map((p) => p.converted / p.delivered));
      baseline = "peers";
    } else {
      const delivered = offerOrders.reduce((n, p) => n + p.prevDelivered, 0);
      const converted = offerOrders.reduce((n, p) => n + p.prevConverted, 0);
      if (delivered < rules.minDelivered) continue;
      baselineRate = converted / delivered;
      baseline = "offer_history";
      history = { delivered, converted };
    }
    if (baselineRate <= 0) continue;
    const rate = order.converted / order.delivered;
    if (rate >= baselineRate * rules.lowRateFactor) continue;
    const pValue = binomialLowerTail(order.converted, order.delivered, baselineRate);
    if (pValue >= rules.maxPValue) continue;
    flags.push({
      kind: "low_rate",
      ...refOf(order),
      delivered: order.delivered,
      converted: order.converted,
      ratePct: percent(order.converted, order.delivered),
      baselineRatePct: Math.round(baselineRate * 1000) / 10,
      baseline,
      peers:
        baseline === "peers"
          ? peers.map((p) => ({ orderId: p.orderId, advertiserName: p.advertiserName, delivered: p.delivered, converted: p.converted }))
          : [],
      history,
      expectedConversions: Math.round(order.delivered * baselineRate * 10) / 10,
      pValue: Number(pValue.toPrecision(3)),
      cohort: { from: cohort.from.toISOString(), to: cohort.to.toISOString() },
    });
  }
  return flags;
}

interface StreamRow {
  orderId: string;
  offerId: string;
  offerTitle: string;
  advertiserId: string;
  advertiserName: string;
  affiliateId: string;
  affiliateName: string;
  activeDays: number;
  baselineConversions: number;
  lastConversionAt: Date | null;
  leadsWhileQuiet: number;
}

/** The stream rule: daily converters gone quiet while leads keep coming. */
async function stoppedStreams(now: Date): Promise<StreamStoppedFlag[]> {
  const rules = WATCH_RULES;
  const quietFrom = new Date(now.getTime() - rules.quietDays * DAY_MS);
  const baselineFrom = new Date(quietFrom.getTime() - rules.baselineDays * DAY_MS);
  const rows = await prisma.$queryRawUnsafe<StreamRow[]>(
    `WITH streams AS (
       SELECT c."orderId",
              count(DISTINCT date_trunc('day', c."receivedAt")) FILTER (WHERE c."receivedAt" < $2)::int AS "activeDays",
              count(*) FILTER (WHERE c."receivedAt" < $2)::int AS "baselineConversions",
              count(*) FILTER (WHERE c."receivedAt" >= $2)::int AS "quietConversions",
              max(c."receivedAt") AS "lastConversionAt"
       FROM "Conversion" c WHERE c."receivedAt" >= $1 GROUP BY 1)
     SELECT s."orderId", o."offerId", f.title AS "offerTitle", o."advertiserId", adv.name AS "advertiserName", f."affiliateId", aff.name AS "affiliateName",
            s."activeDays", s."baselineConversions", s."lastConversionAt",
            (SELECT count(*) FROM "LeadSale" ls WHERE ls."orderId" = s."orderId" AND ls."soldAt" >= $2)::int AS "leadsWhileQuiet"
     FROM streams s
     JOIN "Order" o ON o.id = s."orderId"
     JOIN "Offer" f ON f.id = o."offerId"
     JOIN "Company" adv ON adv.id = o."advertiserId"
     JOIN "Company" aff ON aff.id = f."affiliateId"
     WHERE s."activeDays" >= $3 AND s."quietConversions" = 0`,
    baselineFrom,
    quietFrom,
    rules.minActiveDays,
  );
  return rows
    .filter((r) => r.leadsWhileQuiet >= rules.minLeadsWhileQuiet)
    .map((r) => ({
      kind: "stream_stopped" as const,
      orderId: r.orderId,
      offerId: r.offerId,
      offerTitle: r.offerTitle,
      advertiserId: r.advertiserId,
      advertiserName: r.advertiserName,
      affiliateId: r.affiliateId,
      affiliateName: r.affiliateName,
      activeDays: r.activeDays,
      baselineDays: rules.baselineDays,
      baselineConversions: r.baselineConversions,
      lastConversionAt: r.lastConversionAt?.toISOString() ?? null,
      quietDays: rules.quietDays,
      leadsWhileQuiet: r.leadsWhileQuiet,
      expectedWhileQuiet: Math.round((r.baselineConversions / rules.baselineDays) * rules.quietDays * 10) / 10,
    }));
}

/** Per affiliate: its CPA/CPS leads of the cohort, how many converted, and how many of its orders were flagged. */
function affiliateRates(cohorts: OrderCohort[], flags: WatchFlag[]): AffiliateRate[] {
  const byAffiliate = new Map<string, AffiliateRate>();
  for (const c of cohorts) {
    if (c.delivered === 0) continue;
    const rate = byAffiliate.get(c.affiliateId) ?? {
      affiliateId: c.affiliateId,
      affiliateName: c.affiliateName,
      orders: 0,
      delivered: 0,
      converted: 0,
      ratePct: 0,
      flaggedOrders: 0,
    };
    rate.orders++;
    rate.delivered += c.delivered;
    rate.converted += c.converted;
    byAffiliate.set(c.affiliateId, rate);
  }
  for (const flag of flags) {
    const rate = byAffiliate.get(flag.affiliateId);
    if (rate) rate.flaggedOrders = new Set(flags.filter((f) => f.affiliateId === flag.affiliateId).map((f) => f.orderId)).size;
  }
  return [...byAffiliate.values()].map((r) => ({ ...r, ratePct: percent(r.converted, r.delivered) })).sort((a, b) => b.delivered - a.delivered);
}
