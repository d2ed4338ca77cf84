import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { PageHeader, StatCard } from "~/components/portal-shell";
import { readBacklog } from "~/modules/operations/backlog.server";
import { QUEUE_DASHBOARD_PATH } from "~/modules/operations/queue-dashboard.server";
import { SCHEDULED_WORK_QUEUE } from "~/queues/scheduled-work.queue.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Overview · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return { backlog: await readBacklog(actor), queueDashboardPath: QUEUE_DASHBOARD_PATH };
}

const ADMIN_PAGES = [
  { to: "/admin/leads", label: "Leads", about: "Every lead, its checks, score and timeline" },
  { to: "/admin/review", label: "Review queue", about: "Leads held for a person to approve or reject" },
  { to: "/admin/conversions", label: "Conversions", about: "Reported actions and sales, and their billing" },
  { to: "/admin/disputes", label: "Disputes", about: "Returns and conversion disputes to decide" },
  { to: "/admin/suppression", label: "Suppression", about: "Emails and phones never to sell" },
  { to: "/admin/billing", label: "Billing", about: "Advertisers' wallets, invoices and top-ups" },
  { to: "/admin/chargebacks", label: "Card disputes", about: "Chargebacks and their evidence" },
  { to: "/admin/payouts", label: "Payouts", about: "Payout runs to affiliates" },
  { to: "/admin/reconciliation", label: "Reconciliation", about: "Conversions against advertisers' reports, stuck states, true-ups" },
  { to: "/admin/finance", label: "Finance", about: "Platform revenue, money held and owed, the ledger reconciled with Stripe" },
];

/** "4 s", "3 min 20 s", "2 h 5 min". */
function age(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export default function AdminOverview() {
  const { backlog, queueDashboardPath } = useLoaderData<typeof loader>();
  // The schedules' next runs sit in the scheduled-work queue as delayed jobs: they are not a backlog.
  const waiting = backlog.queues?.reduce((n, q) => n + q.waiting + (q.queue === SCHEDULED_WORK_QUEUE ? 0 : q.delayed), 0);
  return (
    <>
      <PageHeader title="Overview" description="How far behind the workers are, measured when this page loaded. Reload to measure again." />
      <div className="stats">
        <StatCard label="Jobs waiting" value={waiting ?? "Redis did not answer"} testId="jobs-waiting">
          <p className="muted small">
            In all queues, waiting or delayed for a retry (the schedules&apos; next runs not counted). <a href={queueDashboardPath}>Queue dashboard</a>
          </p>
        </StatCard>
        <StatCard
          label="Oldest undecided lead"
          value={backlog.oldestUndecidedAgeSeconds > 0 ? age(backlog.oldestUndecidedAgeSeconds) : "None waiting"}
          testId="oldest-undecided"
        >
          <p className="muted small">How long the oldest lead not yet sold, rejected or held has waited.</p>
        </StatCard>
        <StatCard label="Decisions in the last minute" value={backlog.decisionsLastMinute} testId="decisions-last-minute">
          <p className="muted small">Leads sold, left unsold, rejected or held. {backlog.leadsReceivedTotal.toLocaleString("en-US")} received in all.</p>
        </StatCard>
      </div>
      <section className="card">
        <h2>Queues</h2>
        <DataTable
          rows={backlog.queues ?? []}
          testId="queue-depths"
          stackOnPhone
          empty={<p className="muted">Redis did not answer; the queues cannot be counted now.</p>}
          head={
            <>
              <th>Queue</th>
              <th className="num">Waiting</th>
              <th className="num">Active</th>
              <th className="num">Delayed</th>
              <th className="num">Failed</th>
            </>
          }
          row={(q) => (
            <tr key={q.queue}>
              <td data-label="Queue">{q.queue}</td>
              <td className="num" data-label="Waiting">
                {q.waiting}
              </td>
              <td className="num" data-label="Active">
                {q.active}
              </td>
              <td className="num" data-label="Delayed">
                {q.delayed}
              </td>
              <td className="num" data-label="Failed">
                {q.failed}
              </td>
            </tr>
          )}
        />
      </section>
      {/* The queue dashboard is served by server.js, not by a Remix route: a plain link, a full page load. */}
      <section className="card">
        <h2>Admin pages</h2>
        <ul>
          {ADMIN_PAGES.map((p) => (
            <li key={p.to}>
              <Link to={p.to}>{p.label}</Link> <span className="muted small">{p.about}</span>
            </li>
          ))}
          <li>
            <a href={queueDashboardPath}>Queue dashboard</a> <span className="muted small">Jobs by queue and state; retry or remove failed jobs</span>
          </li>
        </ul>
      </section>
    </>
  );
}
