// What an offer's status means for its affiliate (browser-safe: the offer page and intake share the words).

export interface OfferStatusFacts {
  status: string;
  unlistedAt: Date | string | null;
  unlistedReason: string | null;
}

/** Why the offer takes no leads right now, or null when it takes them. */
export function offerIntakeRefusal(offer: OfferStatusFacts): string | null {
  if (offer.unlistedAt) return `Leadex unlisted this offer (${offer.unlistedReason || "no reason given"}); it takes no leads until an admin relists it`;
  if (offer.status === "ARCHIVED") return "This offer is archived and takes no leads";
  if (offer.status === "PAUSED") return "This offer is paused and takes no leads; resume it in the portal";
  return null;
}

/** The status changes an affiliate may make: ACTIVE ↔ PAUSED, either → ARCHIVED (final). Nothing while unlisted. */
export const OFFER_STATUS_MOVES: Readonly<Record<string, readonly ("ACTIVE" | "PAUSED" | "ARCHIVED")[]>> = {
  ACTIVE: ["PAUSED", "ARCHIVED"],
  PAUSED: ["ACTIVE", "ARCHIVED"],
  ARCHIVED: [],
};

export function canMoveOffer(offer: Pick<OfferStatusFacts, "status" | "unlistedAt">, to: string): boolean {
  if (offer.unlistedAt) return to === "ARCHIVED" && offer.status !== "ARCHIVED";
  return (OFFER_STATUS_MOVES[offer.status] ?? []).some((s) => s === to);
}
