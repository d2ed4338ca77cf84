import { recordAudit } from "~/modules/audit/audit.server";
import { offerQualityRules } from "~/modules/quality/quality.schema";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { canMoveOffer } from "./offer-status";
import type { CreateOfferData } from "./offers.schema";

// An affiliate changing its own offer: edit, pause/resume, archive. Every change is one AuditLog
// row (targetType "Offer"), which the offer page shows as its history.

export const OFFER_AUDIT_TARGET = "Offer";

/** The terms a CPA/CPS buyer's open order pays by (read from the offer at each conversion). */
const CONVERSION_PAY_TERMS = ["priceCents", "salePercentBps", "saleMinCents", "saleMaxCents", "conversionEvents"] as const;

const EDITABLE = [
  "title",
  "vertical",
  "country",
  "states",
  "fields",
  "priceCents",
  "salePercentBps",
  "saleMinCents",
  "saleMaxCents",
  "conversionEvents",
  "attributionWindowDays",
  "lockPeriodDays",
  "allowsLockedAdjustments",
  "exclusivity",
  "maxBuyers",
  "returnWindowDays",
  "qualityRules",
  "distribution",
] as const;
type EditableKey = (typeof EDITABLE)[number];

/** JSON with object keys sorted, so a stored JSON column and the parsed form compare by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

async function ownOfferForChange(tx: Tx, actor: Actor, offerId: string) {
  const offer = await tx.offer.findFirst({ where: { id: offerId, affiliateId: actor.companyId } });
  if (!offer) throw new NotFoundError("Offer");
  return offer;
}

/**
 * Saves the edit form. The pricing model never changes once published. A CPL price change applies
 * to new orders only (each order keeps the price its buyer agreed); CPA/CPS pay terms are read at
 * each conversion, so they cannot change while buyers hold open or paused orders.
 */
export async function updateOffer(actor: Actor, offerId: string, data: CreateOfferData): Promise<{ changed: EditableKey[] }> {
  requirePermission(actor, "write:offer:own");
  return prisma.$transaction(async (tx) => {
    const offer = await ownOfferForChange(tx, actor, offerId);
    if (offer.status === "ARCHIVED") throw new ConflictError("This offer is archived and read-only");
    if (data.pricingModel !== offer.pricingModel) {
      throw new ValidationError({ pricingModel: "The pricing model cannot change once an offer is published: create a new offer" });
    }
    const next: Record<EditableKey, unknown> = {
      ...data,
      salePercentBps: data.pricingModel === "CPS" ? (data.salePercentBps ?? null) : null,
      saleMinCents: data.pricingModel === "CPS" ? (data.saleMinCents ?? null) : null,
      saleMaxCents: data.pricingModel === "CPS" ? (data.saleMaxCents ?? null) : null,
    };
    const before: Record<EditableKey, unknown> = { ...offer, qualityRules: offerQualityRules(offer.qualityRules) };
    const changed = EDITABLE.filter((key) => canonical(before[key]) !== canonical(next[key]));
    if (changed.length === 0) return { changed };
    if (offer.pricingModel !== "CPL" && changed.some((key) => (CONVERSION_PAY_TERMS as readonly string[]).includes(key))) {
      const liveOrders = await tx.order.count({ where: { offerId, status: { not: "CLOSED" } } });
      if (liveOrders > 0) {
        throw new ValidationError({
          priceCents: `Buyers hold ${liveOrders} open or paused order(s) on these payouts: keep them, or archive this offer and publish a new one`,
        });
      }
    }
    const update = Object.fromEntries(changed.map((key) => [key, next[key]]));
    await tx.offer.update({ where: { id: offerId }, data: update });
    const changes = Object.fromEntries(changed.map((key) => [key, { from: before[key] ?? null, to: next[key] ?? null }]));
    await recordAudit(tx, { actorId: actor.userId, action: "offer.updated", targetType: OFFER_AUDIT_TARGET, targetId: offerId, data: { changes } });
    return { changed };
  });
}

const STATUS_ACTIONS = { ACTIVE: "offer.resumed", PAUSED: "offer.paused", ARCHIVED: "offer.archived" } as const;

/** Pauses, resumes or archives the affiliate's offer (archive is final; an offer Leadex unlisted may only be archived). */
export async function changeOfferStatus(actor: Actor, offerId: string, to: keyof typeof STATUS_ACTIONS) {
  requirePermission(actor, "write:offer:own");
  return prisma.$transaction(async (tx) => {
    const offer = await ownOfferForChange(tx, actor, offerId);
    if (!canMoveOffer(offer, to)) {
      throw new ConflictError(
        offer.unlistedAt
          ? "Leadex unlisted this offer: only an admin can relist it"
          : `An offer that is ${offer.status.toLowerCase()} cannot become ${to.toLowerCase()}`,
      );
    }
    const updated = await tx.offer.update({ where: { id: offerId }, data: { status: to } });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: STATUS_ACTIONS[to],
      targetType: OFFER_AUDIT_TARGET,
      targetId: offerId,
      data: { from: offer.status, to },
    });
    return updated;
  });
}

/** The offer's history: every audited change, newest first, with who made it. */
export async function listOfferHistory(actor: Actor, offerId: string) {
  requirePermission(actor, "read:offer:own");
  const offer = await prisma.offer.findFirst({ where: { id: offerId, affiliateId: actor.companyId }, select: { id: true } });
  if (!offer) throw new NotFoundError("Offer");
  const rows = await prisma.auditLog.findMany({
    where: { targetType: OFFER_AUDIT_TARGET, targetId: offerId },
    orderBy: { createdAt: "desc" },
    take: 100,
    include: { actor: { select: { name: true, role: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    at: row.createdAt,
    action: row.action,
    // Admins act as "Leadex", not by name: the affiliate sees what the platform did.
    who: row.actor ? (row.actor.role === "ADMIN" ? "Leadex" : row.actor.name) : "Leadex",
    data: (row.data ?? {}) as Record<string, unknown>,
  }));
}
