import { parseCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { isDomainError, toErrorResponse, ValidationError } from "~/utils/errors";
import { formatMoney } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { formFailure, formFailureFrom } from "~/utils/route-errors.server";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { DisputeRefusedError, refusalWords } from "./dispute-errors";
import { chosenEvidenceFile } from "./dispute-forms.server";
import { readFinding } from "./disputes.schema";
import { openReturn, type OpenedReturn } from "./lead-returns.server";
import { MAX_RETURNS_AT_ONCE, RETURN_CSV_COLUMNS, type ReturnAttempt } from "./return-list.schema";

// The ways an advertiser asks returns: one (API, the lead's page), a list (the API's bulk body, the
// leads list's selection) and a CSV upload. Each item goes through openReturn on its own: one
// refused item (window closed, already returned) does not stop the others, and says why.

/** A bulk API body: up to 500 returns with notes and evidence text. */
export const MAX_RETURNS_BODY_BYTES = 4 * 1024 * 1024;
/** The largest returns CSV upload. */
export const MAX_RETURN_CSV_BYTES = 1024 * 1024;

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** What happened to a return just asked, in words: approved at once with the proof, or sent to the seller. */
export async function describeOpenedReturn({ dispute, outcome }: OpenedReturn): Promise<string> {
  const finding = readFinding(dispute.finding);
  if (outcome === "approved") {
    const sale = await prisma.leadSale.findUniqueOrThrow({ where: { id: dispute.saleId }, select: { priceCents: true, currency: true } });
    return `Approved at once by the platform's evidence: ${finding?.summary ?? dispute.decisionReason ?? "proven"}. ${formatMoney(sale.priceCents, sale.currency)} is back in your wallet.`;
  }
  const due = dispute.responseDueAt ? ` The seller has until ${when(dispute.responseDueAt)} to accept or contest; with no answer by then it is approved.` : "";
  return `Sent to the seller. What the platform found: ${finding?.summary ?? "nothing it could prove by itself"}.${due}`;
}

/** Asks each return in turn; each item's result (created, or refused with its code and words). */
export async function openReturns(actor: Actor, items: ReadonlyArray<{ index: number; record: Record<string, unknown> }>): Promise<ReturnAttempt[]> {
  requirePermission(actor, "write:dispute:own");
  if (actor.role !== "ADVERTISER") throw new DisputeRefusedError("forbidden", 403, "Only the buyer of a lead may return it");
  if (items.length > MAX_RETURNS_AT_ONCE) {
    throw new ValidationError({ returns: `At most ${MAX_RETURNS_AT_ONCE} returns at once (${items.length} sent): split the list` });
  }
  const attempts: ReturnAttempt[] = [];
  for (const { index, record } of items) {
    const leadId = typeof record.lead_id === "string" ? record.lead_id.trim() : "";
    try {
      const opened = await openReturn(actor, record);
      attempts.push({ index, leadId, result: "created", code: opened.outcome, message: await describeOpenedReturn(opened), returnId: opened.dispute.id });
    } catch (error) {
      if (!isDomainError(error) || error.status === 403) throw error;
      const existing = error instanceof DisputeRefusedError ? (error.existingId ?? null) : null;
      attempts.push({ index, leadId, result: "refused", code: error.code, message: refusalWords(error), returnId: existing });
    }
  }
  return attempts;
}

/** A bulk API body's items, or null when the body is one return. */
export function bulkItemsOf(body: Record<string, unknown>): Array<{ index: number; record: Record<string, unknown> }> | null {
  if (!("returns" in body)) return null;
  const list = body.returns;
  if (!Array.isArray(list) || list.length === 0)
    throw new ValidationError({ returns: "Send a list of returns, each {lead_id, reason, note?, evidence_text?, evidence_url?}" });
  if (list.length > MAX_RETURNS_AT_ONCE)
    throw new ValidationError({ returns: `At most ${MAX_RETURNS_AT_ONCE} returns at once (${list.length} sent): split the list` });
  return list.map((item, index) => ({ index, record: item && typeof item === "object" && !Array.isArray(item) ? (item as Record<string, unknown>) : {} }));
}

/** The API's answer to a refused return: the usual error envelope, and the return it collides with. */
export function returnRefusalResponse(error: unknown): Response {
  if (error instanceof DisputeRefusedError && error.existingId) {
    return Response.json(
      { error: { code: error.code, message: error.message, fields: error.fieldErrors, existing_return_id: error.existingId } },
      { status: error.status },
    );
  }
  return toErrorResponse(error);
}

/** The portal's return form (multipart) as openReturn reads it: the text fields and the evidence file, if one was chosen. */
export async function returnFormRecord(form: FormData): Promise<Record<string, unknown>> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const chosen = chosenEvidenceFile(form);
  return {
    lead_id: text("lead_id"),
    reason: text("reason"),
    note: text("note"),
    evidence_text: text("evidence_text"),
    evidence_url: text("evidence_url"),
    ...(chosen ? { evidence_file: { name: chosen.name, contentType: chosen.type, bytes: new Uint8Array(await chosen.arrayBuffer()) } } : {}),
  };
}

/** A refusal of the portal's form: the evidence file's own problems (its type, its size) name the file field. */
export function onFormFields(error: unknown): unknown {
  if (!(error instanceof ValidationError) || !error.fieldErrors) return error;
  const fields = Object.fromEntries(
    Object.entries(error.fieldErrors).map(([key, message]) => [key.startsWith("evidence_file") ? "evidence_file" : key, message]),
  );
  return new ValidationError(fields, error.message, error.status);
}

export type ReturnCsvRead = { ok: true; items: Array<{ index: number; record: Record<string, unknown> }> } | { ok: false; message: string };

/** A returns CSV (a header naming lead_id and reason, optionally note and evidence_url), each row an item numbered as in the file. */
export function readReturnCsv(text: string): ReturnCsvRead {
  const parsed = parseCsv(text.replace(/^\uFEFF/, ""));
  if (parsed.error) return { ok: false, message: `Row ${parsed.error.row}: ${parsed.error.message}` };
  const [header, ...rows] = parsed.rows;
  const columns = (header ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
  const missing = ["lead_id", "reason"].filter((c) => !columns.includes(c));
  if (missing.length > 0)
    return { ok: false, message: `The first row must name the columns: ${RETURN_CSV_COLUMNS.join(", ")} (missing ${missing.join(", ")})` };
  const items = rows
    .map((cells, i) => ({ index: i + 2, cells }))
    .filter(({ cells }) => cells.some((c) => c.trim() !== ""))
    .map(({ index, cells }) => {
      const record: Record<string, unknown> = {};
      columns.forEach((column, i) => {
        if ((RETURN_CSV_COLUMNS as readonly string[]).includes(column) && cells[i] !== undefined) record[column] = cells[i];
      });
      return { index, record };
    });
  if (items.length === 0) return { ok: false, message: "The file has no rows after the header" };
  if (items.length > MAX_RETURNS_AT_ONCE) return { ok: false, message: `At most ${MAX_RETURNS_AT_ONCE} rows at once (${items.length} in the file): split it` };
  const unstorable = items.find(({ record }) => Object.values(record).some((v) => typeof v === "string" && whyTextIsUnstorable(v)));
  if (unstorable) return { ok: false, message: `Row ${unstorable.index}: contains a NUL or control character or broken Unicode` };
  return { ok: true, items };
}

/** The upload form's CSV file, read. */
export async function readReturnCsvUpload(form: FormData): Promise<ReturnCsvRead> {
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) throw new ValidationError({ file: "Choose a CSV file" }, "Choose a CSV file", 400);
  if (file.size > MAX_RETURN_CSV_BYTES) throw new ValidationError({ file: `At most ${MAX_RETURN_CSV_BYTES / 1024 / 1024} MB` }, "The file is too large", 413);
  return readReturnCsv(new TextDecoder("utf-8").decode(await file.arrayBuffer()));
}

/**
 * The portal's answer to a refused return form: the refusal in words above the form (a reason
 * that is no return reason next to its field); the evidence file's problems next to the file.
 */
export function returnFormFailure(error: unknown, values?: Record<string, string>) {
  if (error instanceof DisputeRefusedError && error.status !== 403 && error.status !== 404) {
    const reason = error.fieldErrors?.reason;
    return formFailure(reason ? { reason } : {}, reason ? undefined : error.message, error.status, values);
  }
  return formFailureFrom(onFormFields(error), values);
}
