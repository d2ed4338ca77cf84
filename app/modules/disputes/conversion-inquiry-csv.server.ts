import { readCsvTable } from "~/modules/deliveries/csv";
import { isDomainError } from "~/utils/errors";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { openInquiry } from "./conversion-inquiries.server";
import { refusalWords } from "./dispute-errors";
import { INQUIRY_CSV_COLUMNS, MAX_INQUIRY_CSV_ROWS, type InquiryCsvResult } from "./conversion-disputes.schema";

// Inquiries by CSV: one inquiry a row, the columns named as the API's fields. Each row is opened
// on its own (a refused row does not stop the others) and answered with its row number.

function describeRefusal(error: unknown): { code: string; message: string } {
  if (!isDomainError(error)) throw error;
  return { code: error.code, message: refusalWords(error) };
}

/**
 * Opens one inquiry per row of `csvText`. A file that cannot be read as a whole is refused with one
 * message; otherwise every row has its result (row numbers count the header as row 1).
 */
export async function openInquiriesFromCsv(actor: Actor, csvText: string, options: { now?: Date } = {}): Promise<InquiryCsvResult> {
  requirePermission(actor, "write:dispute:own");
  const table = readCsvTable(csvText);
  if (!table.ok) return table;
  const { columns, records } = table;
  if (!columns) return { ok: false, message: `The file is empty: the first row names the columns, e.g. ${INQUIRY_CSV_COLUMNS.slice(0, 4).join(",")}` };
  const unknown = columns.filter((c) => c !== "" && !(INQUIRY_CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) return { ok: false, message: `Unknown column "${unknown[0].slice(0, 60)}": the columns are ${INQUIRY_CSV_COLUMNS.join(", ")}` };
  if (!columns.includes("lead_id") || !columns.includes("reason"))
    return { ok: false, message: "The first row must name the columns, with at least lead_id and reason" };
  if (records.length === 0) return { ok: false, message: "The file has a header but no rows" };
  if (records.length > MAX_INQUIRY_CSV_ROWS) return { ok: false, message: `The file has ${records.length} rows; at most ${MAX_INQUIRY_CSV_ROWS} at once` };

  const rows: Extract<InquiryCsvResult, { ok: true }>["rows"] = [];
  for (const { rowNumber, cells } of records) {
    const record: Record<string, string> = {};
    let unstorable: string | null = null;
    columns.forEach((column, i) => {
      const value = cells[i]?.trim() ?? "";
      if (column === "" || value === "") return;
      const problem = whyTextIsUnstorable(value);
      if (problem) unstorable = `${column}: ${problem}`;
      record[column] = value;
    });
    if (unstorable) {
      rows.push({ rowNumber, outcome: "refused", code: "invalid_fields", message: unstorable, leadId: record.lead_id ?? null, disputeId: null });
      continue;
    }
    try {
      const dispute = await openInquiry(actor, record, options);
      rows.push({
        rowNumber,
        outcome: "accepted",
        code: "awaiting_response",
        message: `Inquiry ${dispute.id} opened`,
        leadId: dispute.leadId,
        disputeId: dispute.id,
      });
    } catch (error) {
      rows.push({ rowNumber, outcome: "refused", ...describeRefusal(error), leadId: record.lead_id ?? null, disputeId: null });
    }
  }
  return { ok: true, rows };
}
