import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DisputeEvidenceList, DisputeFinding, DisputeHistory, DisputeStatusBadge } from "~/components/dispute-history";
import { Field, FieldError, FormError, SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { getAdvertiserDispute } from "~/modules/disputes/advertiser-disputes.server";
import { returnFormFailure, returnFormRecord } from "~/modules/disputes/advertiser-returns.server";
import { refuseOversizedUpload } from "~/modules/disputes/dispute-forms.server";
import { respondToDispute, withdrawDispute } from "~/modules/disputes/dispute-decisions.server";
import { DISPUTE_KIND_LABELS, EVIDENCE_CONTENT_TYPES, EVIDENCE_FILE_MAX_BYTES } from "~/modules/disputes/disputes.constants";
import { formValues } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/flash.server";
import { orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Dispute · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { dispute: await orNotFound(getAdvertiserDispute(actor, params.disputeId ?? "")) };
}

/** Withdraw its own return or dispute; confirm or decline an inquiry addressed to it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const dispute = await orNotFound(getAdvertiserDispute(actor, params.disputeId ?? ""));
  // 303: the browser follows the (possibly multipart) POST with a GET of the page.
  const here = `/advertiser/disputes/${dispute.id}`;
  let values: Record<string, string> | undefined;
  try {
    refuseOversizedUpload(request, EVIDENCE_FILE_MAX_BYTES, "evidence_file");
    const form = await readForm(request);
    values = formValues(form);
    if (form.get("intent") === "withdraw") {
      await withdrawDispute(actor, dispute.id);
      return redirectWithFlash(here, "Withdrawn: nothing is charged or credited, and the seller is told.", { status: 303 });
    }
    const { evidence_text, evidence_url, evidence_file } = await returnFormRecord(form);
    const answered = await respondToDispute(actor, dispute.id, {
      response: form.get("response") ?? "",
      note: form.get("note") ?? "",
      evidence_text,
      evidence_url,
      evidence_file,
    });
    return redirectWithFlash(
      here,
      answered.status === "APPROVED"
        ? "Confirmed: the conversion is recorded and billed, and the affiliate is told."
        : "Declined: an admin will decide, and you will be told the decision.",
      { status: 303 },
    );
  } catch (error) {
    return returnFormFailure(error, values);
  }
}

export default function AdvertiserDispute() {
  const { dispute: d } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const errors = (failure?.errors ?? {}) as Record<string, string | undefined>;
  const values = (failure?.values ?? {}) as Record<string, string | undefined>;
  const kind = DISPUTE_KIND_LABELS[d.kind];
  return (
    <>
      <p className="breadcrumb">
        <Link to={d.kind === "LEAD_RETURN" ? "/advertiser/returns" : "/advertiser/conversions"}>← {d.kind === "LEAD_RETURN" ? "Returns" : "Conversions"}</Link>
      </p>
      <PageHeader
        title={`${kind}: ${d.reasonLabel}`}
        description={`${d.offerTitle} · asked ${formatDateTime(d.openedAt)}`}
        actions={<DisputeStatusBadge status={d.status} />}
      />
      <FormError error={failure?.formError} />
      <div className="grid-2">
        <section className="card">
          <h2>The {d.kind === "LEAD_RETURN" ? "return" : "dispute"}</h2>
          <dl className="details">
            <dt>Kind</dt>
            <dd>{kind}</dd>
            <dt>Reason</dt>
            <dd>{d.reasonLabel}</dd>
            <dt>Status</dt>
            <dd>
              <DisputeStatusBadge status={d.status} />
            </dd>
            <dt>Deadline</dt>
            <dd>{d.responseDueAt ? `${d.youOpened ? "The seller answers" : "You answer"} by ${formatDateTime(d.responseDueAt)}` : "—"}</dd>
            <dt>Lead</dt>
            <dd>
              <Link to={`/advertiser/leads/${d.leadId}`}>
                <code>{d.leadId}</code>
              </Link>{" "}
              <span className="muted">({formatMoney(d.priceCents, d.currency)})</span>
            </dd>
            {d.conversionId ? (
              <>
                <dt>Conversion</dt>
                <dd>
                  <Link to={`/advertiser/conversions/${d.conversionId}`}>{d.conversionId}</Link>
                </dd>
              </>
            ) : null}
            <dt>Seller</dt>
            <dd>{d.affiliate}</dd>
            <dt>Asked by</dt>
            <dd>{d.youOpened ? "You" : d.affiliate}</dd>
          </dl>
        </section>
        <section className="card">
          <h2>What the platform found</h2>
          <DisputeFinding finding={d.finding} />
          <h3>Decision</h3>
          {d.decidedAt ? (
            <p data-testid="dispute-decision">
              <DisputeStatusBadge status={d.status} /> {formatDateTime(d.decidedAt)}
              {d.resolvedBy ? <span className="muted"> · {RESOLVED_BY_WORDS[d.resolvedBy] ?? d.resolvedBy}</span> : null}
              {d.decisionReason ? <span className="block dispute-text">{d.decisionReason}</span> : null}
              {d.status === "APPROVED" && d.kind === "LEAD_RETURN" ? (
                <span className="block">
                  {formatMoney(d.priceCents, d.currency)} credited to your wallet{d.atPlatformCost ? " at the platform's cost" : ""}.
                </span>
              ) : null}
            </p>
          ) : (
            <p className="muted">Not decided yet.</p>
          )}
        </section>
      </div>
      <section className="card">
        <h2>Notes and evidence</h2>
        <div className="grid-2">
          <div>
            <h3>{d.youOpened ? "Your note" : `${d.affiliate}'s note`}</h3>
            <p className="dispute-text">{d.note ?? <span className="muted">No note.</span>}</p>
          </div>
          <div>
            <h3>{d.youOpened ? `${d.affiliate}'s answer` : "Your answer"}</h3>
            {d.response ? (
              <p className="dispute-text">
                <strong>{d.response}</strong> {d.respondedAt ? <span className="muted small">{formatDateTime(d.respondedAt)}</span> : null}
                {d.responseNote ? <span className="block">{d.responseNote}</span> : null}
              </p>
            ) : (
              <p className="muted">No answer yet.</p>
            )}
          </div>
        </div>
        <h3>Evidence</h3>
        <DisputeEvidenceList disputeId={d.id} evidence={d.evidence} />
      </section>
      {d.canAnswer ? (
        <section className="card" aria-labelledby="answer-title">
          <h2 id="answer-title">Confirm or decline</h2>
          <Form method="post" encType="multipart/form-data" className="form return-form" noValidate>
            <fieldset className="field">
              <legend>Your answer</legend>
              <label className="checkbox">
                <input type="radio" name="response" value={d.answers.agree} defaultChecked={values.response === d.answers.agree} /> Confirm: record the
                conversion and pay for it
              </label>
              <label className="checkbox">
                <input type="radio" name="response" value={d.answers.disagree} defaultChecked={values.response === d.answers.disagree} /> Decline: an admin
                decides
              </label>
              <FieldError error={errors.response} />
            </fieldset>
            <div className="field">
              <label htmlFor="f-note">Reason (required to decline)</label>
              <textarea id="f-note" name="note" maxLength={2000} defaultValue={values.note} aria-invalid={errors.note ? true : undefined} />
              <FieldError error={errors.note} />
            </div>
            <div className="field">
              <label htmlFor="f-evidence_text">Evidence</label>
              <textarea id="f-evidence_text" name="evidence_text" maxLength={5000} defaultValue={values.evidence_text} />
              <FieldError error={errors.evidence_text} />
            </div>
            <Field name="evidence_url" label="Evidence URL" type="url" placeholder="https://" defaultValue={values.evidence_url} error={errors.evidence_url} />
            <Field name="evidence_file" label="Evidence file" type="file" accept={EVIDENCE_CONTENT_TYPES.join(",")} error={errors.evidence_file} />
            <SubmitButton>Send the answer</SubmitButton>
          </Form>
        </section>
      ) : null}
      {d.canWithdraw ? (
        <section className="card">
          <h2>Withdraw</h2>
          <Form method="post" className="form">
            <p className="muted">Changed your mind? Withdrawing closes it: nothing is charged or credited.</p>
            <button type="submit" name="intent" value="withdraw" className="button button-danger">
              Withdraw this {d.kind === "LEAD_RETURN" ? "return" : "dispute"}
            </button>
          </Form>
        </section>
      ) : null}
      <section className="card">
        <h2>History</h2>
        <DisputeHistory steps={d.history} />
      </section>
    </>
  );
}

const RESOLVED_BY_WORDS: Record<string, string> = {
  EVIDENCE: "by the platform's evidence",
  RESPONDENT: "by the other side's answer",
  DEADLINE: "no answer before the deadline",
  ADMIN: "by a Leadex admin",
  OPENER: "withdrawn by the side that opened it",
};
