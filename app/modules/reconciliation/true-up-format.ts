import { readCsvTable } from "~/modules/deliveries/csv";
import { zodFieldErrors } from "~/utils/errors";
import { whyTextIsUnstorable } from "~/utils/storable-text";
import { MAX_TRUE_UP_ROWS, TRUE_UP_COLUMNS, trueUpRowSchema, type TrueUpColumn, type TrueUpReasonCode } from "./true-up.schema";

// Reading an advertiser's list: a CSV (the portal's upload, or the API's text/csv body) or JSON
// rows (the API). A list that cannot be read as a whole is refused with one message; otherwise
// every row is read: good rows carry their values, bad ones the reason (they are kept in the
// report as "not readable", never matched).

export interface ReadTrueUpRow {
  /** The row's place in the list: the CSV record (the header is 1), or the JSON array's position from 1. */
  rowNumber: number;
  externalId: string;
  leadId: string | null;
  event: string | null;
  saleAmountCents: number | null;
  currency: string | null;
  occurredAt: Date | null;
  problem: { reasonCode: TrueUpReasonCode; message: string } | null;
}

export type TrueUpListRead = { ok: true; rows: ReadTrueUpRow[] } | { ok: false; message: string };

export const TRUE_UP_CSV_TEMPLATE =
  [TRUE_UP_COLUMNS.join(","), "app-1001,LEADEX_LEAD_ID,funded,,,2026-11-03T14:05:00Z", "order-2001,LEADEX_LEAD_ID,,125.50,USD,2026-11-04T15:30:00Z"].join(
    "\r\n",
  ) + "\r\n";

const MAX_KEPT_ID = 120;

/** A cell as the report may show it: escaped when it cannot be stored, and cut to the id's length. */
function printable(text: string): string {
  const shown = whyTextIsUnstorable(text) ? JSON.stringify(text).slice(1, -1) : text;
  return shown.length > MAX_KEPT_ID ? `${shown.slice(0, MAX_KEPT_ID - 1)}…` : shown;
}

function describeIssues(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([field, message]) => (field === "_" ? message : `${field}: ${message}`))
    .join("; ");
}

/** One row's values (strings or numbers, as sent) read with the conversion API's field schemas. */
export function readTrueUpRow(rowNumber: number, input: Record<string, unknown>): ReadTrueUpRow {
  const rawId = input.conversion_id;
  const externalId = typeof rawId === "string" || typeof rawId === "number" ? printable(String(rawId).trim()) : "";
  const refuse = (reasonCode: TrueUpReasonCode, message: string): ReadTrueUpRow => ({
    rowNumber,
    externalId,
    leadId: null,
    event: null,
    saleAmountCents: null,
    currency: null,
    occurredAt: null,
    problem: { reasonCode, message },
  });
  const unstorable: Record<string, string> = {};
  for (const key of TRUE_UP_COLUMNS) {
    const value = input[key];
    if (typeof value === "string") {
      const problem = whyTextIsUnstorable(value);
      if (problem) unstorable[key] = problem;
    } else if (value !== null && value !== undefined && typeof value !== "number") unstorable[key] = "Send text or a number";
  }
  if (Object.keys(unstorable).length > 0) return refuse("invalid_fields", describeIssues(unstorable));
  const parsed = trueUpRowSchema.safeParse(input);
  if (!parsed.success) {
    const fields = zodFieldErrors(parsed.error.issues);
    return refuse(Object.keys(fields).length === 1 && fields.amount ? "invalid_amount" : "invalid_fields", describeIssues(fields));
  }
  const row = parsed.data;
  return {
    rowNumber,
    externalId: row.conversion_id,
    leadId: row.lead_id ?? null,
    event: row.event ?? null,
    saleAmountCents: row.amount ?? null,
    currency: row.currency ?? null,
    occurredAt: row.occurred_at ?? null,
    problem: null,
  };
}

function tooMany(count: number): string {
  return `The list has ${count} rows; at most ${MAX_TRUE_UP_ROWS.toLocaleString("en-US")} are taken at once: split the period`;
}

/** Reads a true-up CSV: a header naming the columns (at least conversion_id), then one conversion a row. */
export function readTrueUpCsv(text: string): TrueUpListRead {
  const table = readCsvTable(text);
  if (!table.ok) return table;
  const { columns, records } = table;
  if (!columns) return { ok: false, message: `The file is empty: the first row names the columns (${TRUE_UP_COLUMNS.join(",")})` };
  const known = new Set<string>(TRUE_UP_COLUMNS);
  const unknown = columns.filter((c) => c !== "" && !known.has(c));
  if (unknown.length > 0) {
    const names = unknown.map((c) => `"${printable(c)}"`).join(", ");
    return { ok: false, message: `Unknown column${unknown.length > 1 ? "s" : ""} ${names}: the columns are ${TRUE_UP_COLUMNS.join(", ")}` };
  }
  const repeated = columns.find((c, i) => c !== "" && columns.indexOf(c) !== i);
  if (repeated) return { ok: false, message: `The column "${repeated}" appears twice` };
  if (!columns.includes("conversion_id")) return { ok: false, message: "The first row must name the columns, with at least conversion_id" };
  if (records.length > MAX_TRUE_UP_ROWS) return { ok: false, message: tooMany(records.length) };

  const rows = records.map(({ rowNumber, cells }) => {
    const input: Partial<Record<TrueUpColumn, string>> = {};
    columns.forEach((column, i) => {
      const value = cells[i]?.trim() ?? "";
      if (column !== "" && value !== "") input[column as TrueUpColumn] = value;
    });
    if (cells.length > columns.length && cells.slice(columns.length).some((c) => c.trim() !== "")) {
      return {
        ...readTrueUpRow(rowNumber, input),
        problem: { reasonCode: "invalid_fields" as const, message: `The row has ${cells.length} cells but the header names ${columns.length} columns` },
      };
    }
    return readTrueUpRow(rowNumber, input);
  });
  return { ok: true, rows };
}

/** Reads the API's JSON rows: an array of objects with the CSV's columns as keys. */
export function readTrueUpJsonRows(rows: unknown): TrueUpListRead {
  if (!Array.isArray(rows)) return { ok: false, message: "rows must be an array of conversions" };
  if (rows.length > MAX_TRUE_UP_ROWS) return { ok: false, message: tooMany(rows.length) };
  return {
    ok: true,
    rows: rows.map((row, i) =>
      row !== null && typeof row === "object" && !Array.isArray(row)
        ? readTrueUpRow(i + 1, row as Record<string, unknown>)
        : {
            ...readTrueUpRow(i + 1, {}),
            problem: { reasonCode: "invalid_fields" as const, message: 'Each row is an object such as {"conversion_id": "app-1"}' },
          },
    ),
  };
}
