import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AdminReturnForm } from "~/components/admin-return-form";
import { LeadQualityCards } from "~/components/check-list";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError } from "~/components/field";
import { formatDateTime, humanize } from "~/components/format";
import { DisputeStatusBadge } from "~/components/dispute-history";
import { LeadTimeline } from "~/components/lead-timeline";
import { PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { ReasonList } from "~/components/reason-text";
import { StatusBadge } from "~/components/status-badge";
import { markConversionFraud } from "~/modules/conversions/conversion-fraud.server";
import { adminReturnFormSchema } from "~/modules/disputes/admin-disputes.schema";
import { returnLeadForBuyer } from "~/modules/disputes/admin-disputes.server";
import { DISPUTE_KIND_LABELS } from "~/modules/disputes/disputes.constants";
import { adminLeadPageView } from "~/modules/leads/admin-lead-views.server";
import { reviewDecisionSchema } from "~/modules/quality/review.schema";
import { reviewHeldLead } from "~/modules/quality/review.server";
import { formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { requireUser } from "~/utils/session.server";
import { conversionFraudFormSchema } from "~/modules/conversions/conversions.schema";

export const meta: MetaFunction = () => [{ title: "Lead · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const query = new URL(request.url).searchParams;
  return orNotFound(adminLeadPageView(actor, params.leadId ?? "", { returned: query.get("returned") }));
}

/**
 * An admin approves or rejects a held lead (then back to the review queue), marks a conversion as
 * fraud, or returns the lead on a buyer's behalf (past the window or the cap, saying why).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const leadId = params.leadId ?? "";
  const form = await readForm(request);
  if (form.get("intent") === "return") {
    return handleForm(
      form,
      adminReturnFormSchema,
      async (data) => {
        const { dispute } = await returnLeadForBuyer(actor, leadId, data);
        return redirect(`/admin/leads/${encodeURIComponent(leadId)}?returned=${encodeURIComponent(dispute.id)}`);
      },
      { formError: "Choose a reason for the return." },
    );
  }
  if (form.get("intent") === "fraud") {
    return handleForm(
      form,
      conversionFraudFormSchema,
      async (data) => {
        await markConversionFraud(actor, data.conversionId, data.reason);
        return redirectWithFlash(
          `/admin/leads/${encodeURIComponent(leadId)}`,
          "Conversion marked as fraud: what was left of it went back to the advertiser, and the affiliate was told.",
        );
      },
      { formError: "Say why this conversion is fraud." },
    );
  }
  return handleForm(
    form,
    reviewDecisionSchema,
    async (data) => {
      const { outcome } = await reviewHeldLead(actor, leadId, data);
      return redirect(`/admin/review?${new URLSearchParams({ decided: leadId, outcome })}`);
    },
    { formError: "Choose approve or reject, and give a reason." },
  );
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
  const { lead, sales, events, timelineOrders, thresholds, conversions } = useLoaderData<typeof loader>();
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
          <strong>Reasons:</strong> <ReasonList codes={lead.reasons} />
        </div>
      ) : null}
      {/* A return's failure shows beside its own form. */}
      <FormError error={reviewFailure?.values?.intent === "return" ? undefined : reviewFailure?.formError} />
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
            stackOnPhone
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
                <td data-label="Advertiser">{s.advertiserName}</td>
                <td data-label="Price" className="num">
                  {formatMoney(s.priceCents, s.currency)}
                </td>
                <td data-label="Fee" className="num">
                  {formatMoney(s.feeCents, s.currency)}
                </td>
                <td data-label="Sold" className="nowrap">
                  {formatDateTime(s.soldAt)}
                </td>
              </tr>
            )}
          />
        </section>
      </div>
      {conversions.length > 0 ? <ConversionsCard conversions={conversions} /> : null}
      {sales.length > 0 ? <ReturnsCard /> : null}
      <section className="card">
        <h2>Timeline</h2>
        <LeadTimeline events={events} orders={timelineOrders} />
      </section>
    </>
  );
}

/** The lead's returns and disputes; for each CPL sale not yet returned, an admin may return it on that buyer's behalf. */
function ReturnsCard() {
  const { sales, disputes, returned } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const opened = returned ? disputes.find((d) => d.id === returned) : undefined;
  const returnable = sales.filter((s) => s.pricingModel === "CPL" && !disputes.some((d) => d.kind === "LEAD_RETURN" && d.saleId === s.id));
  const buyerOf = (saleId: string) => sales.find((s) => s.id === saleId)?.advertiserName ?? "the buyer";
  return (
    <section className="card" aria-labelledby="returns-title" data-testid="lead-returns">
      <h2 id="returns-title">Returns and disputes</h2>
      {opened ? (
        <div className="alert alert-success" role="status">
          Return <Link to={`/admin/disputes/${opened.id}`}>{opened.id}</Link> opened on behalf of {buyerOf(opened.saleId)} (audited).{" "}
          {opened.status === "APPROVED"
            ? "The platform's evidence proves it: it is approved, the money is back in the buyer's wallet and both sides were told."
            : `The platform could not prove it by itself: the seller was asked to accept or contest it by ${formatDateTime(opened.responseDueAt)}.`}
        </div>
      ) : null}
      {disputes.length === 0 ? (
        <p className="muted">No return or dispute on this lead.</p>
      ) : (
        <ul className="lead-list">
          {disputes.map((d) => (
            <li key={d.id}>
              <span>
                <Link to={`/admin/disputes/${d.id}`}>{DISPUTE_KIND_LABELS[d.kind]}</Link> for {buyerOf(d.saleId)}: {d.reason}
              </span>
              <span className="muted small">{formatDateTime(d.createdAt)}</span>
              <DisputeStatusBadge status={d.status} />
            </li>
          ))}
        </ul>
      )}
      {returnable.map((s) => (
        <AdminReturnForm key={s.id} sale={s} failure={failure?.values?.saleId === s.id ? failure : undefined} />
      ))}
    </section>
  );
}

type LeadConversion = ReturnType<typeof useLoaderData<typeof loader>>["conversions"][number];

/** The lead's conversions; an admin may mark one as fraud (final: reversed, and clawed back once locked). */
function ConversionsCard({ conversions }: { conversions: LeadConversion[] }) {
  const failure = useActionData<typeof action>();
  return (
    <section className="card" aria-labelledby="conversions-title">
      <h2 id="conversions-title">Conversions</h2>
      <DataTable
        stackOnPhone
        rows={conversions}
        head={
          <>
            <th>Advertiser&apos;s id</th>
            <th>Advertiser</th>
            <th>What</th>
            <th className="num">Payout</th>
            <th>Status</th>
            <th>Occurred</th>
            <th>Locks</th>
            <th>Fraud</th>
          </>
        }
        row={(c) => (
          <tr key={c.id}>
            <td data-label="Advertiser's id">
              <code>{c.externalId}</code>
            </td>
            <td data-label="Advertiser">{c.advertiserName}</td>
            <td data-label="What">{c.what}</td>
            <td data-label="Payout" className="num">
              {formatMoney(c.payoutCents, c.currency)}
            </td>
            <td data-label="Status">
              <StatusBadge status={c.status} />
              {c.reason ? <div className="small muted">{c.reason}</div> : null}
              {c.corrections > 0 ? <div className="small muted">{c.corrections} correction(s)</div> : null}
            </td>
            <td data-label="Occurred" className="nowrap">
              {formatDateTime(c.occurredAt)}
            </td>
            <td data-label="Locks" className="nowrap">
              {formatDateTime(c.lockAt)}
            </td>
            <td data-label="Fraud">
              {c.status === "FRAUD" ? (
                <span className="muted">Marked</span>
              ) : (
                <Form method="post" className="form-inline compact-form">
                  <input type="hidden" name="intent" value="fraud" />
                  <input type="hidden" name="conversionId" value={c.id} />
                  <label className="visually-hidden" htmlFor={`fraud-${c.id}`}>
                    Why is conversion {c.externalId} fraud?
                  </label>
                  <input id={`fraud-${c.id}`} name="reason" placeholder="Why (required)" required minLength={3} maxLength={500} />
                  <button type="submit" className="button button-small button-danger">
                    Mark as fraud
                  </button>
                  {failure?.values?.conversionId === c.id ? <FieldError error={failure.errors.reason ?? failure.formError} /> : null}
                </Form>
              )}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
