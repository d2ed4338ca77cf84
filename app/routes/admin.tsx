import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PortalErrorBoundary, PortalLayout, type Portal, type PortalLayoutData } from "~/components/portal-layout";
import { countOpenChargebacks } from "~/modules/billing/chargebacks.server";
import { countDisputesInReview } from "~/modules/disputes/admin-disputes.server";
import { countUnreadNotices, listOpenNotices } from "~/modules/notices/notices.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Admin · Leadex" }];

type AdminLayoutData = PortalLayoutData & { disputesInReview: number; openChargebacks: number };

const PORTAL: Portal<AdminLayoutData> = {
  name: "Admin",
  routeId: "routes/admin",
  homeHref: "/admin",
  nav: [
    { to: "/admin", label: "Overview", end: true },
    { to: "/admin/reports", label: "Reports" },
    { to: "/admin/companies", label: "Companies" },
    { to: "/admin/offers", label: "Offers" },
    { to: "/admin/leads", label: "Leads" },
    { to: "/admin/review", label: "Review queue" },
    {
      label: "Cases",
      items: [
        { to: "/admin/conversions", label: "Conversions" },
        { to: "/admin/disputes", label: "Disputes" },
        { to: "/admin/chargebacks", label: "Card disputes" },
        { to: "/admin/suppression", label: "Suppression" },
      ],
    },
    {
      label: "Money",
      items: [
        { to: "/admin/billing", label: "Billing" },
        { to: "/admin/finance", label: "Finance" },
        { to: "/admin/payouts", label: "Payouts" },
        { to: "/admin/reconciliation", label: "Reconciliation" },
      ],
    },
    {
      label: "System",
      items: [
        { to: "/admin/audit", label: "Audit log" },
        { to: "/admin/queues", label: "Queues" },
      ],
    },
  ],
  navCounts: (data) => ({ "/admin/disputes": data.disputesInReview, "/admin/chargebacks": data.openChargebacks }),
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["ADMIN"]);
  const [notices, disputesInReview, openChargebacks, unreadNotifications] = await Promise.all([
    listOpenNotices(user.id),
    countDisputesInReview(user.actor),
    countOpenChargebacks(user.actor),
    countUnreadNotices(user.id),
  ]);
  return { user: { name: user.name, companyName: user.companyName }, notices, disputesInReview, openChargebacks, unreadNotifications };
}

export default function AdminLayout() {
  return <PortalLayout portal={PORTAL} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal={PORTAL} />;
}
