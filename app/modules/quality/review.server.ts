import { recordAudit } from "~/modules/audit/audit.server";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { checkWalletsAfterLeadSales } from "~/modules/billing/wallet-checks.server";
import { acceptAndRouteLead } from "~/modules/leads/lead-pipeline.server";
import { notifyAffiliateOfLeadEvent } from "~/modules/leads/lead-notifications.server";
import { recordLeadEvent } from "~/modules/leads/lead-timeline.server";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, ForbiddenError, NotFoundError } from "~/utils/errors";
import { decodeKeysetCursor, keysetAfter, keysetPage, oldestFirst } from "~/utils/keyset-cursor.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { leadReasonWords } from "./lead-reason-words";
import { offerQualityRules } from "./quality.schema";
import { candidateOrdersForHeldLeads } from "./review-candidates.server";
import { readCheckResults, readScoreReasons, type ReviewDecisionInput, type ReviewQueueQuery } from "./review.schema";

// The admin review queue: leads held for review (status HELD), oldest first, and the decision on one.

export const QUEUE_PAGE = 50;

export const ADMIN_REJECTED_REASON = "admin_rejected";

/**
 * Held leads, oldest first, a page at a time (optionally one offer's), with what the admin needs to
 * decide: checks, score, why held, offer, affiliate, and the orders that would buy each; and the
 * offers that have held leads, to narrow the queue by.
 */
export async function listHeldLeads(actor: Actor, query: Pick<ReviewQueueQuery, "offerId" | "cursor">, pageSize = QUEUE_PAGE) {
  requirePermission(actor, "write:lead:review");
  const [rows, offers] = await Promise.all([
    prisma.lead.findMany({
      where: { status: "HELD", ...(query.offerId ? { offerId: query.offerId } : {}), ...keysetAfter("receivedAt", decodeKeysetCursor(query.cursor), "asc") },
      orderBy: oldestFirst("receivedAt"),
      take: pageSize + 1,
      include: { offer: { select: { id: true, title: true } }, affiliate: { select: { name: true } } },
    }),
    prisma.offer.findMany({ where: { leads: { some: { status: "HELD" } } }, orderBy: { title: "asc" }, take: 200, select: { id: true, title: true } }),
  ]);
  const { rows: leads, nextCursor } = keysetPage(rows, pageSize, (l) => l.receivedAt);
  const candidates = await candidateOrdersForHeldLeads(actor, leads);
  const shown = leads.map((lead) => ({
    id: lead.id,
    externalId: lead.externalId,
    receivedAt: lead.receivedAt,
    offerTitle: lead.offer.title,
    affiliateName: lead.affiliate.name,
    reasons: lead.reasons,
    reasonWords: lead.reasons.map((code) => ({ code, words: leadReasonWords(code) })),
    candidates: candidates.get(lead.id) ?? [],
    qualityScore: lead.qualityScore,
    temperature: lead.temperature,
    checks: readCheckResults(lead.checks),
    scoreReasons: readScoreReasons(lead.scoreReasons),
  }));
  return { leads: shown, nextCursor, offers };
}

/** The offer's thresholds the lead was held against, for the admin's lead page. */
export async function getReviewThresholds(actor: Actor, offerId: string) {
  requirePermission(actor, "write:lead:review");
  const offer = await prisma.offer.findUnique({ where: { id: offerId }, select: { qualityRules: true } });
  if (!offer) throw new NotFoundError("Offer");
  const { acceptScore, rejectScore } = offerQualityRules(offer.qualityRules);
  return { acceptScore, rejectScore };
}

export type ReviewOutcome = { decision: "approve"; outcome: "sold" | "unsold" } | { decision: "reject"; outcome: "rejected" };

/**
 * An admin approves or rejects a held lead. Under the lead's row lock and only while it is HELD
 * (a second admin deciding the same lead gets a conflict); audited and written on the timeline.
 * Approved leads continue (accepted → routed → sold / unsold); rejected ones stop.
 */
export async function reviewHeldLead(actor: Actor, leadId: string, input: ReviewDecisionInput): Promise<ReviewOutcome> {
  requirePermission(actor, "write:lead:review");
  const adminId = actor.userId;
  if (!adminId) throw new ForbiddenError("Only a signed-in admin may review leads");
  const outcome = await prisma.$transaction(
    async (tx): Promise<ReviewOutcome> => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Lead" WHERE id = ${leadId} FOR UPDATE`;
      if (locked.length === 0) throw new NotFoundError("Lead");
      const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId }, include: { offer: true } });
      if (lead.status !== "HELD") {
        throw new ConflictError(`This lead is no longer held for review: it is ${lead.status.toLowerCase()}`);
      }
      const admin = await tx.user.findUniqueOrThrow({ where: { id: adminId }, select: { name: true, email: true } });
      await recordReview(tx, { adminId, adminLabel: `${admin.name} (${admin.email})`, leadId, ...input });
      if (input.decision === "approve") {
        return { decision: "approve", outcome: await acceptAndRouteLead(tx, lead, lead.offer) };
      }
      await tx.lead.update({
        where: { id: leadId },
        data: { status: "REJECTED", reasons: [ADMIN_REJECTED_REASON], processedAt: new Date() },
      });
      await recordLeadEvent(tx, leadId, "rejected", `Rejected in review: ${input.reason}`, {
        reasons: [ADMIN_REJECTED_REASON],
        reason: input.reason,
      });
      await notifyAffiliateOfLeadEvent(tx, leadId, "rejected");
      return { decision: "reject", outcome: "rejected" };
    },
    { timeout: 20_000, maxWait: 10_000 },
  );
  // The decision may have queued a CRM webhook or an affiliate postback: send them now, not on the next sweep.
  await dispatchLeadDeliveries(leadId);
  if (outcome.outcome === "sold") await checkWalletsAfterLeadSales([leadId]);
  return outcome;
}

async function recordReview(
  tx: Tx,
  review: { adminId: string; adminLabel: string; leadId: string; decision: ReviewDecisionInput["decision"]; reason: string },
) {
  const verb = review.decision === "approve" ? "approved" : "rejected";
  await recordAudit(tx, {
    actorId: review.adminId,
    action: `lead.review.${verb}`,
    targetType: "Lead",
    targetId: review.leadId,
    data: { reason: review.reason },
  });
  await recordLeadEvent(tx, review.leadId, "reviewed", `${verb === "approved" ? "Approved" : "Rejected"} by ${review.adminLabel}: ${review.reason}`, {
    decision: review.decision,
    adminId: review.adminId,
    reason: review.reason,
  });
}
