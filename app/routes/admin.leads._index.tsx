import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useLocation } from "@remix-run/react";
import { AdminLeadCells, AdminLeadHeadCells } from "~/components/admin-lead-cells";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { ChoiceFilterField, DateRangeFields, FilterButtons, OfferFilterField, SearchFilterField } from "~/components/filter-bar";
import { humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { LeadOutcomeCells } from "~/components/status-badge";
import { adminLeadFilterSchema } from "~/modules/leads/admin-lead-list.schema";
import { LEAD_STATUSES } from "~/modules/leads/lead-statuses";
import { adminLeadListView } from "~/modules/leads/admin-lead-views.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "All leads · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = adminLeadFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return adminLeadListView(actor, filter);
}

export default function AdminLeads() {
  const { leads, filter, choices, nextCursor } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.status || filter.offerId || filter.affiliateId || filter.from || filter.to);
  return (
    <>
      <PageHeader title="All leads" description="Newest first, 50 a page. Search by lead id, the affiliate's lead id or an email address." />
      <Form method="get" className="filter-bar card">
        <SearchFilterField value={filter.q} placeholder="Lead id, affiliate lead id or email" />
        <ChoiceFilterField
          name="status"
          label="Status"
          anyLabel="All statuses"
          value={filter.status}
          options={LEAD_STATUSES.map((s) => ({ value: s, label: humanize(s) }))}
        />
        <OfferFilterField offers={choices.offers} value={filter.offerId} />
        <ChoiceFilterField
          name="affiliateId"
          label="Affiliate"
          anyLabel="Any affiliate"
          value={filter.affiliateId}
          options={choices.affiliates.map((a) => ({ value: a.id, label: a.name }))}
        />
        <DateRangeFields fromLabel="Received from" from={filter.from} to={filter.to} />
        <FilterButtons clearTo="/admin/leads" filtered={filtered} />
      </Form>
      <section className="card">
        <DataTable
          stackOnPhone
          rows={leads}
          testId="admin-leads"
          empty={<EmptyState title={filtered ? "No leads match these filters" : "No leads yet"} />}
          head={
            <>
              <AdminLeadHeadCells />
              <th>Status</th>
              <th>Reasons</th>
              <th className="num">Sales</th>
            </>
          }
          row={(l) => (
            <tr key={l.id}>
              <AdminLeadCells lead={l} />
              <LeadOutcomeCells status={l.status} reasons={l.reasons} />
              <td className="num" data-label="Sales">
                {l.salesCount}
              </td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Lead pages" />
      </section>
    </>
  );
}
