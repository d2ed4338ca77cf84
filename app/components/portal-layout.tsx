import { isRouteErrorResponse, Outlet, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { RouteErrorView } from "./error-view";
import { NoticeBanners, type PortalNotice } from "./notice-banner";
import { isNavGroup, type NavEntry, type NavItem } from "./portal-nav";
import { PortalShell } from "./portal-shell";
import { PublicShell } from "./public-shell";

/** What every portal layout's loader returns at least: who is signed in, and what they must be told. */
export interface PortalLayoutData {
  user: { name: string; companyName: string | null };
  notices: PortalNotice[];
  /** Unread in-app notifications, beside the header's Notifications link (when the layout counts them). */
  unreadNotifications?: number;
}

/** One signed-in portal (admin, affiliate, advertiser), described once by its layout route. */
export interface Portal<Data extends PortalLayoutData = PortalLayoutData> {
  /** Shown beside the brand: "Advertiser". */
  name: string;
  /** The layout route's id ("routes/advertiser"), to read its loader data from any child. */
  routeId: string;
  /** Where "Back to safety" leads inside the portal. */
  homeHref: string;
  /** Main items, and groups shown as menus on a desktop. */
  nav: NavEntry[];
  /** Extras in the header beside the user (the advertiser's wallet), from the layout's data. */
  headerExtras?: (data: Data) => ReactNode;
  /** Counts beside nav items (by `to`), from the layout's data: disputes waiting for an answer. */
  navCounts?: (data: Data) => Record<string, number>;
}

function PortalFrame<Data extends PortalLayoutData>({ portal, data, children }: { portal: Portal<Data>; data: Data; children: ReactNode }) {
  const counts = portal.navCounts?.(data) ?? {};
  const counted = (item: NavItem) => (counts[item.to] ? { ...item, count: counts[item.to] } : item);
  const nav = portal.nav.map((entry) => (isNavGroup(entry) ? { ...entry, items: entry.items.map(counted) } : counted(entry)));
  return (
    <PortalShell portal={portal.name} nav={nav} user={data.user} aside={portal.headerExtras?.(data)} unreadNotifications={data.unreadNotifications}>
      <NoticeBanners notices={data.notices} unread={data.unreadNotifications} />
      {children}
    </PortalShell>
  );
}

/** The default export of a portal layout route: the portal's frame around its pages. */
export function PortalLayout<Data extends PortalLayoutData>({ portal }: { portal: Portal<Data> }) {
  const data = useRouteLoaderData(portal.routeId) as Data;
  return (
    <PortalFrame portal={portal} data={data}>
      <Outlet />
    </PortalFrame>
  );
}

/** The ErrorBoundary of a portal layout route. */
export function PortalErrorBoundary<Data extends PortalLayoutData>({ portal }: { portal: Portal<Data> }) {
  // When the layout's own loader failed (401, or 403 for another role) there is no portal to show.
  const data = useRouteLoaderData(portal.routeId) as Data | undefined;
  const error = useRouteError();
  if (!data) {
    // A 403 means someone is signed in, with another role: offer their own portal.
    const signedIn = isRouteErrorResponse(error) && error.status === 403;
    return (
      <PublicShell homeHref={signedIn ? "/" : null}>
        <RouteErrorView />
      </PublicShell>
    );
  }
  return (
    <PortalFrame portal={portal} data={data}>
      <RouteErrorView homeHref={portal.homeHref} />
    </PortalFrame>
  );
}
