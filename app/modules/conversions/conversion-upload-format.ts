import { readCsvTable } from "~/modules/deliveries/csv";
import { zodFieldErrors } from "~/utils/errors";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { conversionReportSchema } from "./conversions.schema";

// The CSV an advertiser uploads to report conversions: one report per row, the columns named as
// the conversion API's fields (docs/api.md, "CSV upload"). Every row is checked here, before
// anything is posted; the rows that pass are posted one by one by the worker.

/** The columns, in the template's order. Only `conversion_id` is required as a column. */
export const CONVERSION_CSV_COLUMNS = [
  "type",
  "conversion_id",
  "lead_id",
  "event",
  "amount",
  "currency",
  "occurred_at",
  "reversal_id",
  "reason",
  "adv1",
  "adv2",
  "adv3",
  "adv4",
  "adv5",
] as const;
export type ConversionCsvColumn = (typeof CONVERSION_CSV_COLUMNS)[number];

/** The largest file: 2 MiB (about 15,000 typical rows). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/** The most rows (after the header) one file may hold. */
export const MAX_UPLOAD_ROWS = 10_000;
/** An upload's status as the advertiser reads it. */
export const UPLOAD_STATUS_WORDS = { VALIDATING: "checking", POSTING: "posting", DONE: "done", FAILED: "failed" } as const;

/** A refused row keeps at most this much of each cell (the report shows it). */
const MAX_KEPT_CELL = 300;

export const CONVERSION_CSV_TEMPLATE =
  [
    CONVERSION_CSV_COLUMNS.join(","),
    "conversion,app-1001,LEADEX_LEAD_ID,funded,,,2026-11-28T14:05:00Z,,,campaign-a,,,,",
    "conversion,order-2001,LEADEX_LEAD_ID,,125.50,USD,2026-11-28T15:30:00Z,,,,,,,",
    "reversal,order-2001,,,25.00,,,refund-1,Part of the order returned,,,,,",
    "amount_change,order-2002,,,99.00,,,,Coupon applied after checkout,,,,,",
  ].join("\r\n") + "\r\n";

/** One data row as read: its number in the file (the header is row 1), the report, or why it is refused. */
export interface ConversionCsvRow {
  rowNumber: number;
  /** The row's non-empty cells by column (cells a refused row cannot keep are shown escaped). */
  input: Partial<Record<ConversionCsvColumn, string>>;
  /** Null when the row may be posted. */
  problem: { reasonCode: "invalid_fields" | "invalid_amount"; message: string } | null;
}

export type ConversionCsvRead = { ok: true; rows: ConversionCsvRow[] } | { ok: false; message: string };

function printable(text: string): string {
  const shown = whyTextIsUnstorable(text) ? JSON.stringify(text).slice(1, -1) : text;
  return shown.length > MAX_KEPT_CELL ? `${shown.slice(0, MAX_KEPT_CELL)}…` : shown;
}

function describeIssues(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([field, message]) => (field === "_" ? message : `${field}: ${message}`))
    .join("; ");
}

/**
 * Reads and checks a whole file. A file that cannot be read as a whole (not CSV, no
 * `conversion_id` column, an unknown or repeated column, too many rows) is refused with one
 * message; otherwise each row is either ready to post or refused with its reason.
 */
export function readConversionCsv(text: string): ConversionCsvRead {
  const table = readCsvTable(text);
  if (!table.ok) return table;
  const { columns, records } = table;
  if (!columns) return { ok: false, message: "The file is empty: the first row names the columns, e.g. conversion_id,lead_id,event" };
  const known = new Set<string>(CONVERSION_CSV_COLUMNS);
  const unknown = columns.filter((c) => c !== "" && !known.has(c));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${printable(c)}"`).join(", ")}: the columns are ${CONVERSION_CSV_COLUMNS.join(", ")}`,
    };
  }
  const repeated = columns.filter((c, i) => c !== "" && columns.indexOf(c) !== i);
  if (repeated.length > 0) return { ok: false, message: `The column "${repeated[0]}" appears twice` };
  if (!columns.includes("conversion_id")) return { ok: false, message: "The first row must name the columns, with at least conversion_id" };
  if (records.length === 0) return { ok: false, message: "The file has a header but no rows" };
  if (records.length > MAX_UPLOAD_ROWS) {
    return { ok: false, message: `The file has ${records.length} rows; at most ${MAX_UPLOAD_ROWS} are taken at once: split it into several files` };
  }

  const rows = records.map(({ rowNumber, cells }): ConversionCsvRow => {
    const input: Partial<Record<ConversionCsvColumn, string>> = {};
    const unstorable: Record<string, string> = {};
    columns.forEach((column, i) => {
      const value = cells[i]?.trim() ?? "";
      if (column === "" || value === "") return;
      const problem = whyTextIsUnstorable(value);
      if (problem) unstorable[column] = problem;
      input[column as ConversionCsvColumn] = value;
    });
    const refuse = (message: string, reasonCode: "invalid_fields" | "invalid_amount" = "invalid_fields"): ConversionCsvRow => ({
      rowNumber,
      input: Object.fromEntries(Object.entries(input).map(([k, v]) => [k, printable(v)])),
      problem: { reasonCode, message },
    });
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== "")) {
      return refuse(`The row has ${cells.length} cells but the header names ${columns.length} columns`);
    }
    if (Object.keys(unstorable).length > 0) return refuse(describeIssues(unstorable));
    if (!input.conversion_id) return refuse("conversion_id: Send your conversion id");
    const report = conversionReportSchema.safeParse(input);
    if (!report.success) {
      const fields = zodFieldErrors(report.error.issues);
      // As the API answers: a bad amount alone has its own reason code.
      return refuse(describeIssues(fields), Object.keys(fields).length === 1 && fields.amount ? "invalid_amount" : "invalid_fields");
    }
    return { rowNumber, input, problem: null };
  });
  return { ok: true, rows };
}
