import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { LogoutButton, SiteFrame } from "./site-frame";

/**
 * The frame of the public pages (landing, log in, sign up, errors outside a portal). `homeHref`
 * is set when someone is signed in: their portal and a log out button replace log in / sign up.
 */
export function PublicShell({ children, homeHref }: { children: ReactNode; homeHref?: string | null }) {
  return (
    <SiteFrame
      header={
        <nav className="main-nav" aria-label="Account">
          {homeHref ? (
            <>
              <Link to={homeHref}>Go to your portal</Link>
              <LogoutButton />
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
      }
    >
      {children}
    </SiteFrame>
  );
}
