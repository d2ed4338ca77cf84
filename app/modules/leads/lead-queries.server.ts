import type { Prisma } from "~/generated/prisma/client";
import type { Temperature } from "~/generated/prisma/enums";
import { personHash } from "~/modules/quality/person-hash.server";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import type { AdminLeadFilter } from "./admin-lead-list.schema";
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
export async function affiliateEarningsByLead(affiliateId: string, leadIds: string[]): Promise<Map<string, number>> {
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

export const ADMIN_LEADS_PAGE = 50;

function adminLeadWhere(filter: AdminLeadFilter): Prisma.LeadWhereInput {
  const where: Prisma.LeadWhereInput[] = [];
  if (filter.q) {
    // An email is found by its hash (indexed); ids exactly.
    const q = filter.q;
    where.push({ OR: [{ id: q }, { externalId: q }, ...(q.includes("@") ? [{ emailHash: personHash(q) }] : [])] });
  }
  if (filter.status) where.push({ status: filter.status });
  if (filter.offerId) where.push({ offerId: filter.offerId });
  if (filter.affiliateId) where.push({ affiliateId: filter.affiliateId });
  if (filter.from) where.push({ receivedAt: { gte: new Date(`${filter.from}T00:00:00Z`) } });
  if (filter.to) where.push({ receivedAt: { lt: new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000) } });
  return { AND: where };
}

/** Admin: leads newest first, 50 a page, by id, affiliate lead id or email, status, offer, affiliate and day. */
export async function listAllLeads(actor: Actor, filter: AdminLeadFilter = {}) {
  requirePermission(actor, "read:lead:any");
  const rows = await prisma.lead.findMany({
    where: { AND: [adminLeadWhere(filter), keysetAfter("receivedAt", decodeKeysetCursor(filter.cursor))] },
    orderBy: newestFirst("receivedAt"),
    take: ADMIN_LEADS_PAGE + 1,
    include: { offer: { select: { title: true } }, affiliate: { select: { name: true } }, _count: { select: { sales: true } } },
  });
  return keysetPage(rows, ADMIN_LEADS_PAGE, (r) => r.receivedAt);
}

/** The offers and affiliates the admin's lead filters choose from. */
export async function listLeadFilterChoices(actor: Actor) {
  requirePermission(actor, "read:lead:any");
  const [offers, affiliates] = await Promise.all([
    prisma.offer.findMany({ orderBy: { title: "asc" }, take: 500, select: { id: true, title: true } }),
    prisma.company.findMany({ where: { kind: "AFFILIATE" }, orderBy: { name: "asc" }, take: 500, select: { id: true, name: true } }),
  ]);
  return { offers, affiliates };
}

/** Which advertiser each order belongs to, for a lead's timeline that names orders by id. */
export async function advertisersOfOrders(actor: Actor, orderIds: string[]): Promise<Record<string, { advertiserId: string; advertiserName: string }>> {
  requirePermission(actor, "read:lead:any");
  if (orderIds.length === 0) return {};
  const orders = await prisma.order.findMany({
    where: { id: { in: orderIds } },
    select: { id: true, advertiserId: true, advertiser: { select: { name: true } } },
  });
  return Object.fromEntries(orders.map((o) => [o.id, { advertiserId: o.advertiserId, advertiserName: o.advertiser.name }]));
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
