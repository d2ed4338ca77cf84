import { Link } from "@remix-run/react";
import { withParam } from "./pager";

/**
 * "Newest · Older" under a list paged by cursor (keyset): the next page's link keeps the list's
 * filters, and a way back to the first page shows once past it. Nothing when it all fits. A list
 * paged oldest first (a queue) names its links with `firstLabel` and `nextLabel`.
 */
export function CursorPager({
  search,
  nextCursor,
  label,
  firstLabel = "Newest",
  nextLabel = "Older",
}: {
  search: string;
  nextCursor: string | null;
  label: string;
  firstLabel?: string;
  nextLabel?: string;
}) {
  const onFirstPage = !new URLSearchParams(search).get("cursor");
  if (onFirstPage && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      {onFirstPage ? null : (
        <Link to={withParam(search, "cursor", null)} rel="first">
          {firstLabel}
        </Link>
      )}
      {nextCursor ? (
        <Link to={withParam(search, "cursor", nextCursor)} rel="next">
          {nextLabel}
        </Link>
      ) : (
        <span className="muted">End of the list</span>
      )}
    </nav>
  );
}
