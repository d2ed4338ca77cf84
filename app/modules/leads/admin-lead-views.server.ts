import { listLeadConversions } from "~/modules/conversions/lead-conversions.server";
import { listLeadDisputesForAdmin } from "~/modules/disputes/admin-disputes.server";
import { readCheckResults, readScoreReasons } from "~/modules/quality/review.schema";
import { getReviewThresholds } from "~/modules/quality/review.server";
import { formatMoney } from "~/utils/money";
import type { Actor } from "~/utils/permissions.server";
import type { AdminLeadFilter } from "./admin-lead-list.schema";
import { advertisersOfOrders, getLeadWithTimeline, listAllLeads, listLeadFilterChoices } from "./lead-queries.server";
import { orderIdsInTimeline } from "./lead-timeline.constants";

// What the admin's lead pages show. The list: one page of leads with the filter's choices. The lead page shows, read in one call: the lead as verified (or as posted), its
// checks and score, sales, timeline with the orders it names, conversions and disputes.

function asStringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v == null ? "" : String(v)]));
}

/** The admin's page of one lead; `query.returned` names the return the admin just opened (its page notice needs the dispute). */
export async function adminLeadPageView(actor: Actor, leadId: string, query: { returned: string | null }) {
  const lead = await getLeadWithTimeline(actor, leadId);
  return {
    lead: {
      id: lead.id,
      externalId: lead.externalId,
      status: lead.status,
      reasons: lead.reasons,
      receivedAt: lead.receivedAt,
      processedAt: lead.processedAt,
      offer: lead.offer,
      affiliateName: lead.affiliate.name,
      // Normalised fields once verified; as posted until then.
      fields: asStringRecord(lead.fields ?? lead.rawFields),
      subIds: asStringRecord(lead.subIds),
      ipAddress: lead.ipAddress,
      qualityScore: lead.qualityScore,
      temperature: lead.temperature,
      checks: readCheckResults(lead.checks),
      scoreReasons: readScoreReasons(lead.scoreReasons),
    },
    // Held leads are decided here: the thresholds the score was held against.
    thresholds: lead.status === "HELD" ? await getReviewThresholds(actor, lead.offer.id) : null,
    sales: lead.sales.map((s) => ({
      id: s.id,
      advertiserName: s.advertiser.name,
      pricingModel: s.pricingModel,
      orderId: s.orderId,
      priceCents: s.priceCents,
      feeCents: s.feeCents,
      currency: s.currency,
      soldAt: s.soldAt,
    })),
    events: lead.events.map((e) => ({ id: e.id, type: e.type, message: e.message, createdAt: e.createdAt, data: e.data })),
    timelineOrders: await advertisersOfOrders(actor, orderIdsInTimeline(lead.events)),
    conversions: (await listLeadConversions(actor, lead.id)).map((c) => ({
      id: c.id,
      externalId: c.externalId,
      advertiserName: c.advertiser.name,
      what: c.kind === "ACTION" ? `Action: ${c.event}` : `Sale of ${formatMoney(c.saleAmountCents ?? 0, c.currency)}`,
      payoutCents: c.payoutCents - c.reversedPayoutCents,
      currency: c.currency,
      status: c.status,
      reason: c.reason,
      occurredAt: c.occurredAt,
      lockAt: c.lockAt,
      corrections: c.adjustments.length,
    })),
    disputes: await listLeadDisputesForAdmin(actor, lead.id),
    returned: query.returned,
  };
}

/** The admin's leads list: one page under `filter`, and the offers and affiliates to filter by. */
export async function adminLeadListView(actor: Actor, filter: AdminLeadFilter) {
  const [page, choices] = await Promise.all([listAllLeads(actor, filter), listLeadFilterChoices(actor)]);
  return {
    filter,
    choices,
    nextCursor: page.nextCursor,
    leads: page.rows.map((l) => ({
      id: l.id,
      externalId: l.externalId,
      receivedAt: l.receivedAt,
      offerTitle: l.offer.title,
      affiliateName: l.affiliate.name,
      status: l.status,
      reasons: l.reasons,
      qualityScore: l.qualityScore,
      temperature: l.temperature,
      salesCount: l._count.sales,
    })),
  };
}
