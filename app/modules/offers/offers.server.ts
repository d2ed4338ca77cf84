import type { Offer, Prisma } from "~/generated/prisma/client";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { offerQualityRules } from "~/modules/quality/quality.schema";
import { prisma } from "~/utils/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, newestFirst } from "~/utils/keyset-cursor.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import type { CreateOfferData, OwnOfferListFilter } from "./offers.schema";
import { offerFieldsSchema } from "./offers.schema";

export async function createOffer(actor: Actor, data: CreateOfferData) {
  requirePermission(actor, "write:offer:own");
  return prisma.offer.create({
    data: {
      affiliateId: actor.companyId,
      title: data.title,
      vertical: data.vertical,
      country: data.country,
      states: data.states,
      fields: data.fields,
      pricingModel: data.pricingModel,
      priceCents: data.priceCents,
      salePercentBps: data.pricingModel === "CPS" ? (data.salePercentBps ?? null) : null,
      saleMinCents: data.pricingModel === "CPS" ? (data.saleMinCents ?? null) : null,
      saleMaxCents: data.pricingModel === "CPS" ? (data.saleMaxCents ?? null) : null,
      conversionEvents: data.conversionEvents,
      attributionWindowDays: data.attributionWindowDays,
      lockPeriodDays: data.lockPeriodDays,
      allowsLockedAdjustments: data.allowsLockedAdjustments,
      exclusivity: data.exclusivity,
      maxBuyers: data.maxBuyers,
      returnWindowDays: data.returnWindowDays,
      qualityRules: data.qualityRules,
      distribution: data.distribution,
    },
  });
}

const ownOfferCounts = { _count: { select: { leads: true, orders: { where: { status: "OPEN" } } } } } satisfies Prisma.OfferInclude;

export async function listOwnOffers(actor: Actor) {
  requirePermission(actor, "read:offer:own");
  return prisma.offer.findMany({ where: { affiliateId: actor.companyId }, orderBy: { createdAt: "desc" }, include: ownOfferCounts });
}

/** How many offers a page of the affiliate's offer list shows. */
export const OWN_OFFERS_PAGE = 50;

/** One page of the affiliate's offers, newest first, by status and by part of the title. */
export async function listOwnOfferPage(actor: Actor, filter: OwnOfferListFilter, pageSize = OWN_OFFERS_PAGE) {
  requirePermission(actor, "read:offer:own");
  const where: Prisma.OfferWhereInput[] = [{ affiliateId: actor.companyId }, keysetAfter("createdAt", decodeKeysetCursor(filter.cursor))];
  if (filter.status) where.push({ status: filter.status });
  if (filter.q) where.push({ title: { contains: filter.q, mode: "insensitive" } });
  const rows = await prisma.offer.findMany({ where: { AND: where }, orderBy: newestFirst("createdAt"), take: pageSize + 1, include: ownOfferCounts });
  return keysetPage(rows, pageSize, (o) => o.createdAt);
}

export async function getOwnOffer(actor: Actor, offerId: string) {
  requirePermission(actor, "read:offer:own");
  const offer = await prisma.offer.findFirst({ where: { id: offerId, affiliateId: actor.companyId } });
  if (!offer) throw new NotFoundError("Offer");
  return { ...offer, fields: offerFieldsSchema.parse(offer.fields), qualityRules: offerQualityRules(offer.qualityRules), conversionEvents: offerEvents(offer) };
}

/** The marketplace: active offers, without anything about who else buys them. */
export async function listMarketplaceOffers(actor: Actor) {
  requirePermission(actor, "read:marketplace");
  const offers = await prisma.offer.findMany({
    where: { status: "ACTIVE", unlistedAt: null },
    orderBy: { createdAt: "desc" },
    include: { affiliate: { select: { name: true } } },
  });
  return offers.map((offer) => ({ ...offer, conversionEvents: offerEvents(offer) }));
}

export async function getMarketplaceOffer(actor: Actor, offerId: string) {
  requirePermission(actor, "read:marketplace");
  const offer = await prisma.offer.findFirst({
    where: { id: offerId, status: "ACTIVE", unlistedAt: null },
    include: { affiliate: { select: { name: true } } },
  });
  if (!offer) throw new NotFoundError("Offer");
  return { ...offer, fields: offerFieldsSchema.parse(offer.fields), conversionEvents: offerEvents(offer) };
}

// The postback endpoint reads the same few offers thousands of times a second. Offers change
// rarely (their terms are fixed once published), so each web process keeps what it read for a
// moment: a change reaches intake within OFFER_CACHE_TTL_MS. Verification in the worker always
// reads the offer fresh.
const OFFER_CACHE_TTL_MS = 2000;
const recentOffers = new Map<string, { offer: Offer; readAt: number }>();

/**
 * The affiliate's own offer that a postback or ping names (possibly as read up to two seconds
 * ago): 404 when there is none, 403 when it is another affiliate's.
 */
export async function findOwnOfferForIntake(actor: Actor, offerId: string): Promise<Offer> {
  const offer = await findOfferForIntake(offerId);
  if (!offer) throw new NotFoundError(`Offer ${offerId}`);
  if (offer.affiliateId !== actor.companyId) throw new ForbiddenError("This offer belongs to another affiliate");
  return offer;
}

/** Drops this process's copy of an offer an admin just changed (other processes follow within OFFER_CACHE_TTL_MS). */
export function forgetOfferForIntake(offerId: string): void {
  recentOffers.delete(offerId);
}

// Postbacks for an offer whose cached copy just expired share one read of it (at 500 leads/s,
// every postback of the read's round trip would otherwise read it again).
const offerReads = new Map<string, Promise<Offer | null>>();

function findOfferForIntake(offerId: string): Promise<Offer | null> {
  const now = Date.now();
  const hit = recentOffers.get(offerId);
  if (hit && now - hit.readAt < OFFER_CACHE_TTL_MS) return Promise.resolve(hit.offer);
  const inFlight = offerReads.get(offerId);
  if (inFlight) return inFlight;
  const read = prisma.offer
    .findUnique({ where: { id: offerId } })
    .then((offer) => {
      if (offer) {
        if (recentOffers.size > 10_000) recentOffers.clear();
        recentOffers.set(offerId, { offer, readAt: now });
      } else recentOffers.delete(offerId);
      return offer;
    })
    .finally(() => offerReads.delete(offerId));
  offerReads.set(offerId, read);
  return read;
}
