import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useSearchParams } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { withParam } from "~/components/pager";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { SubmitButton } from "~/components/field";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { startPayoutOnboarding } from "~/modules/payouts/connect-accounts.server";
import { affiliatePayoutsView } from "~/modules/payouts/payout-views.server";
import { ownPayoutsQuerySchema } from "~/modules/payouts/payouts.schema";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Payouts · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return affiliatePayoutsView(actor, ownPayoutsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams)));
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, ["AFFILIATE"]);
  return redirect(await startPayoutOnboarding(user.actor, user.email));
}

export default function AffiliatePayouts() {
  const { account, payouts, nextCursor } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { search } = useLocation();
  const back = searchParams.get("onboarding") === "return";
  return (
    <>
      <PageHeader title="Payouts" description="Available earnings are paid to your bank through Stripe on each payout run." />
      {back ? (
        <div className={`alert alert-${account.payoutsEnabled ? "success" : "warning"}`} role="status">
          {account.payoutsEnabled
            ? "Your Stripe account is ready: you will be paid on the next payout run."
            : "Stripe still needs a few details before it can pay you."}
        </div>
      ) : null}
      <section className="card" data-testid="payout-account">
        <h2>Payout account</h2>
        {account.heldByAdmin ? <p className="alert alert-warning">Leadex is holding your payouts. Contact support to find out why.</p> : null}
        {!account.connected ? (
          <p>Set up a Stripe account to receive your earnings. Stripe asks for your bank details and identity; it takes a few minutes.</p>
        ) : account.payoutsEnabled && account.requirementsDue.length === 0 ? (
          <p>
            <StatusBadge status="ACTIVE" /> Stripe can pay you.
          </p>
        ) : (
          <>
            <p>
              <StatusBadge status="PENDING" /> Stripe cannot pay you yet
              {account.disabledReason ? ` (${account.disabledReason.replace(/[._]/g, " ")})` : ""}.
            </p>
            {account.requirementsDue.length > 0 ? (
              <>
                <p>Stripe still needs:</p>
                <ul data-testid="requirements-due">
                  {account.requirementsDue.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        )}
        {!(account.payoutsEnabled && account.requirementsDue.length === 0) ? (
          <Form method="post">
            <SubmitButton>{account.connected ? "Continue onboarding with Stripe" : "Set up payouts with Stripe"}</SubmitButton>
          </Form>
        ) : null}
        {account.lastSkip ? (
          <p className="muted" data-testid="last-skip">
            Not paid on the run of {formatDateTime(account.lastSkip.at)}: {account.lastSkip.reason}.
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>Payout history</h2>
        <DataTable
          stackOnPhone
          rows={payouts}
          testId="payouts"
          empty={
            <EmptyState title="No payouts yet">
              Earnings become available when their return window has passed (see <Link to="/affiliate/earnings">Earnings</Link>).
            </EmptyState>
          }
          head={
            <>
              <th>Date</th>
              <th className="num">Amount</th>
              <th>Status</th>
              <th>Details</th>
              <th>Statement</th>
            </>
          }
          row={(p) => (
            <tr key={p.id}>
              <td data-label="Date" className="nowrap">
                {formatDateTime(p.createdAt)}
              </td>
              <td data-label="Amount" className="num">
                {formatMoney(p.amountCents, p.currency)}
              </td>
              <td data-label="Status">
                <StatusBadge status={p.status} />
              </td>
              <td data-label="Details">{p.failureReason ?? (p.stripeTransferId ? <code>{p.stripeTransferId}</code> : <span className="muted">—</span>)}</td>
              <td data-label="Statement">
                <a href={`/affiliate/payouts/${p.id}.csv`} download>
                  CSV ({p._count.earnings} lines)
                </a>
              </td>
            </tr>
          )}
        />
        <CursorPager search={withParam(search, "onboarding", null)} nextCursor={nextCursor} label="Payout pages" />
      </section>
    </>
  );
}
