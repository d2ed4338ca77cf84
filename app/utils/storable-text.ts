import type { FieldErrors } from "./errors";

// Text that PostgreSQL cannot store: a NUL byte (refused in text and jsonb), other control
// characters (no field of ours means them; tab and line breaks are fine), and lone UTF-16
// surrogates (jsonb refuses "\ud800"; text would silently store U+FFFD). Refused at the edge
// with the field's name, never stripped: what was sent is not what would be kept.

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this text cannot be stored as it is, or null when it can. */
export function whyTextIsUnstorable(text: string): string | null {
  if (CONTROL_CHARACTER.test(text)) return "Contains a NUL or control character";
  if (LONE_SURROGATE.test(text)) return "Contains broken Unicode (a lone surrogate)";
  return null;
}

// JavaScript objects cannot keep a field of this name as data: it would be silently dropped.
const RESERVED_KEY = "Is a reserved name";

/** A key shown in an error message: control characters written as \uXXXX. */
function printableKey(key: string): string {
  return whyTextIsUnstorable(key) ? JSON.stringify(key).slice(1, -1) : key;
}

/**
 * Every field of a parsed body (JSON, form or query) whose key or value holds text that cannot be
 * stored, or that nests deeper than `maxDepth`, named by its top-level key ("fields.x" and
 * "sub_ids.x" for those two envelopes). Walks at most `maxDepth` levels, so any body is safe to check.
 */
export function findUnstorableFields(record: Record<string, unknown>, maxDepth: number): FieldErrors {
  // No prototype: a field named "__proto__" or "constructor" is a key like any other here.
  const errors: FieldErrors = Object.create(null);
  const visit = (value: unknown, field: string, depth: number) => {
    // hasOwn, not errors[field]: a field named "constructor" must not find Object's.
    if (Object.hasOwn(errors, field)) return;
    if (typeof value === "string") {
      const problem = whyTextIsUnstorable(value);
      if (problem) errors[field] = problem;
      return;
    }
    if (!value || typeof value !== "object") return;
    if (depth >= maxDepth) {
      errors[field] = `Nested deeper than ${maxDepth} levels`;
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      const problem = key === "__proto__" ? RESERVED_KEY : whyTextIsUnstorable(key);
      if (problem) {
        errors[field] = `${problem} in the key "${printableKey(key)}"`;
        return;
      }
      visit(inner, field, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(record)) {
    const isEnvelope = (key === "fields" || key === "sub_ids") && value !== null && typeof value === "object" && !Array.isArray(value);
    if (!isEnvelope) {
      visit({ [key]: value }, printableKey(key), 0);
      continue;
    }
    for (const [inner, innerValue] of Object.entries(value)) visit({ [inner]: innerValue }, `${key}.${printableKey(inner)}`, 1);
  }
  return errors;
}
