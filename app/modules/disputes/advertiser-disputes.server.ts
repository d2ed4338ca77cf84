import type { Dispute, Prisma } from "~/generated/prisma/client";
import { affiliatePseudonym } from "~/modules/conversions/conversion-reports.server";
import { toCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors";
import { centsToDecimal } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { evidenceSummarySelect } from "./dispute-evidence.server";
import { DISPUTE_FLOWS, isOpenStatus } from "./dispute-states";
import { disputeReasonLabel } from "./dispute-labels";
import { afterCursor, decodeDisputeCursor, disputeHistoryRows, encodeDisputeCursor } from "./dispute-lists.server";
import { readFinding, type DisputeKindValue } from "./disputes.schema";
import type { ReturnApiQuery, ReturnListFilter } from "./return-list.schema";
import { returnDeadline } from "./return-window";

// What an advertiser reads of its disputes: its returns (list, CSV export, one return), and the
// detail of any dispute it is party to (its returns and conversion disputes, the inquiries
// addressed to it). Every query is scoped to the actor's company: another's is "not found".
// Affiliates appear as the advertiser's stable pseudonym of them, never by name.

export const RETURN_PAGE = 50;
const EXPORT_BATCH = 500;
const EXPORT_MAX_ROWS = 50_000;

const returnSelect = {
  id: true,
  leadId: true,
  status: true,
  reasonCode: true,
  note: true,
  finding: true,
  responseDueAt: true,
  response: true,
  responseNote: true,
  respondedAt: true,
  resolvedBy: true,
  decidedAt: true,
  decisionReason: true,
  atPlatformCost: true,
  createdAt: true,
  offerId: true,
  affiliateId: true,
  sale: { select: { priceCents: true, currency: true, soldAt: true, order: { select: { offer: { select: { title: true, returnWindowDays: true } } } } } },
} satisfies Prisma.DisputeSelect;
type ReturnRecord = Prisma.DisputeGetPayload<{ select: typeof returnSelect }>;

/** Returns are the buyer's: an affiliate (or its key) is refused before anything is read. */
function requireBuyer(actor: Actor): void {
  requirePermission(actor, "read:dispute:own");
  if (actor.role !== "ADVERTISER") throw new ForbiddenError("Returns are asked by the buyer: use an advertiser's key");
}

type OutcomeFields = Pick<
  Dispute,
  "note" | "finding" | "responseDueAt" | "response" | "responseNote" | "respondedAt" | "resolvedBy" | "decidedAt" | "decisionReason" | "atPlatformCost"
>;

/** What a dispute claimed and found, the answer and the decision: the same in a return and in any dispute's page. */
function claimAndOutcome(d: OutcomeFields) {
  return {
    note: d.note,
    finding: readFinding(d.finding),
    responseDueAt: d.responseDueAt,
    response: d.response,
    responseNote: d.responseNote,
    respondedAt: d.respondedAt,
    resolvedBy: d.resolvedBy,
    decidedAt: d.decidedAt,
    decisionReason: d.decisionReason,
    atPlatformCost: d.atPlatformCost,
  };
}

/** One return as the advertiser reads it, in the portal and (as JSON) by API. */
export function returnView(d: ReturnRecord) {
  return {
    id: d.id,
    leadId: d.leadId,
    status: d.status,
    reasonCode: d.reasonCode,
    reasonLabel: disputeReasonLabel("LEAD_RETURN", d.reasonCode),
    ...claimAndOutcome(d),
    createdAt: d.createdAt,
    offerId: d.offerId,
    offerTitle: d.sale.order.offer.title,
    returnDeadline: returnDeadline(d.sale.soldAt, d.sale.order.offer.returnWindowDays),
    priceCents: d.sale.priceCents,
    currency: d.sale.currency,
    /** What came back to the wallet: the lead's price, once approved. */
    creditedCents: d.status === "APPROVED" ? d.sale.priceCents : null,
  };
}
export type ReturnView = ReturnType<typeof returnView>;

/** The JSON of a return (GET and POST /api/v1/returns). */
export function returnApiBody(r: ReturnView) {
  return {
    id: r.id,
    lead_id: r.leadId,
    status: r.status.toLowerCase(),
    reason: r.reasonCode,
    reason_label: r.reasonLabel,
    note: r.note,
    finding: r.finding ? { verdict: r.finding.verdict, summary: r.finding.summary, facts: r.finding.facts } : null,
    response_due_at: r.responseDueAt?.toISOString() ?? null,
    seller_response: r.response ? { response: r.response, note: r.responseNote, at: r.respondedAt?.toISOString() ?? null } : null,
    decision: r.decidedAt
      ? { resolved_by: r.resolvedBy?.toLowerCase() ?? null, reason: r.decisionReason, at: r.decidedAt.toISOString(), at_platform_cost: r.atPlatformCost }
      : null,
    amount_credited: r.creditedCents === null ? null : centsToDecimal(r.creditedCents),
    currency: r.currency,
    created_at: r.createdAt.toISOString(),
  };
}

interface ReturnQuery {
  status?: ReturnListFilter["status"];
  offerId?: string;
  leadId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  cursor?: string;
  limit: number;
}

/** One page of the actor's returns, newest first (the index on advertiserId, createdAt serves it). */
async function findReturns(actor: Actor, query: ReturnQuery) {
  requireBuyer(actor);
  const after = query.cursor ? decodeDisputeCursor(query.cursor) : null;
  const created: Prisma.DateTimeFilter = {};
  if (query.createdFrom) created.gte = query.createdFrom;
  if (query.createdTo) created.lte = query.createdTo;
  const where: Prisma.DisputeWhereInput = {
    advertiserId: actor.companyId,
    kind: "LEAD_RETURN",
    ...(query.status ? { status: query.status } : {}),
    ...(query.offerId ? { offerId: query.offerId } : {}),
    ...(query.leadId ? { leadId: query.leadId } : {}),
    ...(query.createdFrom || query.createdTo ? { createdAt: created } : {}),
    ...afterCursor(after),
  };
  const found = await prisma.dispute.findMany({ where, select: returnSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit + 1 });
  const page = found.slice(0, query.limit);
  return { returns: page.map(returnView), next: found.length > query.limit ? encodeDisputeCursor(page[page.length - 1]) : null };
}

const portalQuery = (filter: ReturnListFilter): Omit<ReturnQuery, "limit"> => ({
  status: filter.status,
  offerId: filter.offerId,
  createdFrom: filter.from ? new Date(`${filter.from}T00:00:00.000Z`) : undefined,
  createdTo: filter.to ? new Date(`${filter.to}T23:59:59.999Z`) : undefined,
  cursor: filter.cursor,
});

/** The portal's returns list: one page with the filters applied. */
export function listAdvertiserReturns(actor: Actor, filter: ReturnListFilter) {
  return findReturns(actor, { ...portalQuery(filter), limit: RETURN_PAGE });
}

/** GET /api/v1/returns. */
export function listAdvertiserReturnsForApi(actor: Actor, query: ReturnApiQuery) {
  return findReturns(actor, { status: query.status, leadId: query.lead_id, createdFrom: query.since, cursor: query.cursor, limit: query.limit });
}

/** One of the actor's returns (404 for anyone else's, and for a dispute that is no return). */
export async function getAdvertiserReturn(actor: Actor, returnId: string): Promise<ReturnView> {
  requireBuyer(actor);
  const found = await prisma.dispute.findFirst({ where: { id: returnId, kind: "LEAD_RETURN", advertiserId: actor.companyId }, select: returnSelect });
  if (!found) throw new NotFoundError("Return");
  return returnView(found);
}

/** The actor's return of a lead it bought, if it asked one (the lead's page shows it). */
export async function returnOfLead(actor: Actor, leadId: string): Promise<ReturnView | null> {
  requirePermission(actor, "read:dispute:own");
  const found = await prisma.dispute.findFirst({ where: { leadId, kind: "LEAD_RETURN", advertiserId: actor.companyId }, select: returnSelect });
  return found ? returnView(found) : null;
}

/** The returns page: one page of the filtered list, the filter, and the offers to filter by. */
export async function advertiserReturnListView(actor: Actor, filter: ReturnListFilter) {
  const [page, offers] = await Promise.all([listAdvertiserReturns(actor, filter), listReturnOffers(actor)]);
  return { ...page, offers, filter };
}

/** The offers the actor returned leads of, for the offer filter. */
export async function listReturnOffers(actor: Actor) {
  requirePermission(actor, "read:dispute:own");
  const orders = await prisma.order.findMany({
    where: { advertiserId: actor.companyId, offer: { pricingModel: "CPL" } },
    select: { offer: { select: { id: true, title: true } } },
    distinct: ["offerId"],
    orderBy: { offerId: "asc" },
    take: 200,
  });
  return orders.map((o) => o.offer).sort((a, b) => a.title.localeCompare(b.title));
}

export const RETURN_EXPORT_COLUMNS = [
  "return_id",
  "lead_id",
  "offer",
  "reason",
  "note",
  "status",
  "asked_at",
  "platform_finding",
  "response_due_at",
  "seller_response",
  "seller_note",
  "resolved_by",
  "decided_at",
  "decision_reason",
  "at_platform_cost",
  "amount_credited",
  "currency",
] as const;

/** The filtered list (every page, newest first) with each decision, as CSV. */
export async function advertiserReturnsCsv(actor: Actor, filter: ReturnListFilter): Promise<string> {
  const rows: unknown[][] = [];
  let cursor: string | undefined;
  do {
    const page = await findReturns(actor, { ...portalQuery(filter), cursor, limit: EXPORT_BATCH });
    for (const r of page.returns) {
      rows.push([
        r.id,
        r.leadId,
        r.offerTitle,
        r.reasonCode,
        r.note,
        r.status.toLowerCase(),
        r.createdAt.toISOString(),
        r.finding?.summary,
        r.responseDueAt?.toISOString(),
        r.response,
        r.responseNote,
        r.resolvedBy?.toLowerCase(),
        r.decidedAt?.toISOString(),
        r.decisionReason,
        r.atPlatformCost ? "yes" : "no",
        r.creditedCents === null ? "" : centsToDecimal(r.creditedCents),
        r.currency,
      ]);
    }
    cursor = page.next && rows.length < EXPORT_MAX_ROWS ? page.next : undefined;
  } while (cursor);
  return toCsv(RETURN_EXPORT_COLUMNS, rows);
}

/** Who did a step of a dispute, as the advertiser may read it. */
function actorWords(actor: Actor, user: { role: string; companyId: string | null } | undefined, pseudonym: string): string {
  if (!user) return "Leadex";
  if (user.role === "ADMIN") return "A Leadex admin";
  if (user.companyId === actor.companyId) return "Your team";
  return pseudonym;
}

/**
 * One dispute the actor is party to, with its evidence, both sides' notes, the decision and its
 * history (the audit rows of the dispute), and what the actor may do now.
 */
export async function getAdvertiserDispute(actor: Actor, disputeId: string) {
  requireBuyer(actor);
  const d = await prisma.dispute.findFirst({
    where: { id: disputeId, advertiserId: actor.companyId },
    include: {
      evidence: { select: evidenceSummarySelect, orderBy: { createdAt: "asc" } },
      sale: { select: { priceCents: true, currency: true, soldAt: true, order: { select: { offer: { select: { title: true } } } } } },
    },
  });
  if (!d) throw new NotFoundError("Dispute");
  const steps = await disputeHistoryRows(d.id);
  const affiliate = affiliatePseudonym(actor.companyId, d.affiliateId);
  const kind = d.kind as DisputeKindValue;
  const flow = DISPUTE_FLOWS[kind];
  const open = isOpenStatus(d.status);
  const youOpened = flow.opener === "ADVERTISER";
  const sideWords = { opener: youOpened ? "You" : affiliate, respondent: youOpened ? affiliate : "You", admin: "Leadex admin" } as Record<string, string>;
  return {
    id: d.id,
    kind,
    status: d.status,
    reasonCode: d.reasonCode,
    reasonLabel: disputeReasonLabel(kind, d.reasonCode),
    leadId: d.leadId,
    conversionId: d.conversionId,
    offerTitle: d.sale.order.offer.title,
    affiliate,
    youOpened,
    openedAt: d.createdAt,
    ...claimAndOutcome(d),
    priceCents: d.sale.priceCents,
    currency: d.sale.currency,
    evidence: d.evidence.map((e) => ({ ...e, by: sideWords[e.side] ?? e.side })),
    history: steps.map((a) => ({
      id: a.id,
      at: a.at,
      step: a.action.replace(/^dispute\./, ""),
      by: actorWords(actor, a.actor ?? undefined, affiliate),
      message: a.message,
    })),
    canWithdraw: youOpened && open,
    canAnswer: flow.respondent === "ADVERTISER" && d.status === "AWAITING_RESPONSE",
    answers: { agree: flow.agree, disagree: flow.disagree },
  };
}
export type AdvertiserDispute = Awaited<ReturnType<typeof getAdvertiserDispute>>;
