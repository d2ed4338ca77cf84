import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { PortalNav, type NavEntry } from "./portal-nav";
import { LogoutButton, SiteFrame } from "./site-frame";

export type { NavEntry, NavGroup, NavItem } from "./portal-nav";

/** The header's link to the person's notifications, with how many are unread when known. */
function NotificationsLink({ count }: { count?: number }) {
  return (
    <Link to="/notifications" className="header-link" prefetch="intent">
      Notifications
      {count ? (
        <>
          {" "}
          <span className="badge badge-warning nav-count" aria-hidden="true">
            {count}
          </span>
          <span className="visually-hidden"> ({count} unread)</span>
        </>
      ) : null}
    </Link>
  );
}

/** The frame of a signed-in portal: brand, section nav, notifications, who is signed in, log out. */
export function PortalShell({
  portal,
  nav,
  user,
  aside,
  unreadNotifications,
  children,
}: {
  portal: string;
  nav: NavEntry[];
  user: { name: string; companyName: string | null };
  aside?: ReactNode;
  /** Unread notifications, shown beside the header's link to them. */
  unreadNotifications?: number;
  children: ReactNode;
}) {
  return (
    <SiteFrame
      portal={portal}
      header={
        <>
          <PortalNav portal={portal} entries={nav} />
          <div className="header-user">
            <NotificationsLink count={unreadNotifications} />
            {aside}
            <span className="who" title={user.name}>
              {user.companyName ?? user.name}
            </span>
            <LogoutButton />
          </div>
        </>
      }
    >
      {children}
    </SiteFrame>
  );
}

/** Title row of a page with optional actions on the right. */
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

/** Shown in place of an empty table. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

/** One figure in a dashboard's row of stats, with an optional line below it. */
export function StatCard({ label, value, testId, children }: { label: string; value: ReactNode; testId?: string; children?: ReactNode }) {
  return (
    <div className="card stat">
      <p className="stat-label">{label}</p>
      <p className="stat-value" data-testid={testId}>
        {value}
      </p>
      {children}
    </div>
  );
}
