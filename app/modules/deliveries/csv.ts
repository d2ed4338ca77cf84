// RFC 4180 CSV, small enough not to need a library: CRLF line ends, fields with a comma, quote or
// line break are quoted and their quotes doubled.

// A cell starting with one of these is run as a formula by spreadsheet apps (CSV injection);
// a leading apostrophe keeps it text. "+1415…" phones and "-12" numbers are left alone.
const FORMULA_START = /^(?:[=@\t\r]|[+-](?![\d.]))/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
