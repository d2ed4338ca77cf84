import { Form, useLocation } from "@remix-run/react";

export interface PortalNotice {
  id: string;
  message: string;
}

/** What the signed-in user must be told about their account (e.g. a lock after failed sign-ins), each until dismissed. */
export function NoticeBanners({ notices }: { notices: PortalNotice[] }) {
  const location = useLocation();
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className="alert alert-warning notice" role="alert" data-testid="account-notice">
          <p>{notice.message}</p>
          <Form method="post" action={`/notices/${notice.id}/dismiss`}>
            <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
            <button type="submit" className="button button-small button-ghost">
              Dismiss
            </button>
          </Form>
        </div>
      ))}
    </div>
  );
}
