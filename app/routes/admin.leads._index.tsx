import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { AdminLeadCells, AdminLeadHeadCells } from "~/components/admin-lead-cells";
import { DataTable } from "~/components/data-table";
import { humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { LeadOutcomeCells } from "~/components/status-badge";
import { LeadStatus } from "~/generated/prisma/enums";
import { adminLeadFilterSchema } from "~/modules/leads/leads.schema";
import { listAllLeads } from "~/modules/leads/lead-queries.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "All leads · Admin · Leadex" }];

const STATUSES = Object.values(LeadStatus);

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const { status } = adminLeadFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const leads = await listAllLeads(actor, { status });
  return {
    status: status ?? null,
    leads: leads.map((l) => ({
      id: l.id,
      externalId: l.externalId,
      receivedAt: l.receivedAt,
      offerTitle: l.offer.title,
      affiliateName: l.affiliate.name,
      status: l.status,
      reasons: l.reasons,
      qualityScore: l.qualityScore,
      temperature: l.temperature,
      salesCount: l._count.sales,
    })),
  };
}

export default function AdminLeads() {
  const { leads, status } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="All leads" description="Newest first (the latest 200)." />
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" name="status" defaultValue={status ?? ""}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      <section className="card">
        <DataTable
          stackOnPhone
          rows={leads}
          empty={<EmptyState title={status ? `No ${status.toLowerCase()} leads` : "No leads yet"} />}
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
              <td data-label="Sales" className="num">
                {l.salesCount}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
