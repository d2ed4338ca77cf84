import type { Conversion, Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { ConversionListFilter } from "./conversion-list.schema";
import { decodeConversionCursor, encodeConversionCursor, termsOf } from "./conversion-rows.server";
import type { ReportPeriod } from "./conversion-reports.schema";

// What an affiliate reads of the conversions on its leads: each with its status, why, its dates
// and what it earns (the payout less the platform fee). Never who the buyer is.

export const AFFILIATE_CONVERSION_PAGE = 50;

type Row = Conversion & { lead: { externalId: string }; order: { offer: { title: string } } };

function affiliateRow(c: Row) {
  const reversedEarning = c.reversedPayoutCents - c.reversedFeeCents;
  return {
    id: c.id,
    leadExternalId: c.lead.externalId,
    offerTitle: c.order.offer.title,
    kind: c.kind,
    event: c.event,
    eventLabel: c.event ? termsOf(c).events?.find((e) => e.code === c.event)?.label || c.event : null,
    saleAmountCents: c.saleAmountCents,
    reversedSaleCents: c.reversedSaleCents,
    currency: c.currency,
    /** What the affiliate earns now: its share less what was reversed. */
    earningCents: c.earningCents - reversedEarning,
    reversedEarningCents: reversedEarning,
    status: c.status,
    reasonCode: c.reasonCode,
    reason: c.reason,
    occurredAt: c.occurredAt,
    receivedAt: c.receivedAt,
    holdUntil: c.holdUntil,
    billedAt: c.billedAt,
    approvedAt: c.approvedAt,
    lockAt: c.lockAt,
    lockedAt: c.lockedAt,
    reversedAt: c.reversedAt,
  };
}
export type AffiliateConversionRow = ReturnType<typeof affiliateRow>;

/** One page of the conversions on the actor's leads in the period, newest first, with the filters applied. */
export async function listAffiliateConversions(actor: Actor, filter: Pick<ConversionListFilter, "status" | "offerId" | "cursor">, period: ReportPeriod) {
  requirePermission(actor, "read:conversion:own");
  const after = filter.cursor ? decodeConversionCursor(filter.cursor) : null;
  const where: Prisma.ConversionWhereInput = {
    affiliateId: actor.companyId,
    occurredAt: { gte: period.from, lt: period.until },
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.offerId ? { offerId: filter.offerId } : {}),
    ...(after ? { OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] } : {}),
  };
  const found = await prisma.conversion.findMany({
    where,
    include: { lead: { select: { externalId: true } }, order: { select: { offer: { select: { title: true } } } } },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: AFFILIATE_CONVERSION_PAGE + 1,
  });
  const page = found.slice(0, AFFILIATE_CONVERSION_PAGE);
  return {
    rows: page.map(affiliateRow),
    next: found.length > AFFILIATE_CONVERSION_PAGE ? encodeConversionCursor(page[page.length - 1]) : null,
  };
}
