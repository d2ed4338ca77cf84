import { offerPayoutAtAskingPrice } from "~/modules/billing/platform-fee.server";
import { offerEvents } from "~/modules/conversions/conversion-terms";
import { prisma } from "~/utils/db.server";
import type { Actor } from "~/utils/permissions.server";
import { requirePermission } from "~/utils/permissions.server";
import { offerQualityRules, offerQualityRulesSchema } from "~/modules/quality/quality.schema";
import { offerFormValues } from "./offer-form-values";
import { offerIntakeRefusal } from "./offer-status";
import { offerFieldsSchema } from "./offers.schema";
import { listOfferHistory } from "./offer-changes.server";
import type { OwnOfferListFilter } from "./offers.schema";
import { getOwnOffer, listOwnOfferPage, listOwnOffers } from "./offers.server";

const DAY_MS = 24 * 60 * 60 * 1000;

type OwnOffer = Awaited<ReturnType<typeof listOwnOffers>>[number];

/** The affiliate's offers as its lists show them: status, payout after the fee, leads in the last 30 days, open orders. */
async function ownOfferRows(actor: Actor, offers: OwnOffer[], now: Date) {
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const recent =
    offers.length === 0
      ? []
      : await prisma.lead.groupBy({
          by: ["offerId"],
          where: { affiliateId: actor.companyId, offerId: { in: offers.map((o) => o.id) }, receivedAt: { gte: since } },
          _count: { _all: true },
        });
  const recentByOffer = new Map(recent.map((r) => [r.offerId, r._count._all]));
  return offers.map((o) => ({
    id: o.id,
    title: o.title,
    vertical: o.vertical,
    pricingModel: o.pricingModel,
    status: o.status,
    unlisted: o.unlistedAt !== null,
    payout: offerPayoutAtAskingPrice({ ...o, conversionEvents: offerEvents(o) }),
    leadCount: o._count.leads,
    leadsLast30Days: recentByOffer.get(o.id) ?? 0,
    openOrderCount: o._count.orders,
  }));
}

/** Every one of the affiliate's offers, newest first, as its dashboard lists them. */
export async function listOwnOfferRows(actor: Actor, now = new Date()) {
  return ownOfferRows(actor, await listOwnOffers(actor), now);
}

/** One page of the affiliate's offer list (newest first, by status and title) and the cursor of the next. */
export async function ownOfferListView(actor: Actor, filter: OwnOfferListFilter, pageSize?: number, now = new Date()) {
  const page = await listOwnOfferPage(actor, filter, pageSize);
  return { offers: await ownOfferRows(actor, page.rows, now), nextCursor: page.nextCursor };
}

/** The Send leads page: every offer not archived, with what its example postback needs, and whether the affiliate has a live API key. */
export async function getSendLeadsView(actor: Actor) {
  requirePermission(actor, "read:offer:own");
  const [offers, liveKeys] = await Promise.all([
    prisma.offer.findMany({ where: { affiliateId: actor.companyId, status: { not: "ARCHIVED" } }, orderBy: { createdAt: "desc" } }),
    prisma.apiKey.count({ where: { companyId: actor.companyId, revokedAt: null } }),
  ]);
  return {
    hasApiKey: liveKeys > 0,
    offers: offers.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      refusal: offerIntakeRefusal(o),
      fields: offerFieldsSchema.parse(o.fields),
      states: o.states,
      qualityRules: offerQualityRules(o.qualityRules),
    })),
  };
}

/** The affiliate's page of one offer: the offer, its history, what it pays after the fee, and why it takes no leads (if so). */
export async function ownOfferPageView(actor: Actor, offerId: string) {
  const offer = await getOwnOffer(actor, offerId);
  const history = await listOfferHistory(actor, offer.id);
  return { offer, history, payout: offerPayoutAtAskingPrice(offer), refusal: offerIntakeRefusal(offer) };
}

/** The affiliate's edit form of one offer: its values, the quality rules' defaults, and whether it is archived (read-only). */
export async function ownOfferEditView(actor: Actor, offerId: string) {
  const offer = await getOwnOffer(actor, offerId);
  return {
    archived: offer.status === "ARCHIVED",
    id: offer.id,
    title: offer.title,
    pricingModel: offer.pricingModel,
    values: offerFormValues(offer),
    defaultRules: offerQualityRulesSchema.parse({}),
  };
}
