import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { PortalErrorBoundary, PortalLayout, type Portal } from "~/components/portal-layout";
import { getAdvertiserBalanceCents } from "~/modules/billing/balances.server";
import { countUnreadNotices, listOpenNotices } from "~/modules/notices/notices.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { centsToNumber } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Advertiser · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["ADVERTISER"]);
  const [balanceCents, notices, unreadNotifications] = await Promise.all([
    getAdvertiserBalanceCents(user.actor),
    listOpenNotices(user.id),
    countUnreadNotices(user.id),
  ]);
  return { user: { name: user.name, companyName: user.companyName }, notices, unreadNotifications, balanceCents: centsToNumber(balanceCents) };
}

function WalletChip({ balanceCents }: { balanceCents: number }) {
  return (
    <Link to="/advertiser/billing" className="wallet-chip" title="Wallet balance">
      <span className="wallet-chip-label">Wallet</span> <span data-testid="header-balance">{formatMoney(balanceCents, DEFAULT_CURRENCY)}</span>
    </Link>
  );
}

const PORTAL: Portal<Awaited<ReturnType<typeof loader>>> = {
  name: "Advertiser",
  routeId: "routes/advertiser",
  homeHref: "/advertiser",
  nav: [
    { to: "/advertiser", label: "Dashboard", end: true },
    { to: "/advertiser/reports", label: "Reports" },
    { to: "/advertiser/marketplace", label: "Marketplace" },
    { to: "/advertiser/orders", label: "Orders" },
    { to: "/advertiser/leads", label: "Leads" },
    { to: "/advertiser/billing", label: "Billing" },
    {
      label: "Outcomes",
      items: [
        { to: "/advertiser/returns", label: "Returns" },
        { to: "/advertiser/conversions", label: "Conversions" },
        { to: "/advertiser/true-ups", label: "True-ups" },
      ],
    },
    {
      label: "Setup",
      items: [
        { to: "/advertiser/suppression", label: "Suppression" },
        { to: "/advertiser/conversion-tracking", label: "Conversion tracking" },
        { to: "/advertiser/api-keys", label: "API keys" },
        { to: "/advertiser/deliveries", label: "Deliveries" },
        { to: "/advertiser/settings", label: "Settings" },
      ],
    },
  ],
  headerExtras: (data) => <WalletChip balanceCents={data.balanceCents} />,
};

export default function AdvertiserLayout() {
  return <PortalLayout portal={PORTAL} />;
}

export function ErrorBoundary() {
  return <PortalErrorBoundary portal={PORTAL} />;
}
