import type { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { auditActionWords } from "~/modules/audit/audit-words";
import { recordCompanyNotice } from "~/modules/notices/notices.server";
import { prisma } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { offerFlags, SUSPICIOUS_PRICE_BELOW_CENTS } from "./offer-flags";
import type { OfferModerationAction, OfferModerationFilter } from "./offer-moderation.schema";
import { forgetOfferForIntake } from "./offers.server";

// Admins acting on the same row wait for each other on its lock: more time than Prisma's 5 s default.
const MODERATION_TX = { timeout: 20_000, maxWait: 10_000 };

// Admins moderate offers: unlisting takes an offer off the marketplace (no new orders, postbacks
// refused) with a reason its affiliate reads; pausing stops it like the affiliate's own pause;
// relisting undoes both. Each is audited and told to the affiliate's users.

export const OFFERS_PAGE = 50;

function offerWhere(filter: OfferModerationFilter): Prisma.OfferWhereInput {
  const where: Prisma.OfferWhereInput[] = [];
  if (filter.q) where.push({ OR: [{ id: filter.q }, { title: { contains: filter.q, mode: "insensitive" } }] });
  if (filter.status) where.push({ status: filter.status });
  if (filter.affiliateId) where.push({ affiliateId: filter.affiliateId });
  if (filter.listing === "unlisted") where.push({ unlistedAt: { not: null } });
  if (filter.listing === "listed") where.push({ unlistedAt: null });
  // The database side of offerFlags: a cheap superset, narrowed by offerFlags on the page.
  if (filter.flagged) {
    where.push({
      OR: [
        { title: { contains: "<" } },
        { title: { contains: "&" } },
        { title: { contains: "javascript:", mode: "insensitive" } },
        { priceCents: { lt: SUSPICIOUS_PRICE_BELOW_CENTS }, NOT: { pricingModel: "CPS", salePercentBps: { not: null } } },
      ],
    });
  }
  return { AND: where };
}

/** Offers newest first, 50 a page, each with its price and what looks suspicious about it. */
export async function listOffersForModeration(actor: Actor, filter: OfferModerationFilter) {
  requirePermission(actor, "write:offer:any");
  const rows = await prisma.offer.findMany({
    where: { AND: [offerWhere(filter), keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))] },
    orderBy: newestFirst("createdAt"),
    take: OFFERS_PAGE + 1,
    include: { affiliate: { select: { id: true, name: true } }, _count: { select: { orders: { where: { status: "OPEN" } } } } },
  });
  const page = keysetPage(rows, OFFERS_PAGE, (r) => r.createdAt);
  const shown = page.rows
    .map((o) => ({
      id: o.id,
      title: o.title,
      vertical: o.vertical,
      status: o.status,
      unlisted: o.unlistedAt !== null,
      pricingModel: o.pricingModel,
      priceCents: o.priceCents,
      salePercentBps: o.salePercentBps,
      currency: o.currency,
      createdAt: o.createdAt,
      affiliate: o.affiliate,
      openOrders: o._count.orders,
      flags: offerFlags(o),
    }))
    .filter((o) => !filter.flagged || o.flags.length > 0);
  const affiliates = await prisma.company.findMany({
    where: { kind: "AFFILIATE", offers: { some: {} } },
    orderBy: { name: "asc" },
    take: 500,
    select: { id: true, name: true },
  });
  return { rows: shown, nextCursor: page.nextCursor, affiliates };
}

/** One offer for the admin's moderation page, with its moderation history (the audit rows). */
export async function readOfferForModeration(actor: Actor, offerId: string) {
  requirePermission(actor, "write:offer:any");
  const offer = await prisma.offer.findUnique({
    where: { id: offerId },
    include: {
      affiliate: { select: { id: true, name: true, suspendedAt: true } },
      orders: {
        where: { status: "OPEN" },
        select: { id: true, priceCents: true, currency: true, advertiser: { select: { id: true, name: true } } },
        take: 100,
      },
      _count: { select: { leads: true } },
    },
  });
  if (!offer) throw new NotFoundError("Offer");
  const history = await prisma.auditLog.findMany({
    where: { targetType: "Offer", targetId: offerId },
    orderBy: { createdAt: "desc" },
    take: 50,
    include: { actor: { select: { name: true, email: true } } },
  });
  return {
    offer: { ...offer, flags: offerFlags(offer) },
    history: history.map((h) => ({
      id: h.id,
      at: h.createdAt,
      who: h.actor ? `${h.actor.name} (${h.actor.email})` : "Leadex",
      what: `${auditActionWords(h.action)}${h.data && typeof h.data === "object" && "reason" in h.data ? `: ${String(h.data.reason)}` : ""}`,
    })),
  };
}

const VERBS = { unlist: "unlisted", pause: "paused", relist: "relisted" } as const;

/** Unlists, pauses or relists an offer; 409 when it is already so (or archived by its affiliate). */
export async function moderateOffer(
  actor: Actor,
  offerId: string,
  action: OfferModerationAction,
): Promise<{ title: string; verb: (typeof VERBS)[keyof typeof VERBS] }> {
  requirePermission(actor, "write:offer:any");
  if (!actor.userId) throw new ForbiddenError("Only a signed-in admin may moderate offers");
  const adminId = actor.userId;
  const verb = VERBS[action.intent];
  const title = await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Offer" WHERE id = ${offerId} FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError("Offer");
    const offer = await tx.offer.findUniqueOrThrow({ where: { id: offerId } });
    if (offer.status === "ARCHIVED") throw new ConflictError("This offer is archived by its affiliate; there is nothing to moderate");
    if (action.intent === "unlist") {
      if (offer.unlistedAt) throw new ConflictError("This offer is already unlisted");
      await tx.offer.update({ where: { id: offerId }, data: { unlistedAt: new Date(), unlistedReason: action.reason } });
    } else if (action.intent === "pause") {
      if (offer.status === "PAUSED") throw new ConflictError("This offer is already paused");
      await tx.offer.update({ where: { id: offerId }, data: { status: "PAUSED" } });
    } else {
      if (!offer.unlistedAt && offer.status === "ACTIVE") throw new ConflictError("This offer is already listed and active");
      await tx.offer.update({ where: { id: offerId }, data: { unlistedAt: null, unlistedReason: null, status: "ACTIVE" } });
    }
    const reason = action.intent === "relist" ? null : action.reason;
    await recordAudit(tx, { actorId: adminId, action: `offer.${verb}`, targetType: "Offer", targetId: offerId, data: reason ? { reason } : {} });
    const consequence =
      action.intent === "unlist"
        ? "It is off the marketplace: no new orders, and postbacks to it are refused."
        : action.intent === "pause"
          ? "It takes no leads until it is active again."
          : "It is on the marketplace again and takes leads.";
    await recordCompanyNotice(tx, offer.affiliateId, {
      kind: "MODERATION",
      data: {
        message: `Leadex ${verb} your offer "${offer.title}"${reason ? `: ${reason}` : ""}. ${consequence}`,
        targetType: "Offer",
        targetId: offerId,
        href: `/affiliate/offers/${offerId}`,
      },
    });
    return offer.title;
  }, MODERATION_TX);
  forgetOfferForIntake(offerId);
  return { title, verb };
}
