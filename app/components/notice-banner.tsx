import { Form, Link, useLocation } from "@remix-run/react";

export interface PortalNotice {
  id: string;
  message: string;
  href: string | null;
}

/** What the signed-in user must be told about their account (e.g. a lock after failed sign-ins), each until dismissed. */
export function NoticeBanners({ notices, unread = notices.length }: { notices: PortalNotice[]; unread?: number }) {
  const location = useLocation();
  if (notices.length === 0) return null;
  const here = location.pathname + location.search;
  const more = unread - notices.length;
  return (
    <div className="notices">
      {unread > 1 ? (
        <Form method="post" action="/notices/dismiss-all" className="notices-actions">
          {more > 0 ? (
            <Link to="/notifications" className="notices-more">
              {`${more} more unread ${more === 1 ? "notice" : "notices"}: see all`}
            </Link>
          ) : null}
          <input type="hidden" name="redirectTo" value={here} />
          <button type="submit" className="button button-small button-ghost">
            Dismiss all notices
          </button>
        </Form>
      ) : null}
      {notices.map((notice) => (
        <div key={notice.id} className="alert alert-warning notice" role="alert" data-testid="account-notice">
          <p>
            {notice.message}
            {notice.href ? (
              <>
                {" "}
                <Link to={notice.href}>Open it</Link>
              </>
            ) : null}
          </p>
          <Form method="post" action={`/notices/${notice.id}/dismiss`}>
            <input type="hidden" name="redirectTo" value={here} />
            <button type="submit" className="button button-small button-ghost">
              Dismiss
            </button>
          </Form>
        </div>
      ))}
    </div>
  );
}
