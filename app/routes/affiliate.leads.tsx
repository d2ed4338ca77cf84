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
          stackOnPhone
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
              <td data-label="Received" className="nowrap">
                {formatDateTime(lead.receivedAt)}
              </td>
              <td data-label="Your lead id">
                <code>{lead.externalId}</code>
              </td>
              <td data-label="Offer">{lead.offerTitle}</td>
              <td data-label="Quality">
                <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
              </td>
              <LeadOutcomeCells status={lead.status} reasons={lead.reasons} />
              <td data-label="Earning" className="num">
                {lead.earningCents > 0 ? formatMoney(lead.earningCents, lead.currency) : <span className="muted">—</span>}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
