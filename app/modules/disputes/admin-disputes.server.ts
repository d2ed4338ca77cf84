import { Prisma } from "~/generated/prisma/client";
import { getLeadWithTimeline } from "~/modules/leads/lead-queries.server";
import { readCheckResults, readScoreReasons } from "~/modules/quality/review.schema";
import { toCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { centsToDecimal } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { DISPUTE_CSV_MAX_ROWS, DISPUTE_QUEUE_PAGE_SIZE, type AdminReturnForm, type DisputeQueueQuery } from "./admin-disputes.schema";
import { evidenceSummarySelect } from "./dispute-evidence.server";
import { DISPUTE_FLOWS } from "./dispute-states";
import { disputeReasonLabel } from "./dispute-labels";
import { disputeHistoryRows } from "./dispute-lists.server";
import { DISPUTE_KIND_LABELS, DISPUTE_STATUSES, readFinding, type DisputeStatusValue } from "./disputes.schema";
import { openReturn } from "./lead-returns.server";
import { RETURN_RATE_WINDOW_DAYS, returnRateWindowStart } from "./return-rates.server";
import { flagReturnOutliers, RETURN_FLAG_RULE, returnRateBps, type ReturnFigures, type ReturnFlagRule } from "./return-flags";

// The admin's side of disputes: the queue (oldest first, filtered in the URL), one dispute with
// everything needed to decide it, the decisions as CSV, and the companies whose returns stand out.
// Reads only: the moves are decideDispute and openReturn.

const DAY_MS = 86_400_000;
const RECENT_DISPUTES = 5;

export type Side = "buyer" | "seller";

/** The queue's where clause; `withStatus: false` for the per-status counts beside it. */
function queueWhere(query: DisputeQueueQuery, withStatus = true): Prisma.DisputeWhereInput {
  const createdAt: Prisma.DateTimeFilter = {};
  if (query.from) createdAt.gte = new Date(`${query.from}T00:00:00Z`);
  if (query.to) createdAt.lt = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS);
  return {
    ...(withStatus && query.status !== "any" ? { status: query.status } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.offer ? { offerId: query.offer } : {}),
    ...(query.buyer ? { advertiserId: query.buyer } : {}),
    ...(query.seller ? { affiliateId: query.seller } : {}),
    ...(query.from || query.to ? { createdAt } : {}),
  };
}

async function namesOf(companyIds: string[], offerIds: string[], userIds: string[] = []) {
  const [companies, offers, users] = await Promise.all([
    prisma.company.findMany({ where: { id: { in: [...new Set(companyIds)] } }, select: { id: true, name: true } }),
    prisma.offer.findMany({ where: { id: { in: [...new Set(offerIds)] } }, select: { id: true, title: true } }),
    userIds.length > 0 ? prisma.user.findMany({ where: { id: { in: [...new Set(userIds)] } }, select: { id: true, name: true } }) : [],
  ]);
  return {
    company: new Map(companies.map((c) => [c.id, c.name])),
    offer: new Map(offers.map((o) => [o.id, o.title])),
    user: new Map(users.map((u) => [u.id, u.name])),
  };
}

/** How many disputes wait for an admin (the nav's count). */
export async function countDisputesInReview(actor: Actor): Promise<number> {
  requirePermission(actor, "read:dispute:any");
  return prisma.dispute.count({ where: { status: "IN_REVIEW" } });
}

/** One page of the queue, oldest first, with the count of each status under the other filters. */
export async function listDisputeQueue(actor: Actor, query: DisputeQueueQuery) {
  requirePermission(actor, "read:dispute:any");
  const where = queueWhere(query);
  const [rows, total, byStatus] = await Promise.all([
    prisma.dispute.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * DISPUTE_QUEUE_PAGE_SIZE,
      take: DISPUTE_QUEUE_PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        status: true,
        reasonCode: true,
        leadId: true,
        offerId: true,
        advertiserId: true,
        affiliateId: true,
        createdAt: true,
        responseDueAt: true,
        decidedAt: true,
        lead: { select: { externalId: true } },
        sale: { select: { priceCents: true, currency: true } },
      },
    }),
    prisma.dispute.count({ where }),
    prisma.dispute.groupBy({ by: ["status"], where: queueWhere(query, false), _count: { _all: true } }),
  ]);
  const names = await namesOf(
    rows.flatMap((r) => [r.advertiserId, r.affiliateId]),
    rows.map((r) => r.offerId),
  );
  const counts = Object.fromEntries(DISPUTE_STATUSES.map((s) => [s, 0])) as Record<DisputeStatusValue, number>;
  for (const g of byStatus) counts[g.status] = g._count._all;
  return {
    page: query.page,
    pageSize: DISPUTE_QUEUE_PAGE_SIZE,
    total,
    statusCounts: counts,
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      reason: disputeReasonLabel(r.kind, r.reasonCode),
      leadId: r.leadId,
      leadExternalId: r.lead.externalId,
      offerId: r.offerId,
      offerTitle: names.offer.get(r.offerId) ?? r.offerId,
      buyerId: r.advertiserId,
      buyerName: names.company.get(r.advertiserId) ?? r.advertiserId,
      sellerId: r.affiliateId,
      sellerName: names.company.get(r.affiliateId) ?? r.affiliateId,
      priceCents: r.sale.priceCents,
      currency: r.sale.currency,
      createdAt: r.createdAt,
      responseDueAt: r.responseDueAt,
      decidedAt: r.decidedAt,
    })),
  };
}

/** What the filters offer: the offers, buyers and sellers that have disputes. */
export async function disputeFilterOptions(actor: Actor) {
  requirePermission(actor, "read:dispute:any");
  const [offers, buyers, sellers] = await Promise.all([
    prisma.dispute.groupBy({ by: ["offerId"], take: 500, orderBy: { offerId: "asc" } }),
    prisma.dispute.groupBy({ by: ["advertiserId"], take: 500, orderBy: { advertiserId: "asc" } }),
    prisma.dispute.groupBy({ by: ["affiliateId"], take: 500, orderBy: { affiliateId: "asc" } }),
  ]);
  const names = await namesOf(
    [...buyers.map((b) => b.advertiserId), ...sellers.map((s) => s.affiliateId)],
    offers.map((o) => o.offerId),
  );
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    offers: offers.map((o) => ({ id: o.offerId, name: names.offer.get(o.offerId) ?? o.offerId })).sort(byName),
    buyers: buyers.map((b) => ({ id: b.advertiserId, name: names.company.get(b.advertiserId) ?? b.advertiserId })).sort(byName),
    sellers: sellers.map((s) => ({ id: s.affiliateId, name: names.company.get(s.affiliateId) ?? s.affiliateId })).sort(byName),
  };
}

const CSV_HEADER = [
  "id",
  "kind",
  "lead",
  "offer",
  "buyer",
  "seller",
  "reason",
  "status",
  "resolved by",
  "decided by",
  "decided at",
  "decision reason",
  "at platform's cost",
  "amount",
  "currency",
] as const;

/**
 * The queue's disputes with their decisions as CSV (amounts in dollars), the page's filters and
 * order; at most DISPUTE_CSV_MAX_ROWS rows. The amount is what is at stake: a return's sale price,
 * a conversion's payout.
 */
export async function disputeDecisionsCsv(actor: Actor, query: DisputeQueueQuery, now: Date = new Date()): Promise<{ filename: string; csv: string }> {
  requirePermission(actor, "read:dispute:any");
  const rows = await prisma.dispute.findMany({
    where: queueWhere(query),
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: DISPUTE_CSV_MAX_ROWS,
    include: { sale: { select: { priceCents: true, currency: true } } },
  });
  const conversionIds = rows.filter((r) => r.kind !== "LEAD_RETURN" && r.conversionId).map((r) => r.conversionId!);
  const [names, conversions] = await Promise.all([
    namesOf(
      rows.flatMap((r) => [r.advertiserId, r.affiliateId]),
      rows.map((r) => r.offerId),
      rows.flatMap((r) => (r.decidedById ? [r.decidedById] : [])),
    ),
    prisma.conversion.findMany({ where: { id: { in: conversionIds } }, select: { id: true, payoutCents: true, currency: true } }),
  ]);
  const conversion = new Map(conversions.map((c) => [c.id, c]));
  const lines = rows.map((r) => {
    const stake = r.kind === "LEAD_RETURN" ? r.sale : r.conversionId ? conversion.get(r.conversionId) : undefined;
    const amountCents = stake ? ("priceCents" in stake ? stake.priceCents : stake.payoutCents) : null;
    return [
      r.id,
      DISPUTE_KIND_LABELS[r.kind],
      r.leadId,
      names.offer.get(r.offerId) ?? r.offerId,
      names.company.get(r.advertiserId) ?? r.advertiserId,
      names.company.get(r.affiliateId) ?? r.affiliateId,
      disputeReasonLabel(r.kind, r.reasonCode),
      r.status,
      r.resolvedBy ?? "",
      r.decidedById ? (names.user.get(r.decidedById) ?? r.decidedById) : "",
      r.decidedAt?.toISOString() ?? "",
      r.decisionReason ?? "",
      r.status === "APPROVED" ? (r.atPlatformCost ? "yes" : "no") : "",
      amountCents === null ? "" : centsToDecimal(amountCents),
      stake?.currency ?? "",
    ];
  });
  const status = query.status === "any" ? "all" : query.status.toLowerCase().replace("_", "-");
  return { filename: `leadex-disputes-${status}-${now.toISOString().slice(0, 10)}.csv`, csv: toCsv(CSV_HEADER, lines) };
}

/**
 * CPL sales in the last 30 days and the approved returns among them, per company of one side
 * (the cohort Company.returnRateBps is computed on); every company with a sale when `companyIds` is null.
 */
async function returnFigures(side: Side, companyIds: string[] | null, now: Date): Promise<ReturnFigures[]> {
  const since = returnRateWindowStart(now);
  const company = side === "buyer" ? Prisma.sql`ls."advertiserId"` : Prisma.sql`l."affiliateId"`;
  return prisma.$queryRaw<ReturnFigures[]>`
    SELECT ${company} AS "companyId", COUNT(ls.id)::int AS sales, COUNT(d.id)::int AS returns
    FROM "LeadSale" ls
    JOIN "Lead" l ON l.id = ls."leadId"
    LEFT JOIN "Dispute" d ON d."saleId" = ls.id AND d.kind = 'LEAD_RETURN' AND d.status = 'APPROVED'
    WHERE ls."pricingModel" = 'CPL' AND ls."soldAt" >= ${since} AND (${companyIds}::text[] IS NULL OR ${company} = ANY(${companyIds}::text[]))
    GROUP BY 1`;
}

/** One side's return history: returns asked in 30 days by outcome, the approved rate, its last disputes (other than this one). */
async function returnHistory(side: Side, companyId: string, now: Date, otherThan: string) {
  const since = returnRateWindowStart(now);
  const who = side === "buyer" ? { advertiserId: companyId } : { affiliateId: companyId };
  const [company, asked, [figures], recent] = await Promise.all([
    prisma.company.findUnique({ where: { id: companyId }, select: { name: true, returnRateBps: true } }),
    prisma.dispute.groupBy({ by: ["status"], where: { ...who, kind: "LEAD_RETURN", createdAt: { gte: since } }, _count: { _all: true } }),
    returnFigures(side, [companyId], now),
    prisma.dispute.findMany({
      where: { ...who, id: { not: otherThan } },
      orderBy: { createdAt: "desc" },
      take: RECENT_DISPUTES,
      select: { id: true, kind: true, status: true, reasonCode: true, createdAt: true, resolvedBy: true },
    }),
  ]);
  const count = (status: DisputeStatusValue) => asked.find((g) => g.status === status)?._count._all ?? 0;
  const sales = figures?.sales ?? 0;
  const approvedOfSales = figures?.returns ?? 0;
  return {
    companyId,
    name: company?.name ?? companyId,
    storedRateBps: company?.returnRateBps ?? 0,
    asked: asked.reduce((n, g) => n + g._count._all, 0),
    approved: count("APPROVED"),
    denied: count("DENIED"),
    open: count("AWAITING_RESPONSE") + count("IN_REVIEW"),
    sales,
    approvedOfSales,
    rateBps: returnRateBps({ sales, returns: approvedOfSales }),
    recent: recent.map((d) => ({ ...d, reason: disputeReasonLabel(d.kind, d.reasonCode) })),
  };
}

/** Everything an admin needs to decide one dispute. */
export async function getDisputeForAdmin(actor: Actor, disputeId: string, now: Date = new Date()) {
  requirePermission(actor, "read:dispute:any");
  const dispute = await prisma.dispute.findUnique({
    where: { id: disputeId },
    include: {
      evidence: { select: evidenceSummarySelect, orderBy: { createdAt: "asc" } },
      sale: { select: { id: true, priceCents: true, feeCents: true, currency: true, soldAt: true, pricingModel: true } },
    },
  });
  if (!dispute) throw new NotFoundError("Dispute");
  const [lead, buyer, seller, audit] = await Promise.all([
    getLeadWithTimeline(actor, dispute.leadId),
    returnHistory("buyer", dispute.advertiserId, now, dispute.id),
    returnHistory("seller", dispute.affiliateId, now, dispute.id),
    disputeHistoryRows(dispute.id),
  ]);
  const names = await namesOf(
    [],
    [dispute.offerId],
    [dispute.openedById, dispute.respondedById, dispute.decidedById].filter((id): id is string => !!id),
  );
  const flow = DISPUTE_FLOWS[dispute.kind];
  return {
    dispute: {
      id: dispute.id,
      kind: dispute.kind,
      status: dispute.status,
      reasonCode: dispute.reasonCode,
      reason: disputeReasonLabel(dispute.kind, dispute.reasonCode),
      note: dispute.note,
      claim: dispute.claim,
      overrides: dispute.overrides,
      createdAt: dispute.createdAt,
      openedByRole: dispute.openedByRole,
      openedByName: dispute.openedById ? (names.user.get(dispute.openedById) ?? null) : null,
      responseDueAt: dispute.responseDueAt,
      respondedAt: dispute.respondedAt,
      response: dispute.response,
      responseNote: dispute.responseNote,
      resolvedBy: dispute.resolvedBy,
      decidedAt: dispute.decidedAt,
      decidedByName: dispute.decidedById ? (names.user.get(dispute.decidedById) ?? dispute.decidedById) : null,
      decisionReason: dispute.decisionReason,
      atPlatformCost: dispute.atPlatformCost,
      journalEntryId: dispute.journalEntryId,
      offerTitle: names.offer.get(dispute.offerId) ?? dispute.offerId,
      sale: dispute.sale,
    },
    /** Which side opened it and which answers (for inquiries the seller opens). */
    opener: flow.opener === "ADVERTISER" ? ("buyer" as const) : ("seller" as const),
    finding: readFinding(dispute.finding),
    evidence: dispute.evidence,
    lead: {
      id: lead.id,
      externalId: lead.externalId,
      status: lead.status,
      qualityScore: lead.qualityScore,
      temperature: lead.temperature,
      checks: readCheckResults(lead.checks),
      scoreReasons: readScoreReasons(lead.scoreReasons),
      events: lead.events.map((e) => ({ id: e.id, type: e.type, message: e.message, createdAt: e.createdAt, data: e.data })),
    },
    buyer,
    seller,
    history: audit.map((a) => ({
      id: a.id,
      action: a.action,
      at: a.at,
      by: a.actor ? `${a.actor.name} (${a.actor.role.toLowerCase()})` : "the platform",
      message: a.message,
    })),
  };
}

/** The disputes of one lead, by sale, for the admin's lead page (which sales may still be returned). */
export async function listLeadDisputesForAdmin(actor: Actor, leadId: string) {
  requirePermission(actor, "read:dispute:any");
  const disputes = await prisma.dispute.findMany({
    where: { leadId },
    orderBy: { createdAt: "asc" },
    select: { id: true, kind: true, status: true, saleId: true, reasonCode: true, createdAt: true, responseDueAt: true },
  });
  return disputes.map((d) => ({ ...d, reason: disputeReasonLabel(d.kind, d.reasonCode) }));
}

/** An admin returns a lead on one buyer's behalf (that sale), past the window or the cap when it says why; audited by openReturn. */
export async function returnLeadForBuyer(actor: Actor, leadId: string, input: AdminReturnForm) {
  return openReturn(
    actor,
    { lead_id: leadId, reason: input.reason, note: input.note },
    { saleId: input.saleId, overrides: { window: input.override_window, cap: input.override_cap } },
  );
}

/**
 * Buyers whose approved-return rate, and sellers whose leads' approved-return rate, is far above
 * their peers' (the rule is RETURN_FLAG_RULE in return-flags.ts), with the figures behind each flag.
 */
export async function returnRateFlags(actor: Actor, opts: { now?: Date; rule?: ReturnFlagRule } = {}) {
  requirePermission(actor, "read:dispute:any");
  const now = opts.now ?? new Date();
  const rule = opts.rule ?? RETURN_FLAG_RULE;
  const [buyerFigures, sellerFigures] = await Promise.all([returnFigures("buyer", null, now), returnFigures("seller", null, now)]);
  const buyers = flagReturnOutliers(buyerFigures, rule);
  const sellers = flagReturnOutliers(sellerFigures, rule);
  const names = await namesOf(
    [...buyers.flags, ...sellers.flags].map((f) => f.companyId),
    [],
  );
  const named = <T extends { companyId: string }>(flags: T[]) => flags.map((f) => ({ ...f, name: names.company.get(f.companyId) ?? f.companyId }));
  return {
    rule,
    windowDays: RETURN_RATE_WINDOW_DAYS,
    buyers: { ...buyers, flags: named(buyers.flags) },
    sellers: { ...sellers, flags: named(sellers.flags) },
  };
}

/** The admin's dispute queue under `query`, with the offers and companies to filter by. */
export async function adminDisputeQueueView(actor: Actor, query: DisputeQueueQuery) {
  const [queue, options] = await Promise.all([listDisputeQueue(actor, query), disputeFilterOptions(actor)]);
  return { query, queue, options };
}
