import { Link } from "@remix-run/react";
import { withParam } from "./pager";

/**
 * "Newest · Older" under a list paged by cursor (keyset): the next page's link keeps the list's
 * filters, and a way back to the first page shows once past it. Nothing when it all fits.
 */
export function CursorPager({ search, nextCursor, label }: { search: string; nextCursor: string | null; label: string }) {
  const onFirstPage = !new URLSearchParams(search).get("cursor");
  if (onFirstPage && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      {onFirstPage ? null : (
        <Link to={withParam(search, "cursor", null)} rel="first">
          Newest
        </Link>
      )}
      {nextCursor ? (
        <Link to={withParam(search, "cursor", nextCursor)} rel="next">
          Older
        </Link>
      ) : (
        <span className="muted">End of the list</span>
      )}
    </nav>
  );
}
