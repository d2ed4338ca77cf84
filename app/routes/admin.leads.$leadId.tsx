import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LeadQualityCards } from "~/components/check-list";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError } from "~/components/field";
import { formatDateTime, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { StatusBadge } from "~/components/status-badge";
import { getLeadWithTimeline } from "~/modules/leads/lead-queries.server";
import { readCheckResults, readScoreReasons, reviewDecisionSchema } from "~/modules/quality/review.schema";
import { getReviewThresholds, reviewHeldLead } from "~/modules/quality/review.server";
import { formatMoney } from "~/utils/money";
import { formFailureFrom, orNotFound, parseForm, readForm } from "~/utils/route-errors.server";
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
      checks: readCheckResults(lead.checks),
      scoreReasons: readScoreReasons(lead.scoreReasons),
    },
    // Held leads are decided here: the thresholds the score was held against.
    thresholds: lead.status === "HELD" ? await getReviewThresholds(actor, lead.offer.id) : null,
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

/** An admin approves or rejects a held lead, then goes back to the review queue. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const leadId = params.leadId ?? "";
  const parsed = parseForm(await readForm(request), reviewDecisionSchema, { formError: "Choose approve or reject, and give a reason." });
  if (!parsed.success) return parsed.failure;
  try {
    const { outcome } = await reviewHeldLead(actor, leadId, parsed.data);
    return redirect(`/admin/review?${new URLSearchParams({ decided: leadId, outcome })}`);
  } catch (error) {
    return formFailureFrom(error, parsed.values);
  }
}

function ReviewForm({ thresholds }: { thresholds: { acceptScore: number; rejectScore: number } }) {
  const failure = useActionData<typeof action>();
  const reasonError = failure?.errors.reason;
  return (
    <section className="card review-form" aria-labelledby="review-title">
      <h2 id="review-title">Review</h2>
      <p className="muted">
        Held for review: the offer accepts a score of {thresholds.acceptScore} or more and rejects below {thresholds.rejectScore}. Approving accepts the lead
        and routes it to matching orders; rejecting stops it and tells the affiliate.
      </p>
      <Form method="post" className="form form-wide">
        <div className="field">
          <label htmlFor="f-reason">Reason</label>
          <textarea
            id="f-reason"
            name="reason"
            defaultValue={failure?.values?.reason}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? "f-reason-error" : "f-reason-hint"}
          />
          <p className="hint" id="f-reason-hint">
            Required to approve or reject; written to the audit log and the lead&apos;s timeline.
          </p>
          <FieldError id="f-reason-error" error={reasonError} />
        </div>
        <FieldError error={failure?.errors.decision} />
        <div className="form-actions">
          <button type="submit" name="decision" value="approve" className="button">
            Approve
          </button>
          <button type="submit" name="decision" value="reject" className="button button-danger">
            Reject
          </button>
        </div>
      </Form>
    </section>
  );
}

export default function AdminLead() {
  const { lead, sales, events, thresholds } = useLoaderData<typeof loader>();
  // Shown even when the lead is no longer held (a second admin decided first: 409).
  const reviewFailure = useActionData<typeof action>();
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
      <FormError error={reviewFailure?.formError} />
      {thresholds ? <ReviewForm thresholds={thresholds} /> : null}
      <LeadQualityCards checks={lead.checks} score={lead.qualityScore} temperature={lead.temperature} scoreReasons={lead.scoreReasons} />
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
              <QualityBadges score={lead.qualityScore} temperature={lead.temperature} />
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
