import type { Lead, LeadSale, Offer } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ValidationError } from "~/utils/errors";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { isStorableDate, type PullQuery } from "./deliveries.schema";

// What a buyer gets for a lead it bought, the same in the CRM webhook, the pull API and the CSV:
// the contact and the offer's fields, price, time of sale, score and temperature. Never the
// affiliate's identity, its own lead id or sub-ids: those are the seller's business.

export type SoldLead = LeadSale & { lead: Lead & { offer: Pick<Offer, "id" | "title" | "vertical"> } };

export const soldLeadInclude = { lead: { include: { offer: { select: { id: true, title: true, vertical: true } } } } } as const;

export function buyerLeadView(sale: SoldLead) {
  const { lead } = sale;
  return {
    lead_id: lead.id,
    sale_id: sale.id,
    order_id: sale.orderId,
    offer_id: lead.offer.id,
    offer: lead.offer.title,
    vertical: lead.offer.vertical,
    price_cents: sale.priceCents,
    currency: sale.currency,
    sold_at: sale.soldAt.toISOString(),
    received_at: lead.receivedAt.toISOString(),
    score: lead.qualityScore,
    temperature: lead.temperature?.toLowerCase() ?? null,
    contact: { email: lead.email, phone: lead.phone, state: lead.state, postal_code: lead.postalCode },
    fields: (lead.fields ?? lead.rawFields ?? {}) as Record<string, unknown>,
  };
}
export type BuyerLeadView = ReturnType<typeof buyerLeadView>;

// A cursor is the last row's (soldAt, sale id): sales sold in the same millisecond still page exactly.
export function encodeSaleCursor(sale: Pick<LeadSale, "soldAt" | "id">): string {
  return Buffer.from(`${sale.soldAt.toISOString()}|${sale.id}`).toString("base64url");
}

export function decodeSaleCursor(cursor: string): { soldAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const soldAt = new Date(iso ?? "");
  // Row ids are [A-Za-z0-9_-]: anything else is not one of our cursors (and a NUL would reach the database).
  if (!id || !/^[\w-]{1,64}$/.test(id) || !isStorableDate(soldAt))
    throw new ValidationError({ cursor: "Unknown cursor: use the `next` value of a previous page" });
  return { soldAt, id };
}

/**
 * One page of the leads this advertiser bought, oldest sale first, from `since` or after `cursor`.
 * The API shows a sale only once PULL_API_SETTLE_MS have passed: a sale is stamped when its row is
 * written but seen only once its transaction commits, so without the wait a page could pass a
 * sale still being committed and the cursor would skip it for good.
 */
export async function pullBoughtLeads(actor: Actor, query: PullQuery) {
  requirePermission(actor, "read:lead:bought");
  const after = query.cursor ? decodeSaleCursor(query.cursor) : null;
  const settledBefore = new Date(Date.now() - getEnv().PULL_API_SETTLE_MS);
  const sales = await prisma.leadSale.findMany({
    where: {
      advertiserId: actor.companyId,
      AND: [{ soldAt: { lt: settledBefore } }],
      ...(after
        ? { OR: [{ soldAt: { gt: after.soldAt } }, { soldAt: after.soldAt, id: { gt: after.id } }] }
        : query.since
          ? { soldAt: { gte: new Date(query.since) } }
          : {}),
    },
    orderBy: [{ soldAt: "asc" }, { id: "asc" }],
    take: query.limit + 1,
    include: soldLeadInclude,
  });
  const page = sales.slice(0, query.limit);
  const last = page.at(-1);
  // `next` always resumes right after what the caller has seen, also when nothing more is there yet.
  return { leads: page.map(buyerLeadView), next: last ? encodeSaleCursor(last) : (query.cursor ?? null), hasMore: sales.length > query.limit };
}
