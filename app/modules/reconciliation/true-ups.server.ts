import type { Prisma, TrueUpStatus } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { addOutboxMessage, dispatchOutboxMessageSoon } from "~/modules/outbox/outbox.server";
import { TRUE_UP_QUEUE, trueUpJobKey } from "~/queues/true-up.queue.server";
import { MalformedBodyError, PayloadTooLargeError } from "~/utils/api.server";
import { prisma, type Tx } from "~/utils/db.server";
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError, zodFieldErrors } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { centsToDecimal } from "~/utils/money";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { readTrueUpCsv, readTrueUpJsonRows, type ReadTrueUpRow, type TrueUpListRead } from "./true-up-format";
import { APPLIED_ACTIONS, MAX_TRUE_UP_BYTES, trueUpPeriodSchema, trueUpSummaryOf, type TrueUpPeriod, type TrueUpRowFilter } from "./true-up.schema";

// True-ups: an advertiser's own list of its conversions for a period (CSV in the portal, JSON or
// CSV through the API). The list is stored whole with its period, in one transaction with the
// outbox message that has the worker match it (true-up-matching.server.ts); an admin approves
// the proposals (true-up-apply.server.ts). Both sides read the report here.

/** Rows written per INSERT (each column one array parameter). */
const INSERT_CHUNK = 20_000;
/** A 200,000-row list is written in one transaction: give it time. */
const INGEST_TIMEOUT_MS = 180_000;
export const TRUE_UP_PAGE = 50;
const ROWS_PAGE = 50;

export interface TrueUpList {
  period: TrueUpPeriod;
  source: "csv" | "api";
  fileName: string | null;
  rows: ReadTrueUpRow[];
}

function parsePeriod(input: Record<string, unknown>): TrueUpPeriod {
  const parsed = trueUpPeriodSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(zodFieldErrors(parsed.error.issues));
  return parsed.data;
}

function listOrThrow(read: TrueUpListRead, field: string): ReadTrueUpRow[] {
  if (!read.ok) throw new ValidationError({ [field]: read.message }, read.message);
  if (read.rows.length === 0) throw new ValidationError({ [field]: "The list has no conversions" }, "The list has no conversions");
  return read.rows;
}

/** The body as text, refused (413) past the true-up limit before it is all held in memory. */
async function readBoundedBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_TRUE_UP_BYTES) throw new PayloadTooLargeError(MAX_TRUE_UP_BYTES);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TRUE_UP_BYTES) {
      await reader.cancel();
      throw new PayloadTooLargeError(MAX_TRUE_UP_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The API's true-up: a JSON body `{ period_start, period_end, reference?, rows: [...] }`, or a CSV
 * body (text/csv) with the period and reference in the query string.
 */
export async function readTrueUpApiRequest(actor: Actor, request: Request): Promise<TrueUpList> {
  // Refused before the body is read: only an advertiser sends a true-up.
  requirePermission(actor, "write:conversion:own");
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  if (type === "text/csv") {
    const period = parsePeriod(query);
    return { period, source: "api", fileName: null, rows: listOrThrow(readTrueUpCsv(await readBoundedBody(request)), "body") };
  }
  if (type !== "application/json") throw new MalformedBodyError("Send application/json (rows) or text/csv (the period in the query string)");
  let body: unknown;
  try {
    body = JSON.parse(await readBoundedBody(request));
  } catch {
    throw new MalformedBodyError("The body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new MalformedBodyError("The JSON body must be an object with period_start, period_end and rows");
  const record = body as Record<string, unknown>;
  const scalars = Object.fromEntries(["period_start", "period_end", "reference"].map((k) => [k, record[k]]));
  for (const [key, value] of Object.entries(scalars)) {
    if (value !== undefined && typeof value !== "string") throw new ValidationError({ [key]: "Send text, e.g. 2026-11-01" });
    if (typeof value === "string" && whyTextIsUnstorable(value)) throw new ValidationError({ [key]: whyTextIsUnstorable(value)! });
  }
  const period = parsePeriod(scalars);
  if (record.rows === undefined) throw new ValidationError({ rows: "Send rows: your conversions of the period" });
  return { period, source: "api", fileName: null, rows: listOrThrow(readTrueUpJsonRows(record.rows), "rows") };
}

/** The portal's upload form: the period and a CSV file (multipart). */
export async function readTrueUpUploadForm(form: FormData): Promise<TrueUpList> {
  const period = parsePeriod({ period_start: String(form.get("period_start") ?? ""), period_end: String(form.get("period_end") ?? "") });
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) throw new ValidationError({ file: "Choose a CSV file" }, "Choose a CSV file", 400);
  if (file.size > MAX_TRUE_UP_BYTES) {
    throw new ValidationError(
      { file: `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; at most 32 MB are taken at once: split the period` },
      "The file is too large",
      413,
    );
  }
  const fileName = (file.name || "true-up.csv").slice(0, 200);
  return {
    period,
    source: "csv",
    fileName: whyTextIsUnstorable(fileName) ? "true-up.csv" : fileName,
    rows: listOrThrow(readTrueUpCsv(await file.text()), "file"),
  };
}

/**
 * Writes rows in one INSERT … SELECT FROM unnest(…): one array parameter a column, so a chunk is
 * one statement with 12 parameters however many rows it holds (COPY-like; `createMany` binds
 * every value as its own parameter and took half a minute for 100,000 rows). A row that cannot
 * be read is judged now; the others wait for the worker.
 */
async function insertRows(tx: Tx, trueUpId: string, rows: ReadTrueUpRow[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "TrueUpRow" (id, "trueUpId", "rowNumber", "externalId", "leadId", event, "saleAmountCents", currency, "occurredAt", outcome, action, "reasonCode", reason)
     SELECT 'tr' || replace(gen_random_uuid()::text, '-', ''), $1, v.n, v.ext, v.lead, v.event, v.amount, v.currency, v.at::timestamp,
            COALESCE(v.outcome, 'PENDING')::"TrueUpOutcome", COALESCE(v.action, 'none'), v.code, v.reason
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
          AS v(n, ext, lead, event, amount, currency, at, outcome, action, code, reason)`,
    trueUpId,
    rows.map((r) => r.rowNumber),
    rows.map((r) => r.externalId),
    rows.map((r) => r.leadId),
    rows.map((r) => r.event),
    rows.map((r) => r.saleAmountCents),
    rows.map((r) => r.currency),
    // UTC instants as text: the column holds UTC without a zone.
    rows.map((r) => r.occurredAt?.toISOString().replace("Z", "") ?? null),
    rows.map((r) => (r.problem ? "REFUSED" : null)),
    rows.map((r) => (r.problem ? "refuse" : null)),
    rows.map((r) => r.problem?.reasonCode ?? null),
    rows.map((r) => r.problem?.message ?? null),
  );
}

export interface StoredTrueUp {
  id: string;
  created: boolean;
  status: TrueUpStatus;
  totalRows: number;
  unreadableRows: number;
}

/**
 * Stores an advertiser's list and queues its matching. The same `reference` again answers the
 * first true-up (an API retry), or 409 when its period differs.
 */
export async function createTrueUp(actor: Actor, list: TrueUpList): Promise<StoredTrueUp> {
  requirePermission(actor, "write:conversion:own");
  const { period } = list;
  const unreadableRows = list.rows.filter((r) => r.problem).length;
  if (period.reference) {
    const earlier = await prisma.trueUp.findUnique({ where: { advertiserId_reference: { advertiserId: actor.companyId, reference: period.reference } } });
    if (earlier) return sameReference(earlier, period);
  }
  try {
    const { trueUp, message } = await prisma.$transaction(
      async (tx) => {
        const trueUp = await tx.trueUp.create({
          data: {
            advertiserId: actor.companyId,
            periodStart: period.periodStart,
            periodEnd: period.periodEnd,
            reference: period.reference ?? null,
            source: list.source,
            fileName: list.fileName,
            totalRows: list.rows.length,
            uploadedById: actor.userId,
          },
        });
        for (let i = 0; i < list.rows.length; i += INSERT_CHUNK) await insertRows(tx, trueUp.id, list.rows.slice(i, i + INSERT_CHUNK));
        const message = await addOutboxMessage(tx, TRUE_UP_QUEUE, trueUpJobKey(trueUp.id, "reconcile"), { trueUpId: trueUp.id, step: "reconcile" });
        return { trueUp, message };
      },
      { timeout: INGEST_TIMEOUT_MS, maxWait: 10_000 },
    );
    dispatchOutboxMessageSoon(message);
    return { id: trueUp.id, created: true, status: trueUp.status, totalRows: list.rows.length, unreadableRows };
  } catch (error) {
    // Two requests with one reference at once: the unique (advertiser, reference) keeps the first.
    if (period.reference && (error as { code?: string }).code === "P2002") {
      const winner = await prisma.trueUp.findUniqueOrThrow({
        where: { advertiserId_reference: { advertiserId: actor.companyId, reference: period.reference } },
      });
      return sameReference(winner, period);
    }
    throw error;
  }
}

async function sameReference(
  earlier: { id: string; status: TrueUpStatus; totalRows: number; periodStart: Date; periodEnd: Date },
  period: TrueUpPeriod,
): Promise<StoredTrueUp> {
  const fields: Record<string, string> = {};
  if (earlier.periodStart.getTime() !== period.periodStart.getTime()) fields.period_start = "Differs from the true-up sent first with this reference";
  if (earlier.periodEnd.getTime() !== period.periodEnd.getTime()) fields.period_end = "Differs from the true-up sent first with this reference";
  if (Object.keys(fields).length > 0) {
    throw new DomainError(`True-up ${earlier.id} was sent with this reference for another period; use a new reference`, 409, "conflict", fields);
  }
  const unreadableRows = await prisma.trueUpRow.count({ where: { trueUpId: earlier.id, reasonCode: { in: ["invalid_fields", "invalid_amount"] } } });
  return { id: earlier.id, created: false, status: earlier.status, totalRows: earlier.totalRows, unreadableRows };
}

// ---- reading ---------------------------------------------------------------------------------

/** The true-ups the actor may see: an advertiser's own, or (admin) any. */
function scopeOf(actor: Actor): Prisma.TrueUpWhereInput {
  if (actor.role === "ADMIN") {
    requirePermission(actor, "read:conversion:any");
    return {};
  }
  requirePermission(actor, "read:conversion:own");
  if (actor.role !== "ADVERTISER") throw new ForbiddenError("True-ups are an advertiser's");
  return { advertiserId: actor.companyId };
}

const trueUpListSelect = {
  id: true,
  advertiserId: true,
  periodStart: true,
  periodEnd: true,
  status: true,
  source: true,
  fileName: true,
  reference: true,
  totalRows: true,
  summary: true,
  error: true,
  createdAt: true,
  reconciledAt: true,
  approvedAt: true,
  appliedAt: true,
  advertiser: { select: { name: true } },
} satisfies Prisma.TrueUpSelect;

function withSummary<T extends { summary: unknown }>(trueUp: T) {
  const { summary, ...rest } = trueUp;
  return { ...rest, summary: trueUpSummaryOf(summary) };
}

/** One page of true-ups, newest first: the advertiser's own, or (admin) any, optionally by status. */
export async function listTrueUps(actor: Actor, opts: { page?: number; status?: TrueUpStatus } = {}) {
  const where = { ...scopeOf(actor), ...(opts.status ? { status: opts.status } : {}) };
  const page = Math.max(1, opts.page ?? 1);
  const [total, trueUps] = await Promise.all([
    prisma.trueUp.count({ where }),
    prisma.trueUp.findMany({ where, orderBy: { createdAt: "desc" }, skip: (page - 1) * TRUE_UP_PAGE, take: TRUE_UP_PAGE, select: trueUpListSelect }),
  ]);
  return { total, page, pageSize: TRUE_UP_PAGE, trueUps: trueUps.map(withSummary) };
}

function rowWhere(trueUpId: string, filter: TrueUpRowFilter): Prisma.TrueUpRowWhereInput {
  if (filter.outcome === "PROPOSED") return { trueUpId, action: { in: [...APPLIED_ACTIONS] } };
  if (filter.outcome === "DISPUTED") return { trueUpId, action: "dispute" };
  return filter.outcome ? { trueUpId, outcome: filter.outcome } : { trueUpId };
}

/** A true-up with its report and one page of its rows (list order; Leadex-only rows last). */
export async function getTrueUpReport(actor: Actor, trueUpId: string, filter: TrueUpRowFilter = {}) {
  const trueUp = await prisma.trueUp.findFirst({ where: { id: trueUpId, ...scopeOf(actor) }, select: trueUpListSelect });
  if (!trueUp) throw new NotFoundError("True-up");
  const where = rowWhere(trueUpId, filter);
  const page = Math.max(1, filter.page ?? 1);
  const [total, rows, waiting] = await Promise.all([
    prisma.trueUpRow.count({ where }),
    prisma.trueUpRow.findMany({
      where,
      orderBy: [{ rowNumber: { sort: "asc", nulls: "last" } }, { externalId: "asc" }],
      skip: (page - 1) * ROWS_PAGE,
      take: ROWS_PAGE,
    }),
    prisma.trueUpRow.count({ where: { trueUpId, action: { in: [...APPLIED_ACTIONS] }, appliedAt: null } }),
  ]);
  return { trueUp: withSummary(trueUp), rows, total, page, pageSize: ROWS_PAGE, proposalsWaiting: waiting };
}

// ---- approval --------------------------------------------------------------------------------

export type ApprovalResult = { approved: true; proposals: number } | { approved: false; approvedAt: Date };

/**
 * An admin approves a reconciled true-up's proposals: the true-up is marked approved (audited) and
 * a job applies each proposal through the ledger with its own key. Approving again changes nothing.
 */
export async function approveTrueUp(actor: Actor, trueUpId: string, now: Date = new Date()): Promise<ApprovalResult> {
  requirePermission(actor, "write:conversion:any");
  const { result, message } = await prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "TrueUp" WHERE id = ${trueUpId} FOR UPDATE`;
    if (locked.length === 0) throw new NotFoundError("True-up");
    const trueUp = await tx.trueUp.findUniqueOrThrow({ where: { id: trueUpId } });
    if (trueUp.status === "APPROVED") return { result: { approved: false, approvedAt: trueUp.approvedAt ?? now } as const, message: null };
    if (trueUp.status !== "RECONCILED") {
      throw new ConflictError(
        trueUp.error
          ? `True-up ${trueUpId} could not be matched yet (${trueUp.error}); the worker tries again`
          : `True-up ${trueUpId} is still being matched: approve it once its report is there`,
      );
    }
    const proposals = await tx.trueUpRow.count({ where: { trueUpId, action: { in: [...APPLIED_ACTIONS] }, appliedAt: null } });
    await tx.trueUp.update({
      where: { id: trueUpId },
      data: { status: "APPROVED", approvedAt: now, approvedById: actor.userId, appliedAt: proposals === 0 ? now : null },
    });
    const summary = trueUpSummaryOf(trueUp.summary);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: "true-up.approved",
      targetType: "true_up",
      targetId: trueUpId,
      data: { advertiserId: trueUp.advertiserId, proposals, proposedPayoutDeltaCents: summary?.proposedPayoutDeltaCents ?? 0 },
    });
    const message = proposals > 0 ? await addOutboxMessage(tx, TRUE_UP_QUEUE, trueUpJobKey(trueUpId, "apply"), { trueUpId, step: "apply" }) : null;
    return { result: { approved: true, proposals } as const, message };
  });
  if (message) dispatchOutboxMessageSoon(message);
  return result;
}

// ---- the API's answers -----------------------------------------------------------------------

const decimal = centsToDecimal;

/** The API's answer to a stored list. */
export function trueUpStoredBody(stored: StoredTrueUp, period: TrueUpPeriod): Record<string, unknown> {
  return {
    true_up_id: stored.id,
    status: stored.status.toLowerCase(),
    period_start: period.periodStart.toISOString(),
    period_end: period.periodEnd.toISOString(),
    rows: stored.totalRows,
    unreadable_rows: stored.unreadableRows,
    duplicate_request: !stored.created,
    report_url: `/api/v1/conversions/true-ups/${stored.id}`,
  };
}

/** The API's view of a true-up's report: the summary in the API's decimals and one page of rows. */
export function trueUpReportBody(report: Awaited<ReturnType<typeof getTrueUpReport>>): Record<string, unknown> {
  const { trueUp, rows, total, page, pageSize } = report;
  const s = trueUp.summary;
  const pair = (p: { count: number; cents: number }) => ({ count: p.count, payout_delta: decimal(p.cents) });
  return {
    true_up_id: trueUp.id,
    status: trueUp.status.toLowerCase(),
    reference: trueUp.reference,
    period_start: trueUp.periodStart.toISOString(),
    period_end: trueUp.periodEnd.toISOString(),
    created_at: trueUp.createdAt.toISOString(),
    reconciled_at: trueUp.reconciledAt?.toISOString() ?? null,
    approved_at: trueUp.approvedAt?.toISOString() ?? null,
    applied_at: trueUp.appliedAt?.toISOString() ?? null,
    error: trueUp.error,
    summary: s
      ? {
          currency: s.currency.toUpperCase(),
          list_rows: s.listRows,
          leadex_conversions: s.leadexConversions,
          matched: s.matched,
          amount_differs: s.amountDiffers,
          only_advertiser: s.onlyAdvertiser,
          only_leadex: s.onlyLeadex,
          refused_rows: s.refusedRows,
          not_recordable: s.notRecordable,
          leadex_payout: decimal(s.leadexPayoutCents),
          proposed: { record: pair(s.proposed.record), adjust: pair(s.proposed.adjust), reverse: pair(s.proposed.reverse) },
          proposed_payout_delta: decimal(s.proposedPayoutDeltaCents),
          disputes: pair(s.disputes),
        }
      : null,
    rows: rows.map((r) => ({
      row: r.rowNumber,
      conversion_id: r.externalId,
      lead_id: r.leadId,
      outcome: r.outcome.toLowerCase(),
      action: r.action,
      payout_delta: decimal(r.payoutDeltaCents),
      reason_code: r.reasonCode,
      reason: r.reason,
      result: r.result,
      result_message: r.resultMessage,
    })),
    page,
    next_page: page * pageSize < total ? page + 1 : null,
    total_rows: total,
  };
}
