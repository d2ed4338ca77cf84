import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DisputeAnswerForm } from "~/components/dispute-answer-form";
import { DisputeEvidenceList } from "~/components/dispute-history";
import { FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { respondToDispute, withdrawDispute } from "~/modules/disputes/dispute-decisions.server";
import { disputeFormInput, withDisputeForm } from "~/modules/disputes/dispute-forms.server";
import { disputeResponseSchema, disputeWithdrawFormSchema } from "~/modules/disputes/disputes.schema";
import { DISPUTE_KIND_LABELS, DISPUTE_STATUS_LABELS } from "~/modules/disputes/disputes.constants";
import { affiliateDisputePageView } from "~/modules/disputes/dispute-views.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { handleForm, orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Dispute · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return orNotFound(affiliateDisputePageView(actor, params.disputeId ?? ""));
}

/** Answer (accept or contest) or withdraw one's own inquiry; the page says what happened. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const disputeId = params.disputeId ?? "";
  const here = `/affiliate/disputes/${encodeURIComponent(disputeId)}`;
  return withDisputeForm(request, async (upload) => {
    if (upload.record.intent === "withdraw") {
      return handleForm(
        upload.form,
        disputeWithdrawFormSchema,
        async () => {
          await withdrawDispute(actor, disputeId);
          return redirectWithFlash(here, "You withdrew your inquiry: nothing changes, and the buyer is told.");
        },
        disputeFormInput(upload),
      );
    }
    return handleForm(
      upload.form,
      disputeResponseSchema,
      async (data) => {
        const answered = await respondToDispute(actor, disputeId, upload.record);
        return redirectWithFlash(
          here,
          answered.status === "APPROVED"
            ? `You ${data.response === "accept" ? "accepted" : "confirmed"} it: it is approved and the money has moved.`
            : "You contested it: an admin decides, and both sides are told.",
        );
      },
      disputeFormInput(upload),
    );
  });
}

const SIDE_WORDS: Record<string, string> = { opener: "", respondent: "", admin: "Admin" };

export default function AffiliateDispute() {
  const { dispute: d, finding, evidence, answer, canWithdraw, maxFileMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && "errors" in result ? result : null;
  const sideLabel = (side: string) => SIDE_WORDS[side] || ((side === "opener") === d.openedByYou ? "You" : "The buyer");
  return (
    <>
      <p className="breadcrumb">
        <Link to="/affiliate/disputes">← All disputes</Link>
      </p>
      <PageHeader
        title={`${DISPUTE_KIND_LABELS[d.kind]}: ${d.reason}`}
        description={`On your lead ${d.leadExternalId}, opened ${formatDateTime(d.createdAt)}`}
      />
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title">Where it stands</h2>
        <dl className="details">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={DISPUTE_STATUS_LABELS[d.status]} />
          </dd>
          <dt>Opened by</dt>
          <dd>{d.openedByYou ? "You" : "The buyer"}</dd>
          {d.responseDueAt ? (
            <>
              <dt>Answer due</dt>
              <dd>{`${formatDateTime(d.responseDueAt)}${d.kind === "CONVERSION_INQUIRY" ? " (unanswered, an admin decides)" : " (unanswered, it is accepted)"}`}</dd>
            </>
          ) : null}
          {d.claim.map(([k, v]) => (
            <div key={k} className="contents">
              <dt>{k[0].toUpperCase() + k.slice(1)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
          {d.note ? (
            <>
              <dt>{d.openedByYou ? "Your note" : "The buyer's note"}</dt>
              <dd className="pre-wrap">{d.note}</dd>
            </>
          ) : null}
          {d.response ? (
            <>
              <dt>Answer</dt>
              <dd>{`${d.response}${d.responseNote ? `: ${d.responseNote}` : ""}`}</dd>
            </>
          ) : null}
          {d.resolvedBy ? (
            <>
              <dt>Decided</dt>
              <dd>{`${d.resolvedBy.toLowerCase()}${d.decisionReason ? `: ${d.decisionReason}` : ""}${d.decidedAt ? ` (${formatDateTime(d.decidedAt)})` : ""}`}</dd>
            </>
          ) : null}
        </dl>
      </section>
      {finding ? (
        <section className="card" aria-labelledby="finding-title">
          <h2 id="finding-title">What the platform found</h2>
          <p>{finding.summary}</p>
          {finding.facts.length > 0 ? (
            <ul>
              {finding.facts.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      <section className="card" aria-labelledby="evidence-title">
        <h2 id="evidence-title">Evidence</h2>
        <DisputeEvidenceList disputeId={d.id} evidence={evidence.map((e) => ({ ...e, by: sideLabel(e.side) }))} />
      </section>
      {answer ? (
        <DisputeAnswerForm
          agree={answer.agree}
          disagree={answer.disagree}
          agreeMeans={answer.means}
          dueAt={d.responseDueAt}
          failure={failure}
          maxFileMb={maxFileMb}
        />
      ) : null}
      {canWithdraw ? (
        <section className="card" aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">Withdraw</h2>
          <p className="muted">Withdrawing closes your inquiry; nothing is billed.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="withdraw" />
            <button type="submit" className="button button-danger">
              Withdraw this inquiry
            </button>
          </Form>
        </section>
      ) : null}
      {!answer && failure?.formError ? <FormError error={failure.formError} /> : null}
    </>
  );
}
