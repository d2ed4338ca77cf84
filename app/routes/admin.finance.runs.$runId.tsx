import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { PageHeader, StatCard } from "~/components/portal-shell";
import { ReconciliationVerdict } from "~/components/reconciliation-verdict";
import { getLedgerRun } from "~/modules/reconciliation/finance.server";
import { LEDGER_ITEM_LABELS } from "~/modules/reconciliation/reconciliation.constants";
import { formatMoney } from "~/utils/money";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Reconciliation run · Finance · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const page = Math.max(1, Math.min(100_000, Number(new URL(request.url).searchParams.get("page")) || 1));
  return orNotFound(getLedgerRun(actor, params.runId!, page));
}

const orDash = (cents: number | null, currency: string) => (cents === null ? "—" : formatMoney(cents, currency));

export default function AdminLedgerRun() {
  const run = useLoaderData<typeof loader>();
  const location = useLocation();
  const { report } = run;
  return (
    <>
      <PageHeader
        title={<>Ledger reconciliation {formatDateTime(run.startedAt)}</>}
        description={
          <>
            <Link to="/admin/finance">Finance</Link> · run <code>{run.runKey}</code> ({report.trigger}), {report.stripe.balanceTransactions} Stripe balance
            transactions from {report.stripe.sources} sources; {report.ledger.namedSources} Stripe objects named by the ledger.
          </>
        }
      />
      <p>
        <ReconciliationVerdict driftCents={run.driftCents} findings={run.findings} />
      </p>
      <div className="stats">
        <StatCard label="Drift (cents)" value={run.driftCents.toLocaleString("en-US")} testId="drift" />
        <StatCard label="Findings" value={run.findings} testId="findings" />
        {report.cash.map((c) => (
          <StatCard key={c.currency} label={`Cash (${c.currency.toUpperCase()})`} value={formatMoney(c.ledgerCents, c.currency)} testId={`cash-${c.currency}`}>
            <p className="muted small">
              Stripe&apos;s available + pending {formatMoney(c.stripeCents, c.currency)}
              {c.differenceCents === 0 ? ": equal." : `: differs by ${formatMoney(c.differenceCents, c.currency)}.`}
            </p>
          </StatCard>
        ))}
      </div>

      <section className="card">
        <h2>Unmatched Stripe objects ({report.itemCount})</h2>
        <p className="muted small">
          Per Stripe object (the balance transactions&apos; source), the sum of Stripe&apos;s net against the ledger&apos;s cash movements of the entries naming
          it. Difference = Stripe − ledger.
          {report.itemCount > run.items.total ? ` The first ${run.items.total} are stored.` : ""}
        </p>
        <DataTable
          rows={run.items.rows}
          testId="unmatched-items"
          stackOnPhone
          empty={<p className="muted">Every Stripe balance transaction matches the ledger.</p>}
          head={
            <>
              <th>Source</th>
              <th>Finding</th>
              <th>Type</th>
              <th className="num">Stripe</th>
              <th className="num">Ledger</th>
              <th className="num">Difference</th>
            </>
          }
          row={(item) => (
            <tr key={`${item.kind}:${item.sourceId ?? ""}:${item.currency}`}>
              <td data-label="Source">
                <code>{item.sourceId ?? "(none)"}</code>
              </td>
              <td data-label="Finding">{LEDGER_ITEM_LABELS[item.kind]}</td>
              <td data-label="Type">{item.types.join(", ")}</td>
              <td className="num" data-label="Stripe">
                {orDash(item.stripeCents, item.currency)}
              </td>
              <td className="num" data-label="Ledger">
                {orDash(item.ledgerCents, item.currency)}
              </td>
              <td className="num" data-label="Difference">
                {formatMoney(item.differenceCents, item.currency)}
              </td>
            </tr>
          )}
        />
        <Pager
          page={run.items.page}
          pageSize={run.items.pageSize}
          total={run.items.total}
          label="Unmatched item pages"
          hrefFor={(p) => withParam(location.search, "page", p)}
        />
      </section>

      <section className="card">
        <h2>The ledger&apos;s own invariants</h2>
        {report.unbalancedEntries.length === 0 ? (
          <p>Every journal entry balances.</p>
        ) : (
          <DataTable
            rows={report.unbalancedEntries}
            testId="unbalanced-entries"
            stackOnPhone
            head={
              <>
                <th>Unbalanced entry</th>
                <th className="num">Off by (cents)</th>
              </>
            }
            row={(u) => (
              <tr key={u.entryId}>
                <td data-label="Entry">
                  <code>{u.entryId}</code>
                </td>
                <td className="num" data-label="Off by">
                  {u.sumCents}
                </td>
              </tr>
            )}
          />
        )}
        {report.belowFloor.length === 0 ? (
          <p>
            No account is below its floor without a cause
            {report.explainedBelowFloor > 0 ? ` (${report.explainedBelowFloor} below it, explained by recorded chargebacks or clawbacks)` : ""}.
          </p>
        ) : (
          <DataTable
            rows={report.belowFloor}
            testId="below-floor"
            stackOnPhone
            head={
              <>
                <th>Account below its floor</th>
                <th className="num">Balance (cents)</th>
                <th className="num">Floor (cents)</th>
                <th className="num">Explained (cents)</th>
              </>
            }
            row={(f) => (
              <tr key={f.accountCode}>
                <td data-label="Account">
                  {f.companyName ?? "Platform"} <code>{f.accountCode}</code>
                </td>
                <td className="num" data-label="Balance">
                  {f.balanceCents}
                </td>
                <td className="num" data-label="Floor">
                  {f.floorCents}
                </td>
                <td className="num" data-label="Explained">
                  {f.explainedCents}
                </td>
              </tr>
            )}
          />
        )}
      </section>
    </>
  );
}
