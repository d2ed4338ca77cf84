import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { RouteErrorView } from "~/components/error-view";
import { PortalShell, type NavItem } from "~/components/portal-shell";
import { PublicShell } from "~/components/public-shell";
import { getAdvertiserBalanceCents } from "~/modules/billing/balances.server";
import { formatMoney } from "~/utils/money";
import { centsToNumber } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Advertiser · Leadex" }];

const NAV: NavItem[] = [
  { to: "/advertiser", label: "Dashboard", end: true },
  { to: "/advertiser/marketplace", label: "Marketplace" },
  { to: "/advertiser/orders", label: "Orders" },
  { to: "/advertiser/leads", label: "Leads" },
  { to: "/advertiser/billing", label: "Billing" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["ADVERTISER"]);
  const balanceCents = await getAdvertiserBalanceCents(user.actor);
  return { user: { name: user.name, companyName: user.companyName }, balanceCents: centsToNumber(balanceCents) };
}

function WalletChip({ balanceCents }: { balanceCents: number }) {
  return (
    <Link to="/advertiser/billing" className="wallet-chip" title="Wallet balance">
      <span className="wallet-chip-label">Wallet</span> <span data-testid="header-balance">{formatMoney(balanceCents, "usd")}</span>
    </Link>
  );
}

export default function AdvertiserLayout() {
  const { user, balanceCents } = useLoaderData<typeof loader>();
  return (
    <PortalShell portal="Advertiser" nav={NAV} user={user} aside={<WalletChip balanceCents={balanceCents} />}>
      <Outlet />
    </PortalShell>
  );
}

export function ErrorBoundary() {
  const layout = useRouteLoaderData<typeof loader>("routes/advertiser");
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
    <PortalShell portal="Advertiser" nav={NAV} user={layout.user} aside={<WalletChip balanceCents={layout.balanceCents} />}>
      <RouteErrorView homeHref="/advertiser" />
    </PortalShell>
  );
}
