// RFC 4180 CSV, small enough not to need a library: CRLF line ends, fields with a comma, quote or
// line break are quoted and their quotes doubled.

// CSV injection (OWASP): a spreadsheet runs a cell starting with = + - @ (also after leading
// whitespace, which some importers trim), a tab or a carriage return, and OWASP lists DDE(...).
// A leading apostrophe makes it text. A cell that is only a number ("+14155550100", "-12.5") is
// not a formula and stays as it is.
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@]|\s*dde\s*\()/i;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// ";" too: Excel splits unquoted cells on it where that is the list separator.
const NEEDS_QUOTES = /[",;\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
