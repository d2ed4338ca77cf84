// Small helpers for HTML forms, safe on both sides (no server imports).

/**
 * Where to go after logging in: only a path on this site ("/advertiser/billing"), never another
 * origin ("//evil.example", "/\\evil.example", "https://..."); anything else falls back.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}

/**
 * What the person typed, to put back into the form when the server answers with errors (pages
 * rendered without JavaScript would otherwise come back empty). Secrets are left out.
 */
export function formValues(form: FormData, omit: readonly string[] = ["password"]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !omit.includes(key)) values[key] = value;
  }
  return values;
}

/**
 * The error to show next to a form control: its own key ("title"), else the first nested one
 * ("states.0" for the first bad state code, "filters.states.1" ...).
 */
export function errorFor(errors: Record<string, string> | undefined, name: string): string | undefined {
  if (!errors) return undefined;
  if (errors[name]) return errors[name];
  const nested = Object.keys(errors).find((key) => key.startsWith(`${name}.`));
  return nested ? errors[nested] : undefined;
}
