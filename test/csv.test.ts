import { describe, expect, it } from "vitest";
import { csvCell, parseCsv, toCsv } from "~/modules/deliveries/csv";

// The payloads of OWASP's CSV Injection page (https://owasp.org/www-community/attacks/CSV_Injection)
// and the two that got past the old rule: each must reach the spreadsheet as text.
const FORMULA_PAYLOADS = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example","x")',
  "=2+5+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "+cmd|' /C calc'!A0",
  "-cmd|' /C calc'!A0",
  "-1+1+cmd|' /C calc'!A0",
  '+1+HYPERLINK("http://evil.example","x")',
  "-2+3+cmd|' /C calc'!A0",
  "+1-1",
  "-.5+cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
  "\n-3+3+cmd|' /C calc'!D2",
  " =1+1",
  "\t",
  "\r",
  'DDE ("cmd";"/C calc";"!A0")A0',
  'dde("cmd";"/C calc";"!A0")A0',
];

/** The cell's text as a spreadsheet reads it: RFC 4180 quotes undone. */
function unquoted(cell: string): string {
  return cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
}

describe("CSV export cells", () => {
  it.each(FORMULA_PAYLOADS)("turns %j into text that no spreadsheet runs", (payload) => {
    const cell = csvCell(payload);
    expect(unquoted(cell)).toBe(`'${payload}`);
  });

  it("leaves a cell that is just a number alone, phones in E.164 included", () => {
    for (const number of ["+14155550100", "-12.5", "42", "+7", "-0.25", "3.0"]) expect(csvCell(number)).toBe(number);
    expect(csvCell(-12)).toBe("-12");
    expect(csvCell(3000)).toBe("3000");
  });

  it("escapes what only looks like a number at first", () => {
    for (const text of ["+1 415 555 0100", "-12.5.1", "+1e3", "-1,5", "+14155550100 ", "--1"]) {
      expect(unquoted(csvCell(text))).toBe(`'${text}`);
    }
  });

  it("keeps ordinary text as it is and quotes commas, quotes, line breaks and semicolons", () => {
    expect(csvCell("Ada")).toBe("Ada");
    expect(csvCell("ada@example.com")).toBe("ada@example.com");
    expect(csvCell('Ada "The Countess", Jr')).toBe('"Ada ""The Countess"", Jr"');
    expect(csvCell("two\r\nlines")).toBe('"two\r\nlines"');
    // Excel in locales whose list separator is ";" would otherwise start a new cell there.
    expect(csvCell("a;=1+1")).toBe('"a;=1+1"');
    expect(csvCell(null)).toBe("");
    expect(toCsv(["a", "b"], [["=1", "+14155550100"]])).toBe("a,b\r\n'=1,+14155550100\r\n");
  });
});

describe("CSV import", () => {
  it("reads what toCsv writes back cell for cell: commas, quotes, line breaks and empty cells", () => {
    const rows = [
      ["id", "note", "empty", "amount"],
      ["c-1", 'Ada "The Countess", Jr', "", "12.50"],
      ["c-2", "two\r\nlines; and more", "", "-3"],
    ];
    expect(parseCsv(toCsv(rows[0], rows.slice(1)))).toEqual({ rows, error: null });
  });

  it("takes LF line ends, a last line without one, and another delimiter", () => {
    expect(parseCsv("a,b\n1,2").rows).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv('a;b\r\n"x;y";2\r\n', ";").rows).toEqual([
      ["a", "b"],
      ["x;y", "2"],
    ]);
  });

  it("keeps a stray quote inside an unquoted cell as text, and names the row of a quote never closed", () => {
    expect(parseCsv('a,b"c\n').rows).toEqual([["a", 'b"c']]);
    expect(parseCsv('h\nok\n"never closed\nmore').error).toEqual({ row: 3, message: 'A quoted cell is never closed (a " is missing)' });
  });
});
