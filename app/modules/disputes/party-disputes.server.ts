import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { centsToDecimal } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import type { PartyDisputeFilter } from "./conversion-disputes.schema";
import { evidenceSummarySelect } from "./dispute-evidence.server";
import { DISPUTE_FLOWS } from "./dispute-states";
import { disputeReasonLabel } from "./dispute-labels";
import { afterCursor, decodeDisputeCursor, encodeDisputeCursor, type DisputeCursor } from "./dispute-lists.server";
import { readFinding, type DisputeKindValue } from "./disputes.schema";

// The disputes a party (advertiser or affiliate) sees: the ones on its leads, whichever side
// opened them. Scoped by the party in the query, so anyone else's id reads as not found. Lists by
// cursor (API) or by page (portal, the ones awaiting an answer first, soonest deadline first).

export const PARTY_DISPUTE_PAGE = 25;

function partyScope(actor: Actor): Prisma.DisputeWhereInput {
  requirePermission(actor, "read:dispute:own");
  if (actor.role === "ADVERTISER") return { advertiserId: actor.companyId };
  if (actor.role === "AFFILIATE") return { affiliateId: actor.companyId };
  return { id: "" };
}

function filterWhere(actor: Actor, filter: PartyDisputeFilter): Prisma.DisputeWhereInput {
  return { ...partyScope(actor), ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}) };
}

const listSelect = {
  id: true,
  kind: true,
  status: true,
  reasonCode: true,
  leadId: true,
  conversionId: true,
  claim: true,
  createdAt: true,
  responseDueAt: true,
  response: true,
  resolvedBy: true,
  lead: { select: { externalId: true } },
} as const;

export type PartyDisputeRow = Prisma.DisputeGetPayload<{ select: typeof listSelect }>;

/** Whether this party is the one to answer the dispute now. */
export function awaitsAnswerFrom(actor: Actor, dispute: { kind: DisputeKindValue; status: string }): boolean {
  return dispute.status === "AWAITING_RESPONSE" && DISPUTE_FLOWS[dispute.kind].respondent === actor.role;
}

function decodeCursor(cursor: string): DisputeCursor {
  const after = decodeDisputeCursor(cursor);
  if (!after) throw new ValidationError({ cursor: "Not a cursor this list gave" });
  return after;
}

/** A page of the party's disputes, newest first, by cursor (the API). */
export async function listPartyDisputes(actor: Actor, filter: PartyDisputeFilter, limit = 50): Promise<{ rows: PartyDisputeRow[]; nextCursor: string | null }> {
  const after = filter.cursor ? decodeCursor(filter.cursor) : null;
  const rows = await prisma.dispute.findMany({
    where: { ...filterWhere(actor, filter), ...afterCursor(after) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: listSelect,
  });
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeDisputeCursor(page[page.length - 1]) : null };
}

/** A page of the party's disputes for the portal: those awaiting an answer first (soonest deadline first), then newest. */
export async function pagePartyDisputes(actor: Actor, filter: PartyDisputeFilter) {
  const where = filterWhere(actor, filter);
  const [total, rows] = await Promise.all([
    prisma.dispute.count({ where }),
    prisma.dispute.findMany({
      where,
      orderBy: [{ responseDueAt: { sort: "asc", nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }],
      skip: (filter.page - 1) * PARTY_DISPUTE_PAGE,
      take: PARTY_DISPUTE_PAGE,
      select: listSelect,
    }),
  ]);
  return { total, rows, page: filter.page, pageSize: PARTY_DISPUTE_PAGE };
}

/** How many disputes wait for this party's answer (the nav's count). */
export async function countAwaitingAnswer(actor: Actor): Promise<number> {
  const kinds = (Object.keys(DISPUTE_FLOWS) as DisputeKindValue[]).filter((kind) => DISPUTE_FLOWS[kind].respondent === actor.role);
  return prisma.dispute.count({ where: { ...partyScope(actor), status: "AWAITING_RESPONSE", kind: { in: kinds } } });
}

/** One dispute with its evidence (no bytes), for one of its two parties; 404 for anyone else. */
export async function partyDispute(actor: Actor, disputeId: string) {
  const dispute = await prisma.dispute.findFirst({
    where: { id: disputeId, ...partyScope(actor) },
    include: {
      lead: { select: { externalId: true } },
      evidence: { select: evidenceSummarySelect, orderBy: { createdAt: "asc" } },
    },
  });
  if (!dispute) throw new NotFoundError("Dispute");
  return dispute;
}
export type PartyDispute = Awaited<ReturnType<typeof partyDispute>>;

/** A claim as the API shows it: amounts in decimal units (`sale_amount_cents` → `sale_amount`). */
export function claimBody(claim: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((claim ?? {}) as Record<string, unknown>)) {
    if (key.endsWith("_cents")) body[key.slice(0, -"_cents".length)] = typeof value === "number" ? centsToDecimal(value) : null;
    else body[key] = value;
  }
  return body;
}

/** One row of a list, as the API answers it. */
export function disputeRowBody(actor: Actor, row: PartyDisputeRow) {
  return {
    dispute_id: row.id,
    kind: row.kind.toLowerCase(),
    status: row.status.toLowerCase(),
    reason_code: row.reasonCode,
    reason: disputeReasonLabel(row.kind, row.reasonCode),
    lead_id: row.leadId,
    ...(actor.role === "AFFILIATE" ? { affiliate_lead_id: row.lead.externalId } : {}),
    conversion_id: row.conversionId,
    claim: claimBody(row.claim),
    created_at: row.createdAt.toISOString(),
    response_due_at: row.responseDueAt?.toISOString() ?? null,
    awaiting_your_answer: awaitsAnswerFrom(actor, row),
  };
}

/** One dispute in full, as the API answers it: what was claimed and found, the answer, the decision, the evidence. */
export function disputeBody(actor: Actor, dispute: PartyDispute) {
  const flow = DISPUTE_FLOWS[dispute.kind];
  return {
    ...disputeRowBody(actor, dispute),
    opened_by: dispute.openedByRole === "ADMIN" ? "admin" : dispute.openedByRole === "ADVERTISER" ? "buyer" : "seller",
    note: dispute.note,
    finding: readFinding(dispute.finding),
    answers: awaitsAnswerFrom(actor, dispute) ? [flow.agree, flow.disagree] : [],
    response: dispute.response ? { answer: dispute.response, note: dispute.responseNote, responded_at: dispute.respondedAt?.toISOString() ?? null } : null,
    decision: dispute.resolvedBy
      ? { resolved_by: dispute.resolvedBy.toLowerCase(), reason: dispute.decisionReason, decided_at: dispute.decidedAt?.toISOString() ?? null }
      : null,
    evidence: dispute.evidence.map((e) => ({
      evidence_id: e.id,
      side: e.side,
      text: e.text,
      url: e.url,
      file_name: e.fileName,
      content_type: e.contentType,
      size_bytes: e.sizeBytes,
      download_url: e.fileName ? `/disputes/${dispute.id}/evidence/${e.id}` : null,
      added_at: e.createdAt.toISOString(),
    })),
  };
}

/** One of the party's disputes read back as the API answers it (after opening, answering, withdrawing it, or a GET). */
export async function partyDisputeBody(actor: Actor, disputeId: string) {
  return disputeBody(actor, await partyDispute(actor, disputeId));
}
