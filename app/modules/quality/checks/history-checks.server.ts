import { platformSuppressionOf } from "../suppression.server";
import { batchHistoryFor } from "./batch-history.server";
import { fail, pass, skip, SKIPPED_INVALID_FIELDS, withValidFields, type LeadCheck, type LeadCheckContext } from "./lead-check";

// Checks against what Leadex already holds: duplicates, velocity, the platform suppression list.
// The verifier holds an advisory lock per person hash, so two leads of one person are checked one
// after the other and the second sees the first.

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function personFilter(ctx: LeadCheckContext) {
  return [...(ctx.emailHash ? [{ emailHash: ctx.emailHash }] : []), ...(ctx.phoneHash ? [{ phoneHash: ctx.phoneHash }] : [])];
}

/**
 * The same person (email or phone hash) received inside a window, on this offer or on the others.
 * Leads still waiting for verification and rejected leads do not count.
 */
function duplicateCheck(scope: "same_offer" | "cross_offer"): LeadCheck {
  const code = `duplicate_${scope}`;
  const sameOffer = scope === "same_offer";
  const where = sameOffer ? "on this offer" : "on another offer";
  return {
    code,
    async run(ctx) {
      if (!withValidFields(ctx)) return skip(code, SKIPPED_INVALID_FIELDS);
      const days = sameOffer ? ctx.rules.duplicateWindowDays : ctx.rules.crossOfferDuplicateWindowDays;
      const person = personFilter(ctx);
      if (days === 0) return skip(code, `The offer's duplicate window ${where} is off`);
      if (person.length === 0) return skip(code, "No email or phone to compare");
      const since = new Date(ctx.now.getTime() - days * DAY_MS);
      const prefetched = batchHistoryFor(ctx.tx, ctx.lead.id);
      const duplicate = prefetched
        ? prefetched.duplicate({ sameOffer, offerId: ctx.offer.id, since, emailHash: ctx.emailHash, phoneHash: ctx.phoneHash })
        : await ctx.tx.lead.findFirst({
            where: {
              offerId: sameOffer ? ctx.offer.id : { not: ctx.offer.id },
              id: { not: ctx.lead.id },
              receivedAt: { gte: since },
              status: { notIn: ["RECEIVED", "REJECTED"] },
              OR: person,
            },
            select: { id: true, emailHash: true },
          });
      if (!duplicate) return pass(code, `Not sent ${where} in the last ${days} days`);
      const by = ctx.emailHash && duplicate.emailHash === ctx.emailHash ? "email" : "phone";
      // A lead on another offer may be another affiliate's: its id is not shown.
      const which = sameOffer ? ` as lead ${duplicate.id}` : "";
      return fail(code, sameOffer ? "duplicate_lead" : "duplicate_cross_offer", `Same person (${by})${which} already sent ${where} within ${days} days`);
    },
  };
}

export const duplicateSameOfferCheck = duplicateCheck("same_offer");
export const duplicateCrossOfferCheck = duplicateCheck("cross_offer");

/**
 * Leads received inside the window before this one. Leads stored by one batched statement share
 * their receivedAt (the transaction's start), so ties go by id: within a burst each lead counts
 * the ones before it, and a lead's verdict does not depend on processing order.
 */
function receivedBefore(lead: LeadCheckContext["lead"], windowMs: number) {
  const at = lead.receivedAt;
  return {
    receivedAt: { gte: new Date(at.getTime() - windowMs), lte: at },
    OR: [{ receivedAt: { lt: at } }, { receivedAt: at, id: { lt: lead.id } }],
  };
}

export const affiliateVelocityCheck: LeadCheck = {
  code: "velocity_affiliate",
  async run(ctx) {
    const max = ctx.rules.maxLeadsPerAffiliatePerHour;
    if (max === 0) return skip("velocity_affiliate", "The offer sets no hourly limit per affiliate");
    const before =
      batchHistoryFor(ctx.tx, ctx.lead.id)?.affiliateBefore ??
      (await ctx.tx.lead.count({
        where: {
          offerId: ctx.offer.id,
          affiliateId: ctx.lead.affiliateId,
          ...receivedBefore(ctx.lead, HOUR_MS),
        },
      }));
    return before < max
      ? pass("velocity_affiliate", `${before + 1} of at most ${max} leads this hour`)
      : fail("velocity_affiliate", "velocity_affiliate", `Over the offer's limit of ${max} leads per hour from this affiliate`);
  },
};

export const ipVelocityCheck: LeadCheck = {
  code: "velocity_ip",
  async run(ctx) {
    const max = ctx.rules.maxLeadsPerIpPerDay;
    const ip = ctx.lead.ipAddress;
    if (max === 0) return skip("velocity_ip", "The offer sets no daily limit per IP address");
    if (!ip) return skip("velocity_ip", "No consumer IP posted (ip_address), so the daily limit per IP is not checked");
    const before =
      batchHistoryFor(ctx.tx, ctx.lead.id)?.ipBefore ??
      (await ctx.tx.lead.count({
        where: {
          offerId: ctx.offer.id,
          ipAddress: ip,
          ...receivedBefore(ctx.lead, DAY_MS),
        },
      }));
    return before < max
      ? pass("velocity_ip", `${before + 1} of at most ${max} leads from ${ip} today`)
      : fail("velocity_ip", "velocity_ip", `Over the offer's limit of ${max} leads per day from IP ${ip}`);
  },
};

export const platformSuppressionCheck: LeadCheck = {
  code: "suppression",
  async run(ctx) {
    if (!withValidFields(ctx)) return skip("suppression", SKIPPED_INVALID_FIELDS);
    if (!ctx.emailHash && !ctx.phoneHash) return skip("suppression", "No email or phone to compare");
    const prefetched = batchHistoryFor(ctx.tx, ctx.lead.id);
    const entry = prefetched ? { kind: prefetched.suppressedKind(ctx) } : await platformSuppressionOf(ctx.tx, ctx);
    return entry?.kind
      ? fail("suppression", "suppressed", `The ${entry.kind === "EMAIL" ? "email" : "phone"} is on the platform suppression list`)
      : pass("suppression", "Not on the platform suppression list");
  },
};
