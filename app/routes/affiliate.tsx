import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { PortalShell, type NavItem } from "~/components/portal-shell";
import { PublicShell } from "~/components/public-shell";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Affiliate · Leadex" }];

const NAV: NavItem[] = [
  { to: "/affiliate", label: "Dashboard", end: true },
  { to: "/affiliate/offers/new", label: "New offer" },
  { to: "/affiliate/api-keys", label: "API keys" },
  { to: "/affiliate/leads", label: "Leads" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["AFFILIATE"]);
  return { user: { name: user.name, companyName: user.companyName } };
}

export default function AffiliateLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <PortalShell portal="Affiliate" nav={NAV} user={user}>
      <Outlet />
    </PortalShell>
  );
}

export function ErrorBoundary() {
  // When this layout's own loader failed (403 for another role) there is no portal to show.
  const layout = useRouteLoaderData<typeof loader>("routes/affiliate");
  const error = useRouteError();
  if (!layout) {
    // A 403 means someone is signed in, with another role: offer their own portal.
    const signedIn = isRouteErrorResponse(error) && error.status === 403;
    return (
      <PublicShell homeHref={signedIn ? "/" : null}>
        <RouteErrorView />
      </PublicShell>
    );
  }
  return (
    <PortalShell portal="Affiliate" nav={NAV} user={layout.user}>
      <RouteErrorView homeHref="/affiliate" />
    </PortalShell>
  );
}
