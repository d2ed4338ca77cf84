import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PortalErrorBoundary, PortalLayout, type Portal } from "~/components/portal-layout";
import { listOpenNotices } from "~/modules/notices/notices.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Admin · Leadex" }];

const PORTAL: Portal = {
  name: "Admin",
  routeId: "routes/admin",
  homeHref: "/admin/leads",
  nav: [
    { to: "/admin/leads", label: "Leads" },
    { to: "/admin/conversions", label: "Conversions" },
    { to: "/admin/review", label: "Review queue" },
    { to: "/admin/suppression", label: "Suppression" },
    { to: "/admin/payouts", label: "Payouts" },
    { to: "/admin/reconciliation", label: "Reconciliation" },
  ],
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["ADMIN"]);
  return { user: { name: user.name, companyName: user.companyName }, notices: await listOpenNotices(user.id) };
}

export default function AdminLayout() {
  return <PortalLayout portal={PORTAL} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal={PORTAL} />;
}
