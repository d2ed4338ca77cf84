import type { Actor } from "~/utils/permissions.server";
import type { partyDisputeFilterOf } from "./conversion-disputes.schema";
import { disputeReasonLabel } from "./dispute-labels";
import { DISPUTE_FLOWS, isOpenStatus } from "./dispute-states";
import { EVIDENCE_FILE_MAX_BYTES } from "./disputes.constants";
import { readFinding } from "./disputes.schema";
import { awaitsAnswerFrom, claimBody, pagePartyDisputes, partyDispute } from "./party-disputes.server";

// What the affiliate's dispute pages show, each read in one call.

const AGREE_MEANS: Record<string, string> = {
  LEAD_RETURN: "Accepting gives the buyer its money back and reverses your earning on the lead.",
  CONVERSION_DISPUTE: "Accepting reverses the conversion (or the refunded part) and your earning on it, even after the lock.",
  CONVERSION_INQUIRY: "",
};

/** The affiliate's page of one dispute on its lead: the claim, the finding, the evidence, and whether it answers or may withdraw. */
export async function affiliateDisputePageView(actor: Actor, disputeId: string) {
  const d = await partyDispute(actor, disputeId);
  const flow = DISPUTE_FLOWS[d.kind];
  return {
    dispute: {
      id: d.id,
      kind: d.kind,
      status: d.status,
      reason: disputeReasonLabel(d.kind, d.reasonCode),
      leadExternalId: d.lead.externalId,
      note: d.note,
      openedByYou: d.openedByRole === "AFFILIATE",
      createdAt: d.createdAt,
      responseDueAt: d.responseDueAt,
      response: d.response,
      responseNote: d.responseNote,
      resolvedBy: d.resolvedBy,
      decisionReason: d.decisionReason,
      decidedAt: d.decidedAt,
      claim: Object.entries(claimBody(d.claim))
        .filter(([, v]) => v !== null && v !== "")
        .map(([k, v]) => [k.replace(/_/g, " "), String(v)] as const),
    },
    finding: readFinding(d.finding),
    evidence: d.evidence,
    answer: awaitsAnswerFrom(actor, d) ? { agree: flow.agree, disagree: flow.disagree, means: AGREE_MEANS[d.kind] } : null,
    canWithdraw: flow.opener === "AFFILIATE" && isOpenStatus(d.status),
    maxFileMb: EVIDENCE_FILE_MAX_BYTES / 1024 / 1024,
  };
}

/** The affiliate's disputes list: one page of the disputes on its leads, each saying whether the answer is its own to give. */
export async function affiliateDisputeListView(actor: Actor, filter: ReturnType<typeof partyDisputeFilterOf>) {
  const { rows, total, page, pageSize } = await pagePartyDisputes(actor, filter);
  return {
    rows: rows.map((d) => ({
      id: d.id,
      kind: d.kind,
      status: d.status,
      reason: disputeReasonLabel(d.kind, d.reasonCode),
      leadExternalId: d.lead.externalId,
      createdAt: d.createdAt,
      responseDueAt: d.responseDueAt,
      yours: awaitsAnswerFrom(actor, d),
    })),
    total,
    page,
    pageSize,
    status: filter.status ?? "",
    kind: filter.kind ?? "",
  };
}
