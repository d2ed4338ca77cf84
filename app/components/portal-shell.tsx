import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";

export interface NavItem {
  to: string;
  label: string;
  /** Match only this exact path (for index pages). */
  end?: boolean;
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
    <>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              L
            </span>
            Leadex <span className="brand-portal">{portal}</span>
          </Link>
          <nav className="main-nav" aria-label={`${portal} navigation`}>
            {nav.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end} prefetch="intent">
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="header-user">
            {aside}
            <span className="who" title={user.name}>
              {user.companyName ?? user.name}
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="button button-small button-ghost">
                Log out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main className="container page">{children}</main>
    </>
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
