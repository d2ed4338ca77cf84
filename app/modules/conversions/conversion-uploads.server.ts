import type { ConversionUploadStatus, Prisma } from "~/generated/prisma/client";
import { toCsv } from "~/modules/deliveries/csv";
import { dispatchLeadDeliveries } from "~/modules/deliveries/outbound.server";
import { newRowId } from "~/modules/leads/lead-store.server";
import { dispatchOutboxMessageSoon, markOutboxProcessed } from "~/modules/outbox/outbox.server";
import { CONVERSION_UPLOAD_QUEUE, conversionUploadKey } from "~/queues/conversion-upload.queue.server";
import { prisma } from "~/utils/db.server";
import { isDomainError, NotFoundError, ValidationError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { readForm } from "~/utils/route-errors.server";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { reportConversion, type ConversionAnswer } from "./conversion-intake.server";
import { CONVERSION_CSV_COLUMNS, MAX_UPLOAD_BYTES, readConversionCsv, type ConversionCsvRow } from "./conversion-upload-format";

// CSV uploads of conversions: the file is read and every row checked when it arrives (refused
// rows are recorded with their reason and never posted); a worker then posts the good rows one
// by one through `reportConversion` (source CSV), so a row is answered exactly as the API would
// answer it, idempotent on the conversion id. The page shows the progress; the report lists
// every row with its outcome and reason.

export type UploadRowOutcome = "pending" | "accepted" | "refused";

/** Rows written per INSERT when an upload is recorded. */
const ROWS_PER_INSERT = 2000;

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** How many rows are posted between two progress updates. */
const PROGRESS_EVERY = 25;

/** An oversized upload up to this size is read to its end (and dropped) before the answer. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

async function discardBody(request: Request): Promise<void> {
  const reader = request.body?.getReader();
  if (!reader) return;
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}

function tooLarge(bytes: number): ValidationError {
  const size = `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return new ValidationError({ file: `The file is ${size}; at most 2 MB are taken at once: split it into several files` }, "The file is too large", 413);
}

export interface UploadedFile {
  fileName: string;
  text: string;
}

/** Room for the multipart envelope around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * The file of the upload form, refused by name when missing, empty or too large. The body's
 * declared length is checked before it is read, so an oversized upload is never held in memory.
 */
export async function readConversionUploadForm(request: Request): Promise<UploadedFile> {
  const declared = request.headers.get("content-length");
  if (declared === null) throw new ValidationError({ file: "Send the form with its length (Content-Length)" }, "Content-Length required", 411);
  if (Number(declared) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES) {
    // Read and drop what is sent (never kept): a browser shows the answer only once it has sent it all.
    if (Number(declared) <= MAX_DISCARDED_BYTES) await discardBody(request);
    throw tooLarge(Number(declared));
  }
  const form = await readForm(request);
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) throw new ValidationError({ file: "Choose a CSV file" }, "Choose a CSV file", 400);
  if (file.size > MAX_UPLOAD_BYTES) throw tooLarge(file.size);
  const fileName = (file.name || "conversions.csv").slice(0, 200);
  return { fileName: whyTextIsUnstorable(fileName) ? "conversions.csv" : fileName, text: await file.text() };
}

/**
 * Checks every row of the file and records the upload: refused rows with their reason, the others
 * pending for the worker (queued through the outbox in the same transaction). A file that cannot
 * be read as a whole is refused (422 naming `file`) and nothing is recorded.
 */
export async function startConversionUpload(actor: Actor, file: UploadedFile) {
  requirePermission(actor, "write:conversion:own");
  const read = readConversionCsv(file.text);
  if (!read.ok) throw new ValidationError({ file: read.message }, read.message);
  const refused = read.rows.filter((r) => r.problem !== null).length;
  const toPost = read.rows.length - refused;
  const uploadId = newRowId();
  const outboxKey = conversionUploadKey(uploadId);
  const rowData = read.rows.map((r: ConversionCsvRow) => ({
    uploadId,
    rowNumber: r.rowNumber,
    input: r.input,
    outcome: r.problem ? "refused" : "pending",
    reasonCode: r.problem?.reasonCode ?? null,
    message: r.problem?.message ?? null,
  }));
  // One transaction of plain statements (no interactive transaction's time limit for 10,000 rows):
  // the upload, its rows, and the worker's outbox message commit together.
  const writes: Prisma.PrismaPromise<unknown>[] = [
    prisma.conversionUpload.create({
      data: {
        id: uploadId,
        advertiserId: actor.companyId,
        fileName: file.fileName,
        status: toPost > 0 ? "POSTING" : "DONE",
        totalRows: read.rows.length,
        processedRows: refused,
        refusedRows: refused,
        finishedAt: toPost > 0 ? null : new Date(),
      },
    }),
    ...chunked(rowData, ROWS_PER_INSERT).map((data) => prisma.conversionUploadRow.createMany({ data })),
  ];
  if (toPost > 0) writes.push(prisma.outboxMessage.create({ data: { queue: CONVERSION_UPLOAD_QUEUE, key: outboxKey, payload: { uploadId } } }));
  await prisma.$transaction(writes);
  const message = toPost > 0 ? await prisma.outboxMessage.findUnique({ where: { queue_key: { queue: CONVERSION_UPLOAD_QUEUE, key: outboxKey } } }) : null;
  if (message) dispatchOutboxMessageSoon(message);
  return { uploadId, totalRows: read.rows.length, refusedRows: refused, toPost };
}

/** The row's answer in words, for the report. */
function acceptedMessage(type: string, answer: ConversionAnswer): string {
  const body = answer.body;
  const duplicate = body.duplicate_request === true;
  if (type === "reversal") {
    if (body.status === "reversal_pending") return "Reversal kept: it applies when the conversion arrives";
    return duplicate ? "Reversal already applied: nothing changed" : `Reversal applied: payout now ${String(body.payout)}`;
  }
  if (type === "amount_change") return duplicate ? "Same amount as before: nothing changed" : `Amount changed: payout now ${String(body.payout)}`;
  return duplicate
    ? "Already recorded with this conversion id: nothing changed"
    : `Recorded: payout ${String(body.payout)} ${String(body.currency).toUpperCase()}`;
}

function refusalMessage(error: { message: string; fieldErrors?: Record<string, string> }): string {
  const fields = Object.entries(error.fieldErrors ?? {}).map(([f, m]) => `${f}: ${m}`);
  if (fields.length === 0) return error.message;
  return error.message === "Some fields are invalid" ? fields.join("; ") : `${error.message} (${fields.join("; ")})`;
}

async function refreshCounts(uploadId: string, finished: boolean) {
  const counts = await prisma.conversionUploadRow.groupBy({ by: ["outcome"], where: { uploadId }, _count: { _all: true } });
  const count = (outcome: UploadRowOutcome) => counts.find((c) => c.outcome === outcome)?._count._all ?? 0;
  const accepted = count("accepted");
  const refused = count("refused");
  const status: ConversionUploadStatus | undefined = finished ? "DONE" : undefined;
  await prisma.conversionUpload.update({
    where: { id: uploadId },
    data: { acceptedRows: accepted, refusedRows: refused, processedRows: accepted + refused, ...(status ? { status, finishedAt: new Date() } : {}) },
  });
}

/**
 * The worker: posts the upload's pending rows in file order, each through `reportConversion` as
 * the advertiser. Safe to run again (a retried job): decided rows are skipped, and a row posted
 * before a crash is answered as the same report again.
 */
export async function postConversionUpload(uploadId: string): Promise<{ accepted: number; refused: number } | null> {
  const upload = await prisma.conversionUpload.findUnique({ where: { id: uploadId } });
  if (!upload) return null;
  if (upload.status === "DONE" || upload.status === "FAILED") {
    await markOutboxProcessed(prisma, CONVERSION_UPLOAD_QUEUE, conversionUploadKey(uploadId));
    return { accepted: upload.acceptedRows, refused: upload.refusedRows };
  }
  const actor: Actor = { userId: null, companyId: upload.advertiserId, role: "ADVERTISER" };
  let afterRow = 0;
  for (;;) {
    const batch = await prisma.conversionUploadRow.findMany({
      where: { uploadId, outcome: "pending", rowNumber: { gt: afterRow } },
      orderBy: { rowNumber: "asc" },
      take: PROGRESS_EVERY,
    });
    if (batch.length === 0) break;
    for (const row of batch) {
      const input = row.input as Record<string, string>;
      let decided: { outcome: UploadRowOutcome; reasonCode: string | null; message: string; conversionId: string | null };
      try {
        const answer = await reportConversion(actor, input, "CSV");
        decided = { outcome: "accepted", reasonCode: null, message: acceptedMessage(input.type ?? "conversion", answer), conversionId: answer.conversionId };
        // A reversal's postback to the affiliate goes out now rather than with the outbox sweep.
        if (input.type === "reversal" && typeof answer.body.lead_id === "string") await dispatchLeadDeliveries(answer.body.lead_id);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        decided = { outcome: "refused", reasonCode: error.code, message: refusalMessage(error), conversionId: null };
      }
      await prisma.conversionUploadRow.updateMany({ where: { id: row.id, outcome: "pending" }, data: decided });
    }
    afterRow = batch[batch.length - 1].rowNumber;
    await refreshCounts(uploadId, false);
  }
  await refreshCounts(uploadId, true);
  await markOutboxProcessed(prisma, CONVERSION_UPLOAD_QUEUE, conversionUploadKey(uploadId));
  const done = await prisma.conversionUpload.findUniqueOrThrow({ where: { id: uploadId } });
  return { accepted: done.acceptedRows, refused: done.refusedRows };
}

/** The worker gave up on the upload (its last attempt failed): the page says so. */
export async function failConversionUpload(uploadId: string, reason: string) {
  await prisma.conversionUpload.updateMany({
    where: { id: uploadId, status: { in: ["VALIDATING", "POSTING"] } },
    data: { status: "FAILED", error: reason.slice(0, 500), finishedAt: new Date() },
  });
}

/** The actor's latest uploads. */
export async function listConversionUploads(actor: Actor, take = 20) {
  requirePermission(actor, "read:conversion:own");
  return prisma.conversionUpload.findMany({ where: { advertiserId: actor.companyId }, orderBy: { createdAt: "desc" }, take });
}

/** How many refused rows the progress page lists (the report has them all). */
const REFUSED_SHOWN = 100;

/** One of the actor's uploads with its progress and the first refused rows. */
export async function getConversionUpload(actor: Actor, uploadId: string) {
  requirePermission(actor, "read:conversion:own");
  const upload = await prisma.conversionUpload.findFirst({ where: { id: uploadId, advertiserId: actor.companyId } });
  if (!upload) throw new NotFoundError("Upload");
  const refused = await prisma.conversionUploadRow.findMany({
    where: { uploadId, outcome: "refused" },
    orderBy: { rowNumber: "asc" },
    take: REFUSED_SHOWN,
    select: { rowNumber: true, input: true, reasonCode: true, message: true },
  });
  return {
    upload,
    refused: refused.map((r) => ({ ...r, conversionId: (r.input as Record<string, string>).conversion_id ?? null })),
  };
}

const REPORT_COLUMNS = ["row", "outcome", "reason_code", "message", "leadex_conversion_id", "status", ...CONVERSION_CSV_COLUMNS] as const;

/** The report of an upload: every row with its outcome and reason, then the row as uploaded. */
export async function conversionUploadReportCsv(actor: Actor, uploadId: string) {
  requirePermission(actor, "read:conversion:own");
  const upload = await prisma.conversionUpload.findFirst({ where: { id: uploadId, advertiserId: actor.companyId }, select: { id: true, createdAt: true } });
  if (!upload) throw new NotFoundError("Upload");
  const rows = await prisma.conversionUploadRow.findMany({ where: { uploadId }, orderBy: { rowNumber: "asc" } });
  const ids = rows.flatMap((r) => (r.conversionId ? [r.conversionId] : []));
  const statuses = new Map(
    (await prisma.conversion.findMany({ where: { id: { in: ids }, advertiserId: actor.companyId }, select: { id: true, status: true } })).map((c) => [
      c.id,
      c.status.toLowerCase(),
    ]),
  );
  const csv = toCsv(
    REPORT_COLUMNS,
    rows.map((r) => {
      const input = r.input as Record<string, string>;
      return [
        r.rowNumber,
        r.outcome,
        r.reasonCode ?? "",
        r.message ?? (r.outcome === "pending" ? "Not posted yet" : ""),
        r.conversionId ?? "",
        r.conversionId ? (statuses.get(r.conversionId) ?? "") : "",
        ...CONVERSION_CSV_COLUMNS.map((c) => input[c] ?? ""),
      ];
    }),
  );
  return { filename: `leadex-conversion-upload-${upload.createdAt.toISOString().slice(0, 10)}-${upload.id}.csv`, csv };
}
