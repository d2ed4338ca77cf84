import { NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { LogoutButton, SiteFrame } from "./site-frame";

export interface NavItem {
  to: string;
  label: string;
  /** Match only this exact path (for index pages). */
  end?: boolean;
  /** Things waiting there for the user (disputes to answer): shown beside the label when more than 0. */
  count?: number;
}

/** The frame of a signed-in portal: brand, section nav, who is signed in, log out. */
export function PortalShell({
  portal,
  nav,
  user,
  aside,
  children,
}: {
  portal: string;
  nav: NavItem[];
  user: { name: string; companyName: string | null };
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <SiteFrame
      portal={portal}
      header={
        <>
          <nav className="main-nav" aria-label={`${portal} navigation`}>
            {nav.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end} prefetch="intent">
                {item.label}
                {item.count ? (
                  <span className="badge badge-warning nav-count" aria-label={`${item.count} waiting for you`}>
                    {item.count}
                  </span>
                ) : null}
              </NavLink>
            ))}
          </nav>
          <div className="header-user">
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
