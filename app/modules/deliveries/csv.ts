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

export interface CsvParse {
  /** Each record's cells, in file order (a quoted line break stays inside its cell). */
  rows: string[][];
  /** Why the text is not CSV (an unclosed quote), with the record it starts in (1-based); null when it is. */
  error: { row: number; message: string } | null;
}

/**
 * Reads RFC 4180 CSV: `delimiter`-separated cells, LF or CRLF line ends, quoted cells with doubled
 * quotes and line breaks inside. Lenient where spreadsheets are (a stray quote inside an unquoted
 * cell is kept as text); strict where data would be lost (a quote never closed is an error).
 */
export function parseCsv(text: string, delimiter = ","): CsvParse {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let quoteRow = 0;
  let i = 0;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === "") {
      quoted = true;
      quoteRow = rows.length + 1;
      i++;
    } else if (ch === delimiter) {
      endCell();
      i++;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      endRow();
      i += 2;
    } else if (ch === "\n" || ch === "\r") {
      endRow();
      i++;
    } else {
      cell += ch;
      i++;
    }
  }
  if (quoted) return { rows, error: { row: quoteRow, message: 'A quoted cell is never closed (a " is missing)' } };
  if (cell !== "" || row.length > 0) endRow();
  return { rows, error: null };
}

export type CsvTable = { ok: true; columns: string[] | null; records: Array<{ rowNumber: number; cells: string[] }> } | { ok: false; message: string };

/**
 * A spreadsheet's CSV upload as a table: the BOM dropped, ";" between cells when the first line
 * has ";" and no "," (comma-decimal locales write so), blank rows dropped, the header's column
 * names (`csvColumnName`) apart; row numbers count the header as row 1.
 */
export function readCsvTable(text: string): CsvTable {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.slice(0, body.search(/\r|\n|$/));
  const delimiter = !firstLine.includes(",") && firstLine.includes(";") ? ";" : ",";
  const parsed = parseCsv(body, delimiter);
  if (parsed.error) return { ok: false, message: `Row ${parsed.error.row}: ${parsed.error.message}` };
  const records = parsed.rows.map((cells, i) => ({ rowNumber: i + 1, cells })).filter((r) => r.cells.some((c) => c.trim() !== ""));
  const header = records.shift();
  return { ok: true, columns: header ? header.cells.map(csvColumnName) : null, records };
}

/** "Conversion ID" → "conversion_id". */
export function csvColumnName(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}
