import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicShell } from "~/components/public-shell";
import { getSessionUser, homePathFor } from "~/utils/session.server";

export const meta: MetaFunction = () => [
  { title: "Leadex — the affiliate lead marketplace" },
  { name: "description", content: "Affiliates post verified leads by postback; advertisers buy them per lead, action or sale." },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  return { homeHref: user ? homePathFor(user.role) : null, name: user?.name ?? null };
}

export default function Landing() {
  const { homeHref, name } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref={homeHref}>
      <section className="hero">
        <h1>Leads that are checked before anyone pays for them.</h1>
        <p className="lead-text">
          Affiliates publish offers and post leads to Leadex by server-to-server postback. Advertisers buy the ones that match their orders on CPL, CPA or CPS
          terms, funded from a wallet and settled on a double-entry ledger.
        </p>
        <div className="hero-actions">
          {homeHref ? (
            <Link to={homeHref} className="button button-large">
              Continue as {name}
            </Link>
          ) : (
            <>
              <Link to="/signup" className="button button-large">
                Sign up
              </Link>
              <Link to="/login" className="button button-large button-ghost">
                Log in
              </Link>
            </>
          )}
        </div>
      </section>
      <section className="grid-3">
        <div className="card">
          <h2>For affiliates</h2>
          <p className="muted">Create an offer, get an API key, post leads. Watch each lead get verified, sold and paid.</p>
        </div>
        <div className="card">
          <h2>For advertisers</h2>
          <p className="muted">Browse the marketplace, open orders with your price, caps and geo filters, top up by card.</p>
        </div>
        <div className="card">
          <h2>Every cent accounted for</h2>
          <p className="muted">Balances come from an append-only ledger that is reconciled with Stripe.</p>
        </div>
      </section>
    </PublicShell>
  );
}
