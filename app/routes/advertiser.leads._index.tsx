import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { listBoughtLeads } from "~/modules/leads/lead-queries.server";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { leads: await listBoughtLeads(actor) };
}

export default function BoughtLeads() {
  const { leads } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Leads"
        description="Leads you bought, newest first. Contact them fast: hot leads cool quickly."
        actions={
          <a href="/advertiser/leads.csv" className="button button-ghost" download>
            Download CSV
          </a>
        }
      />
      <section className="card">
        <DataTable
          rows={leads}
          testId="bought-leads"
          empty={
            <EmptyState title="No leads bought yet">
              Leads that match your <Link to="/advertiser/orders">open orders</Link> appear here as soon as they are sold to you.
            </EmptyState>
          }
          head={
            <>
              <th>Name</th>
              <th>Email</th>
              <th>Phone</th>
              <th>State</th>
              <th>Postal code</th>
              <th>Offer</th>
              <th className="num">Price</th>
              <th>Sold</th>
            </>
          }
          row={(l) => {
            const name = [l.fields.first_name, l.fields.last_name].filter(Boolean).join(" ");
            return (
              <tr key={`${l.leadId}:${l.orderId}`}>
                <td className="nowrap">
                  <Link to={`/advertiser/leads/${l.leadId}`}>{name || "View lead"}</Link>
                </td>
                <td>{l.fields.email ? <a href={`mailto:${l.fields.email}`}>{l.fields.email}</a> : "—"}</td>
                <td className="nowrap">{l.fields.phone ? <a href={`tel:${l.fields.phone}`}>{l.fields.phone}</a> : "—"}</td>
                <td>{l.fields.state ?? "—"}</td>
                <td>{l.fields.postal_code ?? "—"}</td>
                <td>{l.offerTitle}</td>
                <td className="num">{formatMoney(l.priceCents, l.currency)}</td>
                <td className="nowrap">{formatDateTime(l.soldAt)}</td>
              </tr>
            );
          }}
        />
      </section>
    </>
  );
}
