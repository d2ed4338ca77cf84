import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState } from "~/components/portal-shell";
import { RunNowHeader } from "~/components/run-now-header";
import { WatchFlagFigures } from "~/components/watch-flag";
import { periodText } from "~/components/true-up-report";
import { getReconciliationPage, requestConversionReconciliation } from "~/modules/reconciliation/conversion-reconciliation.server";
import { STUCK_KINDS, STUCK_LABELS, WATCH_RULES, type StuckKind } from "~/modules/reconciliation/reconciliation.constants";
import { runNowFormSchema } from "~/modules/reconciliation/reconciliation.schema";
import { redirectWithFlash } from "~/utils/flash.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Reconciliation · Admin · Leadex" }];

const pageParam = (params: URLSearchParams, name: string) => Math.max(1, Math.min(100_000, Number(params.get(name)) || 1));

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const params = new URL(request.url).searchParams;
  const stuck = Object.fromEntries(STUCK_KINDS.map((k) => [k, pageParam(params, k)])) as Record<StuckKind, number>;
  return getReconciliationPage(actor, { flagsPage: pageParam(params, "flags"), stuck, trueUpsPage: pageParam(params, "trueUps") });
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return handleForm(
    await readForm(request),
    runNowFormSchema,
    async () => {
      await requestConversionReconciliation(actor);
      return redirectWithFlash("/admin/reconciliation", "Reconciliation started: refresh in a moment to see the new run.");
    },
    { formError: "Choose what to do" },
  );
}

export default function AdminReconciliation() {
  const { runs, latest, stuck, awaiting } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  return (
    <>
      <RunNowHeader
        title="Conversion reconciliation"
        description="Under-reporting flags with the figures behind them, conversions stuck in a state, and advertisers' true-ups waiting for approval. Runs daily; run it now to refresh."
        runLabel="Run reconciliation now"
        result={result}
      />
      <p className="muted small">
        Whether the ledger matches Stripe (balance transactions, cash) is proven on <Link to="/admin/finance">Finance</Link>.
      </p>

      <section className="card">
        <h2>True-ups awaiting approval</h2>
        <DataTable
          rows={awaiting.trueUps}
          testId="true-ups-awaiting"
          stackOnPhone
          empty={<p className="muted">No true-up is waiting.</p>}
          head={
            <>
              <th>Advertiser</th>
              <th>Period</th>
              <th className="num">Rows</th>
              <th className="num">Proposed changes</th>
              <th className="num">Payout change</th>
              <th className="num">Disputes</th>
            </>
          }
          row={(t) => (
            <tr key={t.id}>
              <td data-label="Advertiser">
                <Link to={`/admin/true-ups/${t.id}`}>{t.advertiser.name}</Link>
              </td>
              <td data-label="Period">{periodText(t.periodStart, t.periodEnd)}</td>
              <td className="num" data-label="Rows">
                {t.totalRows.toLocaleString("en-US")}
              </td>
              <td className="num" data-label="Proposals">
                {t.summary ? t.summary.proposed.record.count + t.summary.proposed.adjust.count + t.summary.proposed.reverse.count : "—"}
              </td>
              <td className="num" data-label="Difference">
                {t.summary ? formatMoney(t.summary.proposedPayoutDeltaCents, t.summary.currency) : "—"}
              </td>
              <td className="num" data-label="Disputes">
                {t.summary?.disputes.count ?? "—"}
              </td>
            </tr>
          )}
        />
        <Pager
          page={awaiting.page}
          pageSize={awaiting.pageSize}
          total={awaiting.total}
          label="True-ups awaiting approval"
          hrefFor={(p) => withParam(location.search, "trueUps", p)}
        />
      </section>

      <section className="card">
        <h2>Under-reporting flags</h2>
        <p className="muted small">
          An order is flagged when, of at least {WATCH_RULES.minDelivered} CPA/CPS leads delivered in the {WATCH_RULES.cohortDays} days up to{" "}
          {WATCH_RULES.maturityDays} days ago, its share converted within {WATCH_RULES.maturityDays} days is under a third of its peers&apos; median (the other
          orders on the offer; with fewer than {WATCH_RULES.minPeers}, the offer&apos;s previous {WATCH_RULES.cohortDays} days) and chance explains it less than
          1 time in 100; or when an order that had conversions on {WATCH_RULES.minActiveDays} of {WATCH_RULES.baselineDays} days has had none for{" "}
          {WATCH_RULES.quietDays} days while leads kept coming.
        </p>
        {latest ? (
          <>
            <p className="muted">
              Latest run {formatDateTime(latest.generatedAt)}: {latest.ordersJudged} orders judged, {latest.flags.total} flagged.
            </p>
            <DataTable
              rows={latest.flags.items}
              testId="watch-flags"
              stackOnPhone
              empty={<p className="muted">No order is flagged.</p>}
              head={
                <>
                  <th>Flag</th>
                  <th>Order</th>
                  <th>Figures</th>
                </>
              }
              row={(f) => (
                <tr key={`${f.kind}:${f.orderId}`}>
                  <td className="nowrap" data-label="Flag">
                    {f.kind === "low_rate" ? "Low conversion rate" : "Conversions stopped"}
                  </td>
                  <td data-label="Order">
                    {f.advertiserName} on {f.offerTitle}
                    <div className="muted small">
                      affiliate {f.affiliateName}; order <code>{f.orderId}</code>
                    </div>
                  </td>
                  <td data-label="Figures">
                    <WatchFlagFigures flag={f} />
                  </td>
                </tr>
              )}
            />
            <Pager
              page={latest.flags.page}
              pageSize={latest.flags.pageSize}
              total={latest.flags.total}
              label="Flag pages"
              hrefFor={(p) => withParam(location.search, "flags", p)}
            />
            <h3>By affiliate</h3>
            <DataTable
              rows={latest.affiliates}
              testId="affiliate-rates"
              stackOnPhone
              empty={<p className="muted">No CPA/CPS leads delivered in the cohort.</p>}
              head={
                <>
                  <th>Affiliate</th>
                  <th className="num">Orders</th>
                  <th className="num">Leads delivered</th>
                  <th className="num">Converted</th>
                  <th className="num">Rate</th>
                  <th className="num">Flagged orders</th>
                </>
              }
              row={(a) => (
                <tr key={a.affiliateId}>
                  <td data-label="Affiliate">{a.affiliateName}</td>
                  <td className="num" data-label="Orders">
                    {a.orders}
                  </td>
                  <td className="num" data-label="Delivered">
                    {a.delivered}
                  </td>
                  <td className="num" data-label="Converted">
                    {a.converted}
                  </td>
                  <td className="num" data-label="Rate">{`${a.ratePct}%`}</td>
                  <td className="num" data-label="Flagged">
                    {a.flaggedOrders}
                  </td>
                </tr>
              )}
            />
          </>
        ) : (
          <EmptyState title="No run yet">Run the reconciliation to judge the orders.</EmptyState>
        )}
      </section>

      {STUCK_KINDS.map((kind) => (
        <section className="card" key={kind}>
          <h2>
            {STUCK_LABELS[kind]}{" "}
            <span className="muted" data-testid={`stuck-count-${kind}`}>
              ({stuck[kind].count})
            </span>
          </h2>
          <DataTable
            rows={stuck[kind].items}
            testId={`stuck-${kind}`}
            stackOnPhone
            empty={<p className="muted">None.</p>}
            head={
              <>
                <th>Since</th>
                <th>Advertiser</th>
                <th>What</th>
                <th>Lead</th>
                <th className="num">Amount</th>
              </>
            }
            row={(item) => (
              <tr key={item.id}>
                <td className="nowrap" data-label="Since">
                  {formatDateTime(item.since)}
                </td>
                <td data-label="Advertiser">{item.advertiserName}</td>
                <td data-label="What">{item.what}</td>
                <td data-label="Lead">{item.leadId ? <Link to={`/admin/leads/${item.leadId}`}>{item.leadId}</Link> : "—"}</td>
                <td className="num" data-label="Amount">
                  {item.amountCents === null ? "—" : formatMoney(item.amountCents, DEFAULT_CURRENCY)}
                </td>
              </tr>
            )}
          />
          <Pager
            page={stuck[kind].page}
            pageSize={20}
            total={stuck[kind].count}
            label={`${STUCK_LABELS[kind]}: pages`}
            hrefFor={(p) => withParam(location.search, kind, p)}
          />
        </section>
      ))}

      <section className="card">
        <h2>Latest runs</h2>
        <DataTable
          rows={runs}
          testId="reconciliation-runs"
          stackOnPhone
          empty={<EmptyState title="No runs yet" />}
          head={
            <>
              <th>Started</th>
              <th>Trigger</th>
              <th className="num">Findings</th>
              <th className="num">Flags</th>
              <th className="num">Pending past lock</th>
              <th className="num">Waiting reversals</th>
              <th className="num">Unconverted leads</th>
            </>
          }
          row={(r) => (
            <tr key={r.id}>
              <td className="nowrap" data-label="Started">
                {formatDateTime(r.startedAt)}
              </td>
              <td data-label="Trigger">{r.trigger}</td>
              <td className="num" data-label="Findings">
                {r.findings}
              </td>
              <td className="num" data-label="Flags">
                {r.flags}
              </td>
              <td className="num" data-label="Past lock">
                {r.stuck.pending_past_lock}
              </td>
              <td className="num" data-label="Reversals">
                {r.stuck.waiting_reversals}
              </td>
              <td className="num" data-label="Unconverted">
                {r.stuck.unconverted_deliveries}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
