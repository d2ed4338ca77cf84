import { Link } from "@remix-run/react";

/**
 * "Previous · page 2 of 7 · Next" under a long list. `hrefFor` builds the link of a page, keeping
 * the page's other parameters; nothing shows when everything fits on one page.
 */
export function Pager({
  page,
  pageSize,
  total,
  hrefFor,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  label: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          Previous
        </Link>
      ) : null}
      <span className="muted">
        Page {Math.min(page, pages)} of {pages} ({total.toLocaleString("en-US")})
      </span>
      {page < pages ? (
        <Link to={hrefFor(page + 1)} rel="next">
          Next
        </Link>
      ) : null}
    </nav>
  );
}

/** The current URL's search with `name` set to `value` (the other parameters kept). */
export function withParam(search: string, name: string, value: string | number | null): string {
  const params = new URLSearchParams(search);
  if (value === null || value === "") params.delete(name);
  else params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "?";
}
