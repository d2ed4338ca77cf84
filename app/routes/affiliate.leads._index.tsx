import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { StatusOfferPeriodFilters } from "~/components/filter-bar";
import { formatDateTime } from "~/components/format";
import { withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { LeadOutcomeCells } from "~/components/status-badge";
import { affiliateLeadFilterSchema } from "~/modules/leads/affiliate-lead-list.schema";
import { LEAD_STATUS_NAMES } from "~/modules/leads/lead-statuses";
import { listAffiliateLeadPage } from "~/modules/leads/affiliate-leads.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const filter = affiliateLeadFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listAffiliateLeadPage(actor, filter)) };
}

export default function AffiliateLeads() {
  const { filter, leads, offers, next } = useLoaderData<typeof loader>();
  const location = useLocation();
  const filtered = Boolean(filter.q || filter.status || filter.offerId || filter.from || filter.to);
  return (
    <>
      <PageHeader title="Leads" description="Every lead you sent, newest first, with what happened to it and what it earned. Open one to see why." />
      <Form method="get" className="card filter-bar form-inline" aria-label="Filter leads">
        <div className="field">
          <label htmlFor="f-q">Your lead id or email</label>
          <input id="f-q" name="q" type="search" defaultValue={filter.q ?? ""} />
        </div>
        <StatusOfferPeriodFilters
          statuses={LEAD_STATUS_NAMES}
          offers={offers}
          filter={filter}
          fromLabel="Received from"
          clearTo="/affiliate/leads"
          filtered={filtered}
        />
      </Form>
      <section className="card">
        <DataTable
          rows={leads}
          stackOnPhone
          testId="affiliate-leads"
          empty={
            <EmptyState title={filtered ? "No lead matches these filters" : "No leads yet"}>
              {filtered ? <Link to="/affiliate/leads">Show every lead</Link> : <Link to="/affiliate/send-leads">How to send leads</Link>}
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
              <td className="nowrap" data-label="Received">
                {formatDateTime(lead.receivedAt)}
              </td>
              <td data-label="Your lead id">
                <Link to={`/affiliate/leads/${lead.id}`}>
                  <code>{lead.externalId}</code>
                </Link>
              </td>
              <td data-label="Offer">{lead.offerTitle}</td>
              <td data-label="Quality">
                <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
              </td>
              <LeadOutcomeCells status={lead.status} reasons={lead.reasons} />
              <td className="num" data-label="Earning">
                {lead.earningCents > 0 ? formatMoney(lead.earningCents, lead.currency) : <span className="muted">—</span>}
              </td>
            </tr>
          )}
        />
        {next ? (
          <nav className="pager" aria-label="Leads pages">
            {filter.cursor ? <Link to={withParam(location.search, "cursor", null)}>Newest</Link> : null}
            <Link to={withParam(location.search, "cursor", next)} rel="next">
              Older leads
            </Link>
          </nav>
        ) : filter.cursor ? (
          <nav className="pager" aria-label="Leads pages">
            <Link to={withParam(location.search, "cursor", null)}>Newest</Link>
          </nav>
        ) : null}
      </section>
    </>
  );
}
