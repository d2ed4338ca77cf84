import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { LeadQualityCards } from "~/components/check-list";
import { formatDateTime } from "~/components/format";
import { LeadTimeline } from "~/components/lead-timeline";
import { PageHeader } from "~/components/portal-shell";
import { ReasonList } from "~/components/reason-text";
import { StatusBadge } from "~/components/status-badge";
import { getAffiliateLeadDetail } from "~/modules/leads/affiliate-leads.server";
import { formatMoney } from "~/utils/money";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Lead ${data?.lead.externalId ?? ""} · Leadex` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return { lead: await orNotFound(getAffiliateLeadDetail(actor, { id: params.leadId ?? "" })) };
}

const STATUS_WORDS: Record<string, string> = {
  RECEIVED: "Received: being checked and scored.",
  ACCEPTED: "Accepted: it passed every check and is being offered to buyers.",
  REJECTED: "Rejected: it failed a check or scored too low, and was not offered to buyers.",
  HELD: "Held for review: a Leadex reviewer decides whether it is accepted.",
  SOLD: "Sold: a buyer bought it.",
  UNSOLD: "Not sold: it passed the checks, but no buyer took it.",
  RETURNED: "Returned: a buyer returned it and the earning was taken back.",
};

export default function AffiliateLead() {
  const { lead } = useLoaderData<typeof loader>();
  const subIds = Object.entries(lead.subIds).filter(([, v]) => v !== "");
  return (
    <>
      <p className="breadcrumb">
        <Link to="/affiliate/leads">Leads</Link>
      </p>
      <PageHeader
        title={
          <>
            Lead <code>{lead.externalId}</code>
          </>
        }
        description={
          <>
            <Link to={`/affiliate/offers/${lead.offerId}`}>{lead.offerTitle}</Link> · received {formatDateTime(lead.receivedAt)} · Leadex id{" "}
            <code>{lead.id}</code>
          </>
        }
        actions={<StatusBadge status={lead.status} />}
      />
      <section className="card" data-testid="lead-outcome">
        <h2>What happened</h2>
        <dl className="details">
          <dt>Status</dt>
          <dd>{STATUS_WORDS[lead.status] ?? lead.status}</dd>
          <dt>Why</dt>
          <dd>
            <ReasonList codes={lead.reasons} />
          </dd>
          <dt>Buyers</dt>
          <dd>{lead.buyers === 0 ? "None" : lead.buyers === 1 ? "Sold to one buyer" : `Sold to ${lead.buyers} buyers`}</dd>
          <dt>Your earning</dt>
          <dd data-testid="lead-earning">
            {lead.earningCents > 0 ? formatMoney(lead.earningCents, lead.currency) : "Nothing yet"}{" "}
            <span className="muted small">
              after the platform fee; held until the return window closes (<Link to="/affiliate/earnings">Earnings</Link>)
            </span>
          </dd>
          <dt>Sub-ids</dt>
          <dd>
            {subIds.length === 0
              ? "None sent"
              : subIds.map(([k, v]) => (
                  <span key={k} className="tag">
                    {`${k}=${v}`}
                  </span>
                ))}
          </dd>
          {lead.processedAt ? (
            <>
              <dt>Decided</dt>
              <dd>{formatDateTime(lead.processedAt)}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <LeadQualityCards checks={lead.checks} score={lead.qualityScore} temperature={lead.temperature} scoreReasons={lead.scoreReasons} />
      <section className="card">
        <h2>Timeline</h2>
        <LeadTimeline events={lead.timeline} />
      </section>
    </>
  );
}
