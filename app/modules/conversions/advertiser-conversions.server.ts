import type { Conversion, OutboundStatus, Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { NotFoundError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { isLocked } from "./conversion-corrections.server";
import type { ConversionListFilter } from "./conversion-list.schema";
import { decodeConversionCursor, encodeConversionCursor, termsOf } from "./conversion-rows.server";

// What an advertiser reads of its own conversions: a page of them, newest first, with the
// figures, the dates, whether it may still decide each, and whether the affiliate was told.

export const CONVERSION_PAGE = 25;

/** Whether the advertiser may still approve or reject it (pending or held, not locked). */
export function canDecide(conversion: Pick<Conversion, "status" | "lockAt">, now: Date = new Date()): boolean {
  return (conversion.status === "PENDING" || conversion.status === "HELD") && !isLocked(conversion as Conversion, now);
}

/** Whether a reversal or amount change can still be sent (not locked, not closed). */
export function canCorrect(conversion: Pick<Conversion, "status" | "lockAt">, now: Date = new Date()): boolean {
  return ["RECEIVED", "PENDING", "HELD", "APPROVED"].includes(conversion.status) && !isLocked(conversion as Conversion, now);
}

/** The affiliate's `converted` postback of a conversion, as the advertiser may know it (no URL). */
export interface AffiliateNotice {
  status: OutboundStatus;
  at: Date | null;
}

const convertedKey = (c: Pick<Conversion, "id" | "leadId">) => `postback:${c.leadId}:converted:${c.id}`;

function eventLabel(conversion: Conversion): string | null {
  if (!conversion.event) return null;
  return termsOf(conversion).events.find((e) => e.code === conversion.event)?.label || conversion.event;
}

function conversionRow(c: Conversion & { order: { offer: { id: string; title: string } } }, notice: AffiliateNotice | null, now: Date) {
  return {
    id: c.id,
    externalId: c.externalId,
    leadId: c.leadId,
    offerId: c.order.offer.id,
    offerTitle: c.order.offer.title,
    kind: c.kind,
    source: c.source,
    event: c.event,
    eventLabel: eventLabel(c),
    saleAmountCents: c.saleAmountCents,
    reversedSaleCents: c.reversedSaleCents,
    currency: c.currency,
    /** What the advertiser pays now: the payout less what was reversed. */
    payoutCents: c.payoutCents - c.reversedPayoutCents,
    reversedPayoutCents: c.reversedPayoutCents,
    status: c.status,
    reasonCode: c.reasonCode,
    reason: c.reason,
    occurredAt: c.occurredAt,
    receivedAt: c.receivedAt,
    billedAt: c.billedAt,
    holdUntil: c.holdUntil,
    lockAt: c.lockAt,
    lockedAt: c.lockedAt,
    decidable: canDecide(c, now),
    correctable: canCorrect(c, now),
    affiliateNotice: notice,
  };
}
export type AdvertiserConversionRow = ReturnType<typeof conversionRow>;

async function convertedNotices(conversions: ReadonlyArray<Pick<Conversion, "id" | "leadId">>): Promise<Map<string, AffiliateNotice>> {
  if (conversions.length === 0) return new Map();
  const deliveries = await prisma.outboundDelivery.findMany({
    where: { kind: "AFFILIATE_POSTBACK", dedupeKey: { in: conversions.map(convertedKey) } },
    select: { dedupeKey: true, status: true, deliveredAt: true, updatedAt: true },
  });
  const byKey = new Map(deliveries.map((d) => [d.dedupeKey, { status: d.status, at: d.deliveredAt ?? (d.status === "FAILED" ? d.updatedAt : null) }]));
  return new Map(conversions.flatMap((c) => (byKey.has(convertedKey(c)) ? [[c.id, byKey.get(convertedKey(c))!] as const] : [])));
}

/** One page of the actor's conversions, newest (by when they happened) first, with the filters applied. */
export async function listAdvertiserConversions(actor: Actor, filter: ConversionListFilter, now: Date = new Date()) {
  requirePermission(actor, "read:conversion:own");
  const after = filter.cursor ? decodeConversionCursor(filter.cursor) : null;
  const occurred: Prisma.DateTimeFilter = {};
  if (filter.from) occurred.gte = new Date(`${filter.from}T00:00:00.000Z`);
  if (filter.to) occurred.lte = new Date(`${filter.to}T23:59:59.999Z`);
  const where: Prisma.ConversionWhereInput = {
    advertiserId: actor.companyId,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.offerId ? { offerId: filter.offerId } : {}),
    ...(filter.from || filter.to ? { occurredAt: occurred } : {}),
    ...(after ? { OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] } : {}),
  };
  const found = await prisma.conversion.findMany({
    where,
    include: { order: { select: { offer: { select: { id: true, title: true } } } } },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: CONVERSION_PAGE + 1,
  });
  const page = found.slice(0, CONVERSION_PAGE);
  const notices = await convertedNotices(page);
  return {
    rows: page.map((c) => conversionRow(c, notices.get(c.id) ?? null, now)),
    next: found.length > CONVERSION_PAGE ? encodeConversionCursor(page[page.length - 1]) : null,
  };
}

/** The conversions page: one page of the filtered list, the filter, and the offers to filter by. */
export async function advertiserConversionListView(actor: Actor, filter: ConversionListFilter) {
  const [page, offers] = await Promise.all([listAdvertiserConversions(actor, filter), listConversionOffers(actor)]);
  return { ...page, offers, filter };
}

/** The CPA and CPS offers the actor buys, for the offer filter. */
export async function listConversionOffers(actor: Actor) {
  requirePermission(actor, "read:conversion:own");
  const orders = await prisma.order.findMany({
    where: { advertiserId: actor.companyId, offer: { pricingModel: { in: ["CPA", "CPS"] } } },
    select: { offer: { select: { id: true, title: true } } },
    distinct: ["offerId"],
    orderBy: { offerId: "asc" },
    take: 200,
  });
  return orders.map((o) => o.offer).sort((a, b) => a.title.localeCompare(b.title));
}

/** One of the actor's conversions with its corrections and the affiliate's postbacks about it. */
export async function getAdvertiserConversion(actor: Actor, conversionId: string, now: Date = new Date()) {
  requirePermission(actor, "read:conversion:own");
  const conversion = await prisma.conversion.findFirst({
    where: { id: conversionId, advertiserId: actor.companyId },
    include: { order: { select: { offer: { select: { id: true, title: true } } } }, adjustments: { orderBy: { createdAt: "asc" } } },
  });
  if (!conversion) throw new NotFoundError("Conversion");
  const postbacks = await prisma.outboundDelivery.findMany({
    where: {
      kind: "AFFILIATE_POSTBACK",
      OR: [{ dedupeKey: convertedKey(conversion) }, { dedupeKey: { startsWith: `postback:${conversion.leadId}:reversed:${conversion.id}:` } }],
    },
    select: { id: true, event: true, status: true, attempts: true, deliveredAt: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  const converted = postbacks.find((p) => p.event === "converted");
  const notice = converted ? { status: converted.status, at: converted.deliveredAt } : null;
  return {
    conversion: conversionRow(conversion, notice, now),
    adjustments: conversion.adjustments.map((a) => ({
      id: a.id,
      kind: a.kind,
      key: a.key,
      saleAmountDeltaCents: a.saleAmountDeltaCents,
      payoutDeltaCents: a.payoutDeltaCents,
      reason: a.reason,
      createdAt: a.createdAt,
    })),
    // What the affiliate was told, without its URL (the affiliate's own setting).
    postbacks: postbacks.map((p) => ({ id: p.id, event: p.event, status: p.status, attempts: p.attempts, deliveredAt: p.deliveredAt, createdAt: p.createdAt })),
  };
}
