import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, StatCard } from "~/components/portal-shell";
import { ReconciliationVerdict } from "~/components/reconciliation-verdict";
import { RunNowHeader } from "~/components/run-now-header";
import { getFinanceOverview } from "~/modules/reconciliation/finance.server";
import { requestLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";
import { runNowFormSchema } from "~/modules/reconciliation/reconciliation.schema";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Finance · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const page = Math.max(1, Math.min(100_000, Number(new URL(request.url).searchParams.get("page")) || 1));
  return getFinanceOverview(actor, page);
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return handleForm(
    await readForm(request),
    runNowFormSchema,
    async () => {
      await requestLedgerReconciliation(actor);
      return redirectWithFlash("/admin/finance", "Ledger reconciliation started: refresh in a moment to see the new run.");
    },
    { formError: "Choose what to do" },
  );
}

export default function AdminFinance() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const money = (cents: number) => formatMoney(cents, data.currency);
  const latest = data.runs.page === 1 ? data.runs.items[0] : undefined;
  return (
    <>
      <RunNowHeader
        title="Finance"
        description="The platform's money as the ledger has it, and the daily proof that the ledger matches Stripe: every entry balances, every Stripe balance transaction matches the ledger's entries for its Stripe object, and ledger cash equals Stripe's balance."
        runLabel="Run ledger reconciliation now"
        result={result}
      />
      <p className="muted small">
        Conversions, stuck states and true-ups are reconciled on <Link to="/admin/reconciliation">Conversion reconciliation</Link>.
      </p>
      {latest ? (
        latest.findings > 0 || latest.driftCents > 0 ? (
          <div className="alert alert-error verdict-drift" role="alert">
            Drift found in the latest run ({formatDateTime(latest.startedAt)}): {latest.findings} finding(s), {money(latest.driftCents)}.{" "}
            <Link to={`/admin/finance/runs/${latest.id}`}>See what does not match</Link>
          </div>
        ) : (
          <div className="alert alert-success verdict-clean" role="status">
            Books match Stripe in the latest run ({formatDateTime(latest.startedAt)}).
          </div>
        )
      ) : null}

      <h2>Platform revenue</h2>
      <div className="stats">
        <StatCard label="Platform fees" value={money(data.revenue.feesCents)} testId="platform-fees" />
        <StatCard label="Return costs" value={money(-data.revenue.returnCostsCents)} testId="return-costs">
          <p className="muted small">Returns approved at the platform&apos;s cost.</p>
        </StatCard>
        <StatCard label="Stripe fees" value={money(-data.revenue.stripeFeesCents)} testId="stripe-fees" />
        <StatCard label="Net revenue" value={money(data.revenue.netCents)} testId="net-revenue">
          <p className="muted small">Fees less return costs and Stripe&apos;s fees.</p>
        </StatCard>
      </div>

      <h2>Money held and owed</h2>
      <div className="stats">
        <StatCard label="Stripe cash" value={money(data.stripeCashCents)} testId="stripe-cash">
          <p className="muted small">Ledger cash at Stripe; reconciliation proves it equals Stripe&apos;s balance.</p>
        </StatCard>
        <StatCard label="Advertiser wallets" value={money(data.walletsHeldCents)} testId="wallets-held">
          <p className="muted small">Prepaid money held for advertisers.</p>
        </StatCard>
        <StatCard label="Receivables" value={money(data.receivablesCents)} testId="receivables">
          <p className="muted small">
            What {data.receivableAdvertisers} postpaid advertiser(s) owe (wallets below zero).
            {data.prepaidOwedCents > 0 ? ` Prepaid wallets below zero after chargebacks: ${money(data.prepaidOwedCents)}.` : ""}
          </p>
        </StatCard>
        <StatCard label="Affiliates: held" value={money(data.affiliateHeldCents)} testId="affiliate-held">
          <p className="muted small">Earned, still inside the return window.</p>
        </StatCard>
        <StatCard label="Affiliates: available" value={money(data.affiliateAvailableCents)} testId="affiliate-available">
          <p className="muted small">
            Paid on the next payout run.
            {data.affiliateOwedCents > 0 ? ` Owed back after clawbacks: ${money(data.affiliateOwedCents)}.` : ""}
          </p>
        </StatCard>
        <StatCard label="Payouts paid" value={money(data.payoutsPaid.cents)} testId="payouts-paid">
          <p className="muted small">
            {data.payoutsPaid.count} payout(s); in flight {money(data.payoutsInFlight.cents)} ({data.payoutsInFlight.count}).{" "}
            <Link to="/admin/payouts">Payouts</Link>
          </p>
        </StatCard>
      </div>
      {data.refundsInFlightCents !== 0 ? <p className="muted">Refunds Stripe has not confirmed yet: {money(data.refundsInFlightCents)}.</p> : null}

      <section className="card">
        <h2>Ledger reconciliation runs</h2>
        <DataTable
          rows={data.runs.items}
          testId="ledger-runs"
          stackOnPhone
          empty={<EmptyState title="No run yet">Run the ledger reconciliation to compare the ledger with Stripe.</EmptyState>}
          head={
            <>
              <th>Started</th>
              <th>Trigger</th>
              <th>Verdict</th>
              <th className="num">Drift</th>
              <th className="num">Findings</th>
              <th className="num">Stripe transactions</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td className="nowrap" data-label="Started">
                <Link to={`/admin/finance/runs/${r.id}`}>{formatDateTime(r.startedAt)}</Link>
              </td>
              <td data-label="Trigger">{r.trigger}</td>
              <td data-label="Verdict">
                <ReconciliationVerdict driftCents={r.driftCents} findings={r.findings} />
              </td>
              <td className="num" data-label="Drift (cents)">
                {r.driftCents.toLocaleString("en-US")}
              </td>
              <td className="num" data-label="Findings">
                {r.findings}
              </td>
              <td className="num" data-label="Stripe transactions">
                {r.balanceTransactions.toLocaleString("en-US")}
              </td>
            </tr>
          )}
        />
        <Pager
          page={data.runs.page}
          pageSize={data.runs.pageSize}
          total={data.runs.total}
          label="Reconciliation run pages"
          hrefFor={(p) => withParam(location.search, "page", p)}
        />
      </section>
    </>
  );
}
