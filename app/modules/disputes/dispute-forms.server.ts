import { ValidationError } from "~/utils/errors";
import { formFailureFrom, readForm } from "~/utils/route-errors.server";
import { EVIDENCE_FILE_MAX_BYTES } from "./disputes.schema";

// The portal's dispute forms (plain forms, multipart when they carry a file): their text fields as
// a record, and an evidence file read into bytes. The declared length is checked before the body
// is read, so an oversized upload is refused without holding it in memory.

const FORM_OVERHEAD_BYTES = 64 * 1024;
const MB = 1024 * 1024;

export interface DisputeForm {
  form: FormData;
  /** The text fields, plus `evidence_file` when one was chosen. */
  record: Record<string, unknown>;
  /** Text of an attached CSV (`csv_file`), for the inquiries upload. */
  csvText: string | null;
}

/** Refuses an upload larger than `maxBytes` (plus the form's own fields) before reading it. */
export function refuseOversizedUpload(request: Request, maxBytes: number, field: string, fieldMessage = `At most ${maxBytes / MB} MB`): void {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes + FORM_OVERHEAD_BYTES) throw new ValidationError({ [field]: fieldMessage }, "The upload is too large", 413);
}

/** The form's evidence file when one was chosen; refused when larger than evidence may be. */
export function chosenEvidenceFile(form: FormData): File | null {
  const file = form.get("evidence_file");
  if (!file || typeof file === "string" || file.size === 0) return null;
  if (file.size > EVIDENCE_FILE_MAX_BYTES) throw new ValidationError({ evidence_file: `Evidence files are at most ${EVIDENCE_FILE_MAX_BYTES / MB} MB` });
  return file;
}

export async function readDisputeForm(request: Request): Promise<DisputeForm> {
  refuseOversizedUpload(request, EVIDENCE_FILE_MAX_BYTES, "evidence_file", `Files are at most ${EVIDENCE_FILE_MAX_BYTES / MB} MB`);
  const form = await readForm(request);
  const record: Record<string, unknown> = {};
  for (const [name, value] of form) if (typeof value === "string") record[name] = value;
  const file = chosenEvidenceFile(form);
  if (file) {
    record.evidence_file = {
      name: (file.name || "evidence").slice(0, 200),
      contentType: file.type || "application/octet-stream",
      bytes: new Uint8Array(await file.arrayBuffer()),
    };
  }
  const csv = form.get("csv_file");
  const csvText =
    csv && typeof csv !== "string" && csv.size > 0 ? await csv.text() : typeof record.csv_text === "string" && record.csv_text.trim() ? record.csv_text : null;
  return { form, record, csvText };
}

/**
 * Reads a dispute form (`readDisputeForm`) and hands it to `answer`, which picks the schema by
 * intent and calls `handleForm` with `disputeFormInput(upload)`. An upload too large answers 413
 * naming its field.
 */
export async function withDisputeForm<Answer>(request: Request, answer: (upload: DisputeForm) => Promise<Answer>) {
  let upload: DisputeForm;
  try {
    upload = await readDisputeForm(request);
  } catch (error) {
    return formFailureFrom(error);
  }
  return answer(upload);
}

/** `handleForm` options for a read dispute form: the schema parses its record (text fields and evidence file). */
export function disputeFormInput(upload: DisputeForm) {
  const values = Object.fromEntries(Object.entries(upload.record).filter((e): e is [string, string] => typeof e[1] === "string"));
  return { toInput: () => upload.record, values: () => values };
}
