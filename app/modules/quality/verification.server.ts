import type { Lead, Offer } from "~/generated/prisma/client";
import { offerFieldsSchema, type OfferField } from "~/modules/offers/offers.schema";
import type { Tx } from "~/utils/db.server";
import { checkLeadFields, type LeadFieldValues } from "./lead-fields";
import { personHash } from "./person-hash.server";

/** Contact and geo values picked from the normalised fields by the offer's field types. */
export interface LeadContact {
  email: string | null;
  phone: string | null;
  state: string | null;
  postalCode: string | null;
}

export type VerificationResult =
  | { verdict: "accepted"; fields: LeadFieldValues; contact: LeadContact; emailHash: string | null; phoneHash: string | null }
  | { verdict: "rejected"; reasons: string[]; detail: string; fields?: LeadFieldValues; contact?: LeadContact };

/** Reason codes a lead can be rejected with (shown to the affiliate and on the timeline). */
export const REJECTION_REASONS = {
  invalidFields: "invalid_fields",
  outOfGeo: "out_of_geo",
  duplicate: "duplicate_lead",
} as const;

function contactOf(spec: OfferField[], fields: LeadFieldValues): LeadContact {
  const byType = (type: OfferField["type"]) => {
    const name = spec.find((f) => f.type === type)?.name;
    return name && fields[name] ? fields[name] : null;
  };
  return { email: byType("email"), phone: byType("phone"), state: byType("state"), postalCode: byType("postal_code") };
}

/**
 * Checks a received lead against its offer: fields and types, normalised contact data, the
 * offer's geo, and the same person (by hashed email or phone) already sent on this offer inside
 * the window. Must run in the transaction that records the verdict; it serialises checks of one person.
 */
export async function verifyLead(tx: Tx, lead: Lead, offer: Offer, duplicateWindowDays: number): Promise<VerificationResult> {
  const raw = (lead.rawFields ?? {}) as Record<string, unknown>;
  const spec = offerFieldsSchema.parse(offer.fields);
  const check = checkLeadFields(spec, offer.country, raw);
  if (!check.ok) {
    return {
      verdict: "rejected",
      reasons: [REJECTION_REASONS.invalidFields],
      detail: Object.entries(check.errors).map(([k, v]) => `${k}: ${v}`).join("; "),
    };
  }
  const contact = contactOf(spec, check.fields);
  const declaresState = spec.some((f) => f.type === "state");
  if (offer.states.length > 0 && declaresState && !(contact.state && offer.states.includes(contact.state))) {
    return {
      verdict: "rejected",
      reasons: [REJECTION_REASONS.outOfGeo],
      detail: `state ${contact.state ?? "(none)"} is outside the offer's geo (${offer.states.join(", ")})`,
      fields: check.fields,
      contact,
    };
  }
  const emailHash = contact.email ? personHash(contact.email) : null;
  const phoneHash = contact.phone ? personHash(contact.phone) : null;

  const personKeys = [emailHash, phoneHash].filter((h): h is string => h !== null).sort();
  for (const key of personKeys) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${offer.id}:${key}`}, 0))`;
  }
  if (personKeys.length > 0 && duplicateWindowDays > 0) {
    const since = new Date(Date.now() - duplicateWindowDays * 86_400_000);
    const duplicate = await tx.lead.findFirst({
      where: {
        offerId: offer.id,
        id: { not: lead.id },
        receivedAt: { gte: since },
        status: { notIn: ["RECEIVED", "REJECTED"] },
        OR: [...(emailHash ? [{ emailHash }] : []), ...(phoneHash ? [{ phoneHash }] : [])],
      },
      select: { id: true, emailHash: true },
    });
    if (duplicate) {
      const by = emailHash && duplicate.emailHash === emailHash ? "email" : "phone";
      return {
        verdict: "rejected",
        reasons: [REJECTION_REASONS.duplicate],
        detail: `Same person (${by}) as lead ${duplicate.id} on this offer within ${duplicateWindowDays} days`,
        fields: check.fields,
        contact,
      };
    }
  }
  return { verdict: "accepted", fields: check.fields, contact, emailHash, phoneHash };
}
