// Small helpers for HTML forms, safe on both sides (no server imports).

const OWN_ORIGIN = "http://leadex.invalid";

/**
 * Where to go after logging in: only a path on this site ("/advertiser/billing"), never another
 * origin ("//evil.example", "/\\evil.example", "https://...", "/\t/evil.example" which browsers
 * read as "//evil.example" once they strip the tab); anything else falls back.
 *
 * Two checks: no control character or backslash at all (browsers drop or rewrite those, so what
 * we inspect would not be what they follow), and the path, resolved the way a browser resolves it
 * against this site, must stay on this site. The answer is that resolved path, percent-encoded: a
 * Location header carries no character above U+00FF ("/leads?q=中" would make the redirect throw).
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F\\]/.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== OWN_ORIGIN || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
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

/**
 * Binds form controls to the server's answer: `bind("dailyCap")` gives the control its name, the
 * value the person typed (else `fallback`) and the error for it (under `error` when the schema
 * names the field differently, e.g. the input "price" and the error "priceCents").
 */
export function formBinding(answer: { values?: Record<string, string>; errors?: Record<string, string> } | undefined) {
  return (name: string, opts: { fallback?: string; error?: string } = {}) => ({
    name,
    defaultValue: answer?.values?.[name] ?? opts.fallback ?? "",
    error: errorFor(answer?.errors, opts.error ?? name),
  });
}
