import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PortalErrorBoundary, PortalLayout, type Portal, type PortalLayoutData } from "~/components/portal-layout";
import { countAwaitingAnswer } from "~/modules/disputes/party-disputes.server";
import { countUnreadNotices, listOpenNotices } from "~/modules/notices/notices.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Affiliate · Leadex" }];

type AffiliateLayoutData = PortalLayoutData & { disputesAwaiting: number };

const PORTAL: Portal<AffiliateLayoutData> = {
  name: "Affiliate",
  routeId: "routes/affiliate",
  homeHref: "/affiliate",
  nav: [
    { to: "/affiliate", label: "Dashboard", end: true },
    { to: "/affiliate/reports", label: "Reports" },
    { to: "/affiliate/offers", label: "Offers" },
    { to: "/affiliate/send-leads", label: "Send leads" },
    { to: "/affiliate/leads", label: "Leads" },
    {
      label: "Money",
      items: [
        { to: "/affiliate/conversions", label: "Conversions" },
        { to: "/affiliate/earnings", label: "Earnings" },
        { to: "/affiliate/payouts", label: "Payouts" },
        { to: "/affiliate/disputes", label: "Disputes" },
      ],
    },
    {
      label: "Setup",
      items: [
        { to: "/affiliate/postbacks", label: "Postbacks to you" },
        { to: "/affiliate/api-keys", label: "API keys" },
      ],
    },
  ],
  navCounts: (data) => ({ "/affiliate/disputes": data.disputesAwaiting }),
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["AFFILIATE"]);
  const [notices, disputesAwaiting, unreadNotifications] = await Promise.all([
    listOpenNotices(user.id),
    countAwaitingAnswer(user.actor),
    countUnreadNotices(user.id),
  ]);
  return { user: { name: user.name, companyName: user.companyName }, notices, disputesAwaiting, unreadNotifications };
}

export default function AffiliateLayout() {
  return <PortalLayout portal={PORTAL} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal={PORTAL} />;
}
