import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { PortalShell, type NavItem } from "~/components/portal-shell";
import { PublicShell } from "~/components/public-shell";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Admin · Leadex" }];

const NAV: NavItem[] = [{ to: "/admin/leads", label: "Leads" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["ADMIN"]);
  return { user: { name: user.name, companyName: user.companyName } };
}

export default function AdminLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <PortalShell portal="Admin" nav={NAV} user={user}>
      <Outlet />
    </PortalShell>
  );
}

export function ErrorBoundary() {
  const layout = useRouteLoaderData<typeof loader>("routes/admin");
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
    <PortalShell portal="Admin" nav={NAV} user={layout.user}>
      <RouteErrorView homeHref="/admin/leads" />
    </PortalShell>
  );
}
