import { Form, Link } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * The frame of the public pages (landing, log in, sign up, errors outside a portal). `homeHref`
 * is set when someone is signed in: their portal and a log out button replace log in / sign up.
 */
export function PublicShell({ children, homeHref }: { children: ReactNode; homeHref?: string | null }) {
  return (
    <>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              L
            </span>
            Leadex
          </Link>
          <nav className="main-nav" aria-label="Account">
            {homeHref ? (
              <>
                <Link to={homeHref}>Go to your portal</Link>
                <Form method="post" action="/logout">
                  <button type="submit" className="button button-small button-ghost">
                    Log out
                  </button>
                </Form>
              </>
            ) : (
              <>
                <Link to="/login">Log in</Link>
                <Link to="/signup" className="button button-small">
                  Sign up
                </Link>
              </>
            )}
          </nav>
        </div>
      </header>
      <main className="container page">{children}</main>
    </>
  );
}
