import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LeadQualityCards } from "~/components/check-list";
import { DisputeFinding, DisputeStatusBadge } from "~/components/dispute-history";
import { Field, FieldError, FormError, SelectField, SubmitButton } from "~/components/field";
import { formatDateTime, formatElapsed, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { StatusBadge } from "~/components/status-badge";
import { describeOpenedReturn, returnFormFailure, returnFormRecord } from "~/modules/disputes/advertiser-returns.server";
import { refuseOversizedUpload } from "~/modules/disputes/dispute-forms.server";
import { readFinding } from "~/modules/disputes/disputes.schema";
import { EVIDENCE_CONTENT_TYPES, EVIDENCE_FILE_MAX_BYTES, RETURN_REASON_CODES, RETURN_REASON_LABELS } from "~/modules/disputes/disputes.constants";
import { openReturn } from "~/modules/disputes/lead-returns.server";
import { boughtLeadView } from "~/modules/leads/bought-lead-view.server";
import { markOwnLeadContacted } from "~/modules/leads/bought-leads.server";
import { getBoughtLead } from "~/modules/leads/lead-queries.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formValues } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Lead · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return orNotFound(boughtLeadView(actor, params.leadId ?? ""));
}

/** Return this lead (multipart: the evidence file; the page then says what happened), or mark it contacted (intent=contacted). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const lead = await orNotFound(getBoughtLead(actor, params.leadId ?? ""));
  let values: Record<string, string> | undefined;
  try {
    refuseOversizedUpload(request, EVIDENCE_FILE_MAX_BYTES, "evidence_file");
    const form = await readForm(request);
    if (form.get("intent") === "contacted") {
      const marked = await markOwnLeadContacted(actor, lead.leadId);
      return redirectWithFlash(
        `/advertiser/leads/${lead.leadId}`,
        marked.alreadyMarked ? `Already marked contacted on ${formatDateTime(marked.contactedAt)}: that first time stays.` : "Marked contacted.",
      );
    }
    values = formValues(form);
    const opened = await openReturn(actor, { ...(await returnFormRecord(form)), lead_id: lead.leadId });
    const finding = readFinding(opened.dispute.finding);
    return { done: { outcome: opened.outcome, returnId: opened.dispute.id, message: await describeOpenedReturn(opened), facts: finding?.facts ?? [] } };
  } catch (error) {
    return returnFormFailure(error, values);
  }
}

const REASON_OPTIONS = [{ value: "", label: "Choose a reason" }, ...RETURN_REASON_CODES.map((code) => ({ value: code, label: RETURN_REASON_LABELS[code] }))];

function ReturnCard() {
  const { lead, leadReturn, returnDeadline, returnWindowOpen } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const errors = (failure?.errors ?? {}) as Record<string, string | undefined>;
  const values = (failure?.values ?? {}) as Record<string, string | undefined>;
  const done = answer && "done" in answer ? answer.done : null;
  return (
    <section className="card" aria-labelledby="return-title" id="return">
      <h2 id="return-title">Return this lead</h2>
      {done ? (
        <div className={`alert ${done.outcome === "approved" ? "alert-success" : "alert-info"}`} role="status" data-testid="return-result">
          <p>{done.message}</p>
          {done.facts.length > 0 ? (
            <ul className="small">
              {done.facts.map((fact) => (
                <li key={fact}>{fact}</li>
              ))}
            </ul>
          ) : null}
          <Link to={`/advertiser/disputes/${done.returnId}`}>See the return</Link>
        </div>
      ) : null}
      {leadReturn ? (
        <div data-testid="lead-return">
          <p>
            Return asked {formatDateTime(leadReturn.createdAt)} ({leadReturn.reasonLabel}): <DisputeStatusBadge status={leadReturn.status} />
            {leadReturn.status === "AWAITING_RESPONSE" && leadReturn.responseDueAt ? (
              <span className="muted"> · the seller answers by {formatDateTime(leadReturn.responseDueAt)}</span>
            ) : null}
            {leadReturn.creditedCents !== null ? <span> · {formatMoney(leadReturn.creditedCents, leadReturn.currency)} credited</span> : null}
          </p>
          {done ? null : <DisputeFinding finding={leadReturn.finding} />}
          <p>
            <Link to={`/advertiser/disputes/${leadReturn.id}`}>Open the return</Link>
          </p>
        </div>
      ) : lead.pricingModel !== "CPL" ? (
        <p className="muted">
          This lead was bought on {lead.pricingModel} terms: nothing was charged for the lead itself, so there is nothing to return. Dispute the conversion
          instead.
        </p>
      ) : !returnWindowOpen ? (
        <p className="muted">The return window closed on {formatDateTime(returnDeadline)}.</p>
      ) : (
        <Form method="post" encType="multipart/form-data" className="form return-form" noValidate>
          <p className="muted">
            Returns are for leads that are invalid, duplicated, fraudulent, out of your filters or without consent (not for leads that did not convert). You may
            ask until <strong>{formatDateTime(returnDeadline)}</strong>. What the platform can prove is approved at once; the rest goes to the seller.
          </p>
          <FormError error={failure?.formError} />
          <SelectField name="reason" label="Reason" options={REASON_OPTIONS} required defaultValue={values.reason ?? ""} error={errors.reason} />
          <div className="field">
            <label htmlFor="f-note">Note</label>
            <textarea id="f-note" name="note" maxLength={2000} defaultValue={values.note} aria-invalid={errors.note ? true : undefined} />
            <FieldError error={errors.note} />
          </div>
          <div className="field">
            <label htmlFor="f-evidence_text">Evidence</label>
            <textarea
              id="f-evidence_text"
              name="evidence_text"
              maxLength={5000}
              placeholder="What your call log or CRM shows"
              defaultValue={values.evidence_text}
              aria-invalid={errors.evidence_text ? true : undefined}
            />
            <FieldError error={errors.evidence_text} />
          </div>
          <Field name="evidence_url" label="Evidence URL" type="url" placeholder="https://" defaultValue={values.evidence_url} error={errors.evidence_url} />
          <Field
            name="evidence_file"
            label="Evidence file"
            type="file"
            accept={EVIDENCE_CONTENT_TYPES.join(",")}
            error={errors.evidence_file}
            hint={`PDF, an image, text, CSV or audio; at most ${EVIDENCE_FILE_MAX_BYTES / 1024 / 1024} MB.`}
          />
          <SubmitButton>Return this lead</SubmitButton>
        </Form>
      )}
    </section>
  );
}

/** Speed to lead: from the postback to the buyer having the lead, and to its first contact (which the buyer marks). */
function SpeedToLead() {
  const { lead } = useLoaderData<typeof loader>();
  return (
    <section className="card" aria-labelledby="speed-title" data-testid="speed-to-lead">
      <h2 id="speed-title">Speed to lead</h2>
      <dl className="details">
        <dt>Postback</dt>
        <dd>{formatDateTime(lead.receivedAt, { seconds: true })}</dd>
        <dt>Delivered</dt>
        <dd>
          {lead.deliveredAt ? (
            <>
              {formatDateTime(lead.deliveredAt, { seconds: true })} ·{" "}
              <strong>delivered {formatElapsed(lead.receivedAt, lead.deliveredAt)} after the postback</strong>
            </>
          ) : (
            <span className="muted">Not yet: your CRM has not accepted the webhook (see Deliveries)</span>
          )}
        </dd>
        <dt>Contacted</dt>
        <dd>
          {lead.contactedAt ? (
            <>
              {formatDateTime(lead.contactedAt, { seconds: true })}
              {lead.deliveredAt ? ` · ${formatElapsed(lead.deliveredAt, lead.contactedAt)} after delivery` : ""}
              {lead.contactedBy ? ` · marked by ${lead.contactedBy}` : " · marked by API"}
            </>
          ) : (
            <Form method="post" className="row-actions">
              <span className="muted">Not marked yet.</span>
              <input type="hidden" name="intent" value="contacted" />
              <button type="submit" className="button button-small">
                Mark contacted
              </button>
            </Form>
          )}
        </dd>
      </dl>
    </section>
  );
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
      <SpeedToLead />
      <ReturnCard />
      <LeadQualityCards checks={lead.checks} score={lead.qualityScore} temperature={lead.temperature} scoreReasons={lead.scoreReasons} />
    </>
  );
}
