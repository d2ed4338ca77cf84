import type { LeadEvent, Prisma } from "~/generated/prisma/client";
import { readCheckResults, readScoreReasons } from "~/modules/quality/review.schema";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { AffiliateLeadFilter } from "./affiliate-lead-list.schema";
import { affiliateEarningsByLead } from "./lead-queries.server";

// The affiliate's own leads: the list (filters, cursor pages) and one lead explained. Never who
// bought a lead or at what price (PRODUCT.md: affiliates do not see which advertiser paid what).

export const AFFILIATE_LEAD_PAGE = 50;

function encodeCursor(lead: { receivedAt: Date; id: string }): string {
  return Buffer.from(`${lead.receivedAt.toISOString()}|${lead.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } | null {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const receivedAt = new Date(iso ?? "");
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || Number.isNaN(receivedAt.getTime())) return null;
  return { receivedAt, id };
}

function searchWhere(q: string | undefined): Prisma.LeadWhereInput {
  if (!q) return {};
  if (q.includes("@")) return { email: q.toLowerCase() };
  return { externalId: { startsWith: q } };
}

/** One page of the affiliate's leads, newest first, with the filters applied and what each earned. */
export async function listAffiliateLeadPage(actor: Actor, filter: AffiliateLeadFilter) {
  requirePermission(actor, "read:lead:own");
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const received: Prisma.DateTimeFilter = {
    ...(filter.from ? { gte: new Date(`${filter.from}T00:00:00Z`) } : {}),
    ...(filter.to ? { lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
  };
  const where: Prisma.LeadWhereInput = {
    affiliateId: actor.companyId,
    ...searchWhere(filter.q),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.offerId ? { offerId: filter.offerId } : {}),
    ...(filter.from || filter.to ? { receivedAt: received } : {}),
    ...(after ? { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] } : {}),
  };
  const [found, offers] = await Promise.all([
    prisma.lead.findMany({
      where,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: AFFILIATE_LEAD_PAGE + 1,
      include: { offer: { select: { title: true } } },
    }),
    prisma.offer.findMany({ where: { affiliateId: actor.companyId }, select: { id: true, title: true }, orderBy: { createdAt: "desc" } }),
  ]);
  const page = found.slice(0, AFFILIATE_LEAD_PAGE);
  const earnings = await affiliateEarningsByLead(
    actor.companyId,
    page.map((l) => l.id),
  );
  return {
    offers,
    next: found.length > AFFILIATE_LEAD_PAGE ? encodeCursor(page[page.length - 1]) : null,
    leads: page.map((lead) => ({
      id: lead.id,
      externalId: lead.externalId,
      offerTitle: lead.offer.title,
      status: lead.status,
      reasons: lead.reasons,
      qualityScore: lead.qualityScore,
      temperature: lead.temperature,
      receivedAt: lead.receivedAt,
      earningCents: earnings.get(lead.id) ?? 0,
      currency: DEFAULT_CURRENCY,
    })),
  };
}

/** A timeline line as the affiliate may read it: buyers, orders and prices left out; of its data only the check and its reason codes. */
function affiliateTimelineLine(event: LeadEvent): { id: string; type: string; message: string; createdAt: Date; data?: unknown } | null {
  const line = (message: string) => ({ id: event.id, type: event.type, message, createdAt: event.createdAt });
  const { code, outcome, reason, reasons } = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "check":
      return { ...line(event.message), data: { code, outcome, reason } };
    case "held":
    case "rejected":
      return { ...line(event.message), data: { reasons } };
    case "received":
    case "verified":
    case "scored":
    case "accepted":
    case "unsold":
    case "postback":
      return line(event.message);
    case "sold":
      return line("Sold to a buyer");
    case "reviewed":
      return line(event.message.startsWith("Approved") ? "Approved by a Leadex reviewer" : "Rejected by a Leadex reviewer");
    case "sale-reversed":
      return line("A sale was reversed");
    case "conversion":
      return line("A buyer reported a conversion on this lead (see Conversions)");
    case "dispute":
      return line("A return or dispute was opened on this lead (see Disputes)");
    default:
      return null;
  }
}

/** One of the affiliate's own leads, explained: checks, score, reasons, timeline, earning, sub-ids. */
export async function getAffiliateLeadDetail(actor: Actor, where: { id: string } | { externalId: string }) {
  requirePermission(actor, "read:lead:own");
  const lead = await prisma.lead.findFirst({
    where: { affiliateId: actor.companyId, ...where },
    include: { offer: { select: { id: true, title: true } }, events: { orderBy: { seq: "asc" } }, _count: { select: { sales: true } } },
  });
  if (!lead) throw new NotFoundError("Lead");
  const earnings = await affiliateEarningsByLead(actor.companyId, [lead.id]);
  return {
    id: lead.id,
    externalId: lead.externalId,
    offerId: lead.offer.id,
    offerTitle: lead.offer.title,
    status: lead.status,
    reasons: lead.reasons,
    receivedAt: lead.receivedAt,
    processedAt: lead.processedAt,
    subIds: (lead.subIds ?? {}) as Record<string, string>,
    buyers: lead._count.sales,
    earningCents: earnings.get(lead.id) ?? 0,
    currency: DEFAULT_CURRENCY,
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    checks: readCheckResults(lead.checks),
    scoreReasons: readScoreReasons(lead.scoreReasons),
    timeline: lead.events.map(affiliateTimelineLine).filter((e) => e !== null),
  };
}
