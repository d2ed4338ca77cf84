import type { Prisma } from "~/generated/prisma/client";
import { toCsv } from "~/modules/deliveries/csv";
import { decodeSaleCursor, encodeSaleCursor } from "~/modules/deliveries/buyer-leads.server";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { centsToDecimal } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { BoughtLeadFilter } from "./bought-leads.schema";

// The leads an advertiser bought, as its leads list and CSV export show them (one query, so the
// file is the table), and marking them contacted (speed to lead: the first contact time stays).

const PAGE_SIZE = 50;

function whereOf(actor: Actor, filter: BoughtLeadFilter): Prisma.LeadSaleWhereInput {
  const q = filter.q;
  return {
    advertiserId: actor.companyId,
    ...(filter.orderId ? { orderId: filter.orderId } : {}),
    ...(filter.contacted === "yes" ? { contactedAt: { not: null } } : filter.contacted === "no" ? { contactedAt: null } : {}),
    lead: {
      ...(filter.temperature ? { temperature: filter.temperature } : {}),
      ...(filter.minScore !== undefined ? { qualityScore: { gte: filter.minScore } } : {}),
      ...(q
        ? {
            OR: [
              { id: q },
              { email: { contains: q, mode: "insensitive" } },
              { phone: { contains: q } },
              { fields: { path: ["first_name"], string_contains: q, mode: "insensitive" } },
              { fields: { path: ["last_name"], string_contains: q, mode: "insensitive" } },
            ],
          }
        : {}),
    },
  };
}

const include = {
  lead: { include: { offer: { select: { id: true, title: true, vertical: true } } } },
  disputes: { where: { kind: "LEAD_RETURN" }, select: { id: true, status: true }, take: 1 },
} satisfies Prisma.LeadSaleInclude;

type SaleWithLead = Prisma.LeadSaleGetPayload<{ include: typeof include }>;

function rowOf(sale: SaleWithLead) {
  const { lead } = sale;
  return {
    saleId: sale.id,
    leadId: sale.leadId,
    orderId: sale.orderId,
    offerId: lead.offer.id,
    offerTitle: lead.offer.title,
    vertical: lead.offer.vertical,
    pricingModel: sale.pricingModel,
    priceCents: sale.priceCents,
    currency: sale.currency,
    receivedAt: lead.receivedAt,
    soldAt: sale.soldAt,
    deliveredAt: sale.deliveredAt,
    contactedAt: sale.contactedAt,
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    contact: { email: lead.email, phone: lead.phone, state: lead.state, postal_code: lead.postalCode },
    fields: (lead.fields ?? {}) as Record<string, string>,
    leadReturn: sale.disputes[0] ?? null,
  };
}
export type BoughtLeadRow = ReturnType<typeof rowOf>;

/** One page of the advertiser's bought leads, filtered and sorted, after `cursor` (the previous page's `next`, the pull API's kind of cursor). */
export async function pageOfBoughtLeads(actor: Actor, filter: BoughtLeadFilter, cursor?: string | null, take = PAGE_SIZE) {
  requirePermission(actor, "read:lead:bought");
  const after = cursor ? decodeSaleCursor(cursor) : null;
  const newest = filter.sort === "newest";
  const beyond = newest ? "lt" : "gt";
  const sales = await prisma.leadSale.findMany({
    where: {
      ...whereOf(actor, filter),
      ...(after ? { OR: [{ soldAt: { [beyond]: after.soldAt } }, { soldAt: after.soldAt, id: { [beyond]: after.id } }] } : {}),
    },
    orderBy: [{ soldAt: newest ? "desc" : "asc" }, { id: newest ? "desc" : "asc" }],
    take: take + 1,
    include,
  });
  const page = sales.slice(0, take);
  const last = page.at(-1);
  return { leads: page.map(rowOf), next: sales.length > take && last ? encodeSaleCursor(last) : null };
}

const CSV_BATCH = 1000;
const CSV_COLUMNS = [
  "lead_id",
  "sale_id",
  "order_id",
  "offer_id",
  "offer",
  "vertical",
  "price",
  "currency",
  "sold_at",
  "received_at",
  "delivered_at",
  "contacted_at",
  "score",
  "temperature",
  "email",
  "phone",
  "state",
  "postal_code",
] as const;

/**
 * The leads list as CSV: the same filter and order as the table, every page, prices in dollars
 * ("25.00", with the currency beside it), then one column per lead field not already there.
 */
export async function boughtLeadsCsv(actor: Actor, filter: BoughtLeadFilter): Promise<string> {
  const rows: BoughtLeadRow[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof pageOfBoughtLeads>> = await pageOfBoughtLeads(actor, filter, cursor, CSV_BATCH);
    rows.push(...page.leads);
    cursor = page.next;
  } while (cursor);
  const fixed = new Set<string>(CSV_COLUMNS);
  const fieldColumns = [...new Set(rows.flatMap((l) => Object.keys(l.fields)))].filter((name) => !fixed.has(name)).sort();
  const iso = (at: Date | null) => at?.toISOString() ?? "";
  const lines = rows.map((l) => {
    const flat: Record<string, unknown> = {
      ...l.fields,
      ...l.contact,
      lead_id: l.leadId,
      sale_id: l.saleId,
      order_id: l.orderId,
      offer_id: l.offerId,
      offer: l.offerTitle,
      vertical: l.vertical,
      price: centsToDecimal(l.priceCents),
      currency: l.currency,
      sold_at: iso(l.soldAt),
      received_at: iso(l.receivedAt),
      delivered_at: iso(l.deliveredAt),
      contacted_at: iso(l.contactedAt),
      score: l.qualityScore,
      temperature: l.temperature?.toLowerCase() ?? null,
    };
    return [...CSV_COLUMNS, ...fieldColumns].map((column) => flat[column]);
  });
  return toCsv([...CSV_COLUMNS, ...fieldColumns], lines);
}

/**
 * The advertiser contacted these bought leads: each sale's first contact time and who marked it.
 * Idempotent: a lead already marked keeps its first time. Leads it did not buy are left out.
 */
export async function markOwnLeadsContacted(actor: Actor, leadIds: readonly string[]): Promise<number> {
  requirePermission(actor, "write:lead:bought");
  const marked = await prisma.leadSale.updateMany({
    where: { advertiserId: actor.companyId, leadId: { in: [...leadIds] }, contactedAt: null },
    data: { contactedAt: new Date(), contactedById: actor.userId },
  });
  return marked.count;
}

/** One bought lead marked contacted (see markOwnLeadsContacted); 404 for a lead the advertiser did not buy. */
export async function markOwnLeadContacted(actor: Actor, leadId: string): Promise<{ leadId: string; contactedAt: Date; alreadyMarked: boolean }> {
  if (!/^[\w-]{1,64}$/.test(leadId)) throw new NotFoundError("Lead");
  const marked = await markOwnLeadsContacted(actor, [leadId]);
  const sale = await prisma.leadSale.findFirst({ where: { advertiserId: actor.companyId, leadId }, select: { contactedAt: true } });
  if (!sale?.contactedAt) throw new NotFoundError("Lead");
  return { leadId, contactedAt: sale.contactedAt, alreadyMarked: marked === 0 };
}
