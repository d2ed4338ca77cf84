import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { formatDateTime, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { PublicShell } from "~/components/public-shell";
import { notificationsView } from "~/modules/notices/notices.server";
import { notificationListFilterSchema } from "~/modules/notices/notices.schema";
import { homePathFor, requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Leadex" }];

// Every signed-in user's notices, read or not, newest first. Dismissing one (marking it read) and
// "Dismiss all" go through the notice routes every portal's banners use, back to this page.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const filter = notificationListFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const view = await notificationsView(user.id, { cursor: filter.cursor, unreadOnly: filter.unread === "1" });
  return { ...view, homeHref: homePathFor(user.role) };
}

export default function Notifications() {
  const { rows, nextCursor, unread, unreadOnly, homeHref } = useLoaderData<typeof loader>();
  const { pathname, search } = useLocation();
  const here = pathname + search;
  return (
    <PublicShell homeHref={homeHref}>
      <PageHeader
        title="Notifications"
        description={`${unread} unread. Returned leads, payouts, moderation, disputes and account notices, newest first.`}
        actions={
          unread > 0 ? (
            <Form method="post" action="/notices/dismiss-all">
              <input type="hidden" name="redirectTo" value={here} />
              <button type="submit" className="button button-small button-ghost">
                Mark all read
              </button>
            </Form>
          ) : null
        }
      />
      <nav aria-label="Which notifications">
        <Link to="/notifications" aria-current={unreadOnly ? undefined : "page"}>
          All
        </Link>{" "}
        <Link to="/notifications?unread=1" aria-current={unreadOnly ? "page" : undefined}>
          Unread ({unread})
        </Link>
      </nav>
      <section className="card">
        {rows.length === 0 ? (
          <EmptyState title={unreadOnly ? "Nothing unread" : "No notifications yet"} />
        ) : (
          <ol className="plain-list notification-list" data-testid="notifications">
            {rows.map((n) => (
              <li key={n.id} className={n.dismissedAt ? "muted" : undefined} data-unread={n.dismissedAt ? undefined : "true"}>
                <p className="small muted">
                  {formatDateTime(n.createdAt)} · {humanize(n.kind)} {n.dismissedAt ? "· read" : <strong>· unread</strong>}
                </p>
                <p>
                  {n.message}
                  {n.href ? (
                    <>
                      {" "}
                      <Link to={n.href}>Open it</Link>
                    </>
                  ) : null}
                </p>
                {n.dismissedAt ? null : (
                  <Form method="post" action={`/notices/${n.id}/dismiss`}>
                    <input type="hidden" name="redirectTo" value={here} />
                    <button type="submit" className="button button-small button-ghost">
                      Mark read
                    </button>
                  </Form>
                )}
              </li>
            ))}
          </ol>
        )}
        <CursorPager search={search} nextCursor={nextCursor} label="Notification pages" />
      </section>
    </PublicShell>
  );
}
