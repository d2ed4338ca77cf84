import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { LeadOutcomeCells } from "~/components/status-badge";
import { listAffiliateLeads } from "~/modules/leads/lead-queries.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return { leads: await listAffiliateLeads(actor) };
}

export default function AffiliateLeads() {
  const { leads } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Leads" description="Every lead you posted, newest first, with what happened to it and what it earned." />
      <section className="card">
        <DataTable
          rows={leads}
          empty={
            <EmptyState title="No leads yet">
              Post one to an offer&apos;s postback URL (see any offer on your <Link to="/affiliate">dashboard</Link>).
            </EmptyState>
          }
          head={
            <>
              <th>Received</th>
              <th>Your lead id</th>
              <th>Offer</th>
              <th>Quality</th>
              <th>Status</th>
              <th>Reasons</th>
              <th className="num">Earning</th>
            </>
          }
          row={(lead) => (
            <tr key={lead.id}>
              <td className="nowrap">{formatDateTime(lead.receivedAt)}</td>
              <td>
                <code>{lead.externalId}</code>
              </td>
              <td>{lead.offerTitle}</td>
              <td>
                <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
              </td>
              <LeadOutcomeCells status={lead.status} reasons={lead.reasons} />
              <td className="num">{lead.earningCents > 0 ? formatMoney(lead.earningCents, lead.currency) : <span className="muted">—</span>}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
