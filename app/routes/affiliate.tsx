import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PortalErrorBoundary, PortalLayout, type Portal } from "~/components/portal-layout";
import { listOpenNotices } from "~/modules/notices/notices.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Affiliate · Leadex" }];

const PORTAL: Portal = {
  name: "Affiliate",
  routeId: "routes/affiliate",
  homeHref: "/affiliate",
  nav: [
    { to: "/affiliate", label: "Dashboard", end: true },
    { to: "/affiliate/offers/new", label: "New offer" },
    { to: "/affiliate/api-keys", label: "API keys" },
    { to: "/affiliate/leads", label: "Leads" },
    { to: "/affiliate/conversions", label: "Conversions" },
    { to: "/affiliate/earnings", label: "Earnings" },
    { to: "/affiliate/payouts", label: "Payouts" },
    { to: "/affiliate/postbacks", label: "Postbacks" },
  ],
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["AFFILIATE"]);
  return { user: { name: user.name, companyName: user.companyName }, notices: await listOpenNotices(user.id) };
}

export default function AffiliateLayout() {
  return <PortalLayout portal={PORTAL} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal={PORTAL} />;
}
