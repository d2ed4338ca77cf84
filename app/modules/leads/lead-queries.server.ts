import type { LeadStatus, Temperature } from "~/generated/prisma/enums";
import { ledgerAccounts } from "~/modules/ledger/ledger.server";
import { readCheckResults, readScoreReasons } from "~/modules/quality/review.schema";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { DEFAULT_CURRENCY } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";

// Every read is scoped by the acting company in the query itself: a forgotten check returns nothing.

const PAGE = 200;

/** What each lead earned the affiliate, read from the ledger (the sale entries' postings). */
async function affiliateEarningsByLead(affiliateId: string, leadIds: string[]): Promise<Map<string, number>> {
  const postings = await prisma.posting.findMany({
    where: {
      account: { code: ledgerAccounts.affiliateHeld(affiliateId, DEFAULT_CURRENCY).code },
      entry: { sale: { leadId: { in: leadIds } } },
    },
    select: { amountCents: true, entry: { select: { sale: { select: { leadId: true } } } } },
  });
  const earnings = new Map<string, number>();
  for (const p of postings) {
    const leadId = p.entry.sale!.leadId;
    earnings.set(leadId, (earnings.get(leadId) ?? 0) - Number(p.amountCents));
  }
  return earnings;
}

/** An affiliate's own leads with status, reasons and what each earned (never who bought it). */
export async function listAffiliateLeads(actor: Actor) {
  requirePermission(actor, "read:lead:own");
  const leads = await prisma.lead.findMany({
    where: { affiliateId: actor.companyId },
    orderBy: { receivedAt: "desc" },
    take: PAGE,
    include: { offer: { select: { title: true } } },
  });
  const earnings = await affiliateEarningsByLead(
    actor.companyId,
    leads.map((l) => l.id),
  );
  return leads.map((lead) => ({
    id: lead.id,
    externalId: lead.externalId,
    offerTitle: lead.offer.title,
    status: lead.status,
    reasons: lead.reasons,
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    subIds: lead.subIds as Record<string, string>,
    receivedAt: lead.receivedAt,
    earningCents: earnings.get(lead.id) ?? 0,
    currency: DEFAULT_CURRENCY,
  }));
}

export async function getAffiliateLead(actor: Actor, leadId: string) {
  requirePermission(actor, "read:lead:own");
  const lead = await prisma.lead.findFirst({ where: { id: leadId, affiliateId: actor.companyId } });
  if (!lead) throw new NotFoundError("Lead");
  const earnings = await affiliateEarningsByLead(actor.companyId, [lead.id]);
  return {
    id: lead.id,
    externalId: lead.externalId,
    offerId: lead.offerId,
    status: lead.status,
    reasons: lead.reasons,
    receivedAt: lead.receivedAt,
    earningCents: earnings.get(lead.id) ?? 0,
    // Every decision explained, so the affiliate can fix its traffic.
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    checks: readCheckResults(lead.checks),
    scoreReasons: readScoreReasons(lead.scoreReasons),
  };
}

/** What a buyer narrows its bought leads by. */
export interface BoughtLeadFilter {
  temperature?: Temperature;
  minScore?: number;
}

/** Leads an advertiser bought, with full contact data (theirs after purchase). */
export async function listBoughtLeads(actor: Actor, filter: BoughtLeadFilter = {}) {
  requirePermission(actor, "read:lead:bought");
  const sales = await prisma.leadSale.findMany({
    where: {
      advertiserId: actor.companyId,
      lead: {
        ...(filter.temperature ? { temperature: filter.temperature } : {}),
        ...(filter.minScore !== undefined ? { qualityScore: { gte: filter.minScore } } : {}),
      },
    },
    orderBy: { soldAt: "desc" },
    take: PAGE,
    include: {
      lead: { include: { offer: { select: { title: true, vertical: true } } } },
      disputes: { where: { kind: "LEAD_RETURN" }, select: { id: true, status: true }, take: 1 },
    },
  });
  return sales.map((sale) => ({
    leadId: sale.leadId,
    orderId: sale.orderId,
    pricingModel: sale.pricingModel,
    leadReturn: sale.disputes[0] ?? null,
    offerTitle: sale.lead.offer.title,
    vertical: sale.lead.offer.vertical,
    priceCents: sale.priceCents,
    currency: sale.currency,
    soldAt: sale.soldAt,
    qualityScore: sale.lead.qualityScore,
    temperature: sale.lead.temperature,
    fields: (sale.lead.fields ?? {}) as Record<string, string>,
  }));
}

export async function getBoughtLead(actor: Actor, leadId: string) {
  requirePermission(actor, "read:lead:bought");
  const sale = await prisma.leadSale.findFirst({
    where: { leadId, advertiserId: actor.companyId },
    include: {
      lead: { include: { offer: { select: { title: true, vertical: true, returnWindowDays: true } } } },
      contactedBy: { select: { email: true } },
    },
  });
  if (!sale) throw new NotFoundError("Lead");
  return {
    leadId: sale.leadId,
    orderId: sale.orderId,
    offerTitle: sale.lead.offer.title,
    vertical: sale.lead.offer.vertical,
    returnWindowDays: sale.lead.offer.returnWindowDays,
    pricingModel: sale.pricingModel,
    priceCents: sale.priceCents,
    currency: sale.currency,
    soldAt: sale.soldAt,
    // Speed to lead: the postback, the moment the buyer had the lead, and its first contact.
    receivedAt: sale.lead.receivedAt,
    deliveredAt: sale.deliveredAt,
    contactedAt: sale.contactedAt,
    contactedBy: sale.contactedBy?.email ?? null,
    qualityScore: sale.lead.qualityScore,
    temperature: sale.lead.temperature,
    // What the buyer paid for is explained: every check and the points behind the score.
    checks: readCheckResults(sale.lead.checks),
    scoreReasons: readScoreReasons(sale.lead.scoreReasons),
    fields: (sale.lead.fields ?? {}) as Record<string, string>,
  };
}

/** Admin: every lead, newest first. */
export async function listAllLeads(actor: Actor, filter: { status?: LeadStatus } = {}) {
  requirePermission(actor, "read:lead:any");
  return prisma.lead.findMany({
    where: filter.status ? { status: filter.status } : {},
    orderBy: { receivedAt: "desc" },
    take: PAGE,
    include: { offer: { select: { title: true } }, affiliate: { select: { name: true } }, _count: { select: { sales: true } } },
  });
}

/** Admin: one lead with its whole timeline and sales. */
export async function getLeadWithTimeline(actor: Actor, leadId: string) {
  requirePermission(actor, "read:lead:any");
  const lead = await prisma.lead.findUnique({
    where: { id: leadId },
    include: {
      offer: { select: { title: true, id: true } },
      affiliate: { select: { name: true } },
      events: { orderBy: { seq: "asc" } },
      sales: { include: { advertiser: { select: { name: true } } } },
    },
  });
  if (!lead) throw new NotFoundError("Lead");
  return lead;
}
