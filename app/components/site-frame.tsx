import { Form, Link, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import type { loader as rootLoader } from "~/root";
import { FlashMessage } from "./flash-message";

/**
 * The page frame shared by the public pages and the portals: the brand (with the portal's name
 * inside a portal), what the header shows on the right, then the page.
 */
export function SiteFrame({ portal, header, children }: { portal?: string; header: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              L
            </span>
            {portal ? (
              <>
                Leadex <span className="brand-portal">{portal}</span>
              </>
            ) : (
              "Leadex"
            )}
          </Link>
          {header}
        </div>
      </header>
      <main className="container page">
        <FlashMessage flash={useRouteLoaderData<typeof rootLoader>("root")?.flash ?? null} />
        {children}
      </main>
    </>
  );
}

/** The header's log out button. */
export function LogoutButton() {
  return (
    <Form method="post" action="/logout">
      <button type="submit" className="button button-small button-ghost">
        Log out
      </button>
    </Form>
  );
}
