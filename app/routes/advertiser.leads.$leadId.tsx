import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LeadQualityCards } from "~/components/check-list";
import { formatDateTime, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { StatusBadge } from "~/components/status-badge";
import { isReturnWindowOpen, returnDeadline } from "~/modules/disputes/return-window";
import { getBoughtLead } from "~/modules/leads/lead-queries.server";
import { formatMoney } from "~/utils/money";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Lead · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const lead = await orNotFound(getBoughtLead(actor, params.leadId ?? ""));
  const soldAt = new Date(lead.soldAt);
  return {
    lead,
    returnDeadline: returnDeadline(soldAt, lead.returnWindowDays),
    returnWindowOpen: isReturnWindowOpen(soldAt, lead.returnWindowDays),
  };
}

const FIRST_FIELDS = ["first_name", "last_name", "email", "phone", "state", "postal_code"];

export default function BoughtLead() {
  const { lead, returnDeadline, returnWindowOpen } = useLoaderData<typeof loader>();
  const name = [lead.fields.first_name, lead.fields.last_name].filter(Boolean).join(" ");
  const fieldNames = [
    ...FIRST_FIELDS.filter((f) => f in lead.fields),
    ...Object.keys(lead.fields)
      .filter((f) => !FIRST_FIELDS.includes(f))
      .sort(),
  ];
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/leads">← Leads</Link>
      </p>
      <PageHeader
        title={name || lead.fields.email || "Lead"}
        description={`${lead.offerTitle} · ${humanize(lead.vertical)}`}
        actions={<StatusBadge status="sold" />}
      />
      <div className="grid-2">
        <section className="card">
          <h2>Contact</h2>
          <dl className="details">
            {fieldNames.map((f) => (
              <div key={f} className="details-row">
                <dt>{humanize(f)}</dt>
                <dd>
                  {f === "email" ? (
                    <a href={`mailto:${lead.fields[f]}`}>{lead.fields[f]}</a>
                  ) : f === "phone" ? (
                    <a href={`tel:${lead.fields[f]}`}>{lead.fields[f]}</a>
                  ) : (
                    lead.fields[f]
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="card">
          <h2>Purchase</h2>
          <dl className="details">
            <dt>Quality</dt>
            <dd>
              <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
            </dd>
            <dt>Price</dt>
            <dd>{formatMoney(lead.priceCents, lead.currency)}</dd>
            <dt>Sold</dt>
            <dd>{formatDateTime(lead.soldAt)}</dd>
            <dt>Return window</dt>
            <dd>
              {lead.returnWindowDays} days ({returnWindowOpen ? "open until" : "closed on"} {formatDateTime(returnDeadline)})
            </dd>
            <dt>Lead id</dt>
            <dd>
              <code>{lead.leadId}</code>
            </dd>
          </dl>
        </section>
      </div>
      <LeadQualityCards checks={lead.checks} score={lead.qualityScore} temperature={lead.temperature} scoreReasons={lead.scoreReasons} />
    </>
  );
}
