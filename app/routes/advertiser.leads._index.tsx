import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { DataTable } from "~/components/data-table";
import { formatDateTime, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { listBoughtLeads } from "~/modules/leads/lead-queries.server";
import { TEMPERATURES } from "~/modules/quality/quality.schema";
import { formatMoney } from "~/utils/money";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

// An empty or unknown filter value shows every bought lead rather than an error.
const boughtLeadFilterSchema = z.object({
  temperature: z.enum(TEMPERATURES).optional().catch(undefined),
  minScore: z.coerce.number().int().min(0).max(100).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filter = boughtLeadFilterSchema.parse(params);
  return { leads: await listBoughtLeads(actor, filter), filter };
}

export default function BoughtLeads() {
  const { leads, filter } = useLoaderData<typeof loader>();
  const filtered = filter.temperature !== undefined || filter.minScore !== undefined;
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
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-temperature">Temperature</label>
          <select id="f-temperature" name="temperature" defaultValue={filter.temperature ?? ""}>
            <option value="">Any temperature</option>
            {TEMPERATURES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-min-score">Minimum score</label>
          <input id="f-min-score" name="minScore" type="number" min={0} max={100} defaultValue={filter.minScore ?? ""} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      <section className="card">
        <DataTable
          rows={leads}
          testId="bought-leads"
          empty={
            filtered ? (
              <EmptyState title="No bought leads match these filters" />
            ) : (
              <EmptyState title="No leads bought yet">
                Leads that match your <Link to="/advertiser/orders">open orders</Link> appear here as soon as they are sold to you.
              </EmptyState>
            )
          }
          head={
            <>
              <th>Name</th>
              <th>Email</th>
              <th>Phone</th>
              <th>State</th>
              <th>Postal code</th>
              <th>Offer</th>
              <th>Quality</th>
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
                <td>
                  <QualityBadges score={l.qualityScore} temperature={l.temperature} />
                </td>
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
