import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { ChoiceFilterField, FilterButtons, SearchFilterField } from "~/components/filter-bar";
import { formatDate, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { COMPANY_KINDS } from "~/modules/companies/companies.constants";
import { companyListFilterSchema } from "~/modules/companies/companies.schema";
import { listCompaniesForAdmin } from "~/modules/companies/company-admin.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Companies · Admin · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = companyListFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listCompaniesForAdmin(actor, filter)) };
}

const STATE_LABELS = { active: "Active", suspended: "Suspended", "payouts-held": "Payouts held" } as const;

export default function AdminCompanies() {
  const { rows, nextCursor, filter } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const filtered = Boolean(filter.q || filter.kind || filter.state);
  return (
    <>
      <PageHeader
        title="Companies"
        description="Advertisers and affiliates, newest first. Open one to suspend it, hold its payouts, see its money or leave a note."
      />
      <Form method="get" className="filter-bar card">
        <SearchFilterField value={filter.q} placeholder="Name or member email" />
        <ChoiceFilterField
          name="kind"
          label="Kind"
          anyLabel="Any kind"
          value={filter.kind}
          options={COMPANY_KINDS.map((k) => ({ value: k, label: humanize(k) }))}
        />
        <ChoiceFilterField
          name="state"
          label="State"
          anyLabel="Any state"
          value={filter.state}
          options={Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <FilterButtons clearTo="/admin/companies" filtered={filtered} />
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          testId="companies"
          stackOnPhone
          empty={<EmptyState title={filtered ? "No companies match these filters" : "No companies yet"} />}
          head={
            <>
              <th>Company</th>
              <th>Kind</th>
              <th>State</th>
              <th className="num">Members</th>
              <th className="num">Offers</th>
              <th className="num">Orders</th>
              <th>Joined</th>
            </>
          }
          row={(c) => (
            <tr key={c.id}>
              <td data-label="Company">
                <Link to={`/admin/companies/${c.id}`}>{c.name}</Link>
                {c.firstEmail ? <div className="muted small">{c.firstEmail}</div> : null}
              </td>
              <td data-label="Kind">{humanize(c.kind)}</td>
              <td data-label="State">
                {c.suspended ? <span className="badge badge-danger">suspended</span> : <span className="badge badge-success">active</span>}{" "}
                {c.payoutsHeld ? <span className="badge badge-warning">payouts held</span> : null}
              </td>
              <td className="num" data-label="Members">
                {c.members}
              </td>
              <td className="num" data-label="Offers">
                {c.offers}
              </td>
              <td className="num" data-label="Orders">
                {c.orders}
              </td>
              <td className="nowrap" data-label="Joined">
                {formatDate(c.createdAt)}
              </td>
            </tr>
          )}
        />
        <CursorPager search={search} nextCursor={nextCursor} label="Company pages" />
      </section>
    </>
  );
}
