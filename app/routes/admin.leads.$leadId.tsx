import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getLeadWithTimeline } from "~/modules/leads/lead-queries.server";
import { formatMoney } from "~/utils/money";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Lead · Admin · Leadex" }];

function asStringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v == null ? "" : String(v)]));
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const lead = await orNotFound(getLeadWithTimeline(actor, params.leadId ?? ""));
  return {
    lead: {
      id: lead.id,
      externalId: lead.externalId,
      status: lead.status,
      reasons: lead.reasons,
      receivedAt: lead.receivedAt,
      processedAt: lead.processedAt,
      offer: lead.offer,
      affiliateName: lead.affiliate.name,
      // Normalised fields once verified; as posted until then.
      fields: asStringRecord(lead.fields ?? lead.rawFields),
      subIds: asStringRecord(lead.subIds),
      ipAddress: lead.ipAddress,
      qualityScore: lead.qualityScore,
      temperature: lead.temperature,
    },
    sales: lead.sales.map((s) => ({
      id: s.id,
      advertiserName: s.advertiser.name,
      orderId: s.orderId,
      priceCents: s.priceCents,
      feeCents: s.feeCents,
      currency: s.currency,
      soldAt: s.soldAt,
    })),
    events: lead.events.map((e) => ({ id: e.id, type: e.type, message: e.message, createdAt: e.createdAt })),
  };
}

export default function AdminLead() {
  const { lead, sales, events } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/leads">← All leads</Link>
      </p>
      <PageHeader
        title={
          <>
            Lead <code>{lead.externalId}</code>
          </>
        }
        description={`${lead.offer.title} · from ${lead.affiliateName} · received ${formatDateTime(lead.receivedAt)}`}
        actions={<StatusBadge status={lead.status} />}
      />
      {lead.reasons.length > 0 ? (
        <div className="alert alert-warning">
          <strong>Reasons:</strong> {lead.reasons.join("; ")}
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card">
          <h2>Fields</h2>
          <dl className="details">
            {Object.entries(lead.fields).map(([name, value]) => (
              <div key={name} className="details-row">
                <dt>{humanize(name)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
            {Object.entries(lead.subIds).map(([name, value]) => (
              <div key={name} className="details-row">
                <dt>Sub-id {name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
            <dt>Leadex id</dt>
            <dd>
              <code>{lead.id}</code>
            </dd>
            <dt>IP address</dt>
            <dd>{lead.ipAddress ?? "—"}</dd>
            <dt>Quality</dt>
            <dd>
              {lead.qualityScore ?? "—"}
              {lead.temperature ? ` · ${humanize(lead.temperature)}` : ""}
            </dd>
            <dt>Processed</dt>
            <dd>{formatDateTime(lead.processedAt)}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>Sales</h2>
          <DataTable
            rows={sales}
            empty={<p className="muted">Not sold.</p>}
            head={
              <>
                <th>Advertiser</th>
                <th className="num">Price</th>
                <th className="num">Fee</th>
                <th>Sold</th>
              </>
            }
            row={(s) => (
              <tr key={s.id}>
                <td>{s.advertiserName}</td>
                <td className="num">{formatMoney(s.priceCents, s.currency)}</td>
                <td className="num">{formatMoney(s.feeCents, s.currency)}</td>
                <td className="nowrap">{formatDateTime(s.soldAt)}</td>
              </tr>
            )}
          />
        </section>
      </div>
      <section className="card">
        <h2>Timeline</h2>
        {events.length === 0 ? (
          <p className="muted">No events recorded.</p>
        ) : (
          <ol className="timeline">
            {events.map((e) => (
              <li key={e.id}>
                <time className="nowrap muted small">{formatDateTime(e.createdAt, { seconds: true })}</time>
                <span className={`event-type event-${e.type}`}>{e.type}</span>
                <span>{e.message}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
