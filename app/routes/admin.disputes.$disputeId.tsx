import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { LeadQualityCards } from "~/components/check-list";
import { DisputeEvidenceList, DisputeFinding, DisputeHistory, DisputeStatusBadge } from "~/components/dispute-history";
import { FieldError, FormError } from "~/components/field";
import { formatBps, formatDateTime } from "~/components/format";
import { LeadTimeline } from "~/components/lead-timeline";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getDisputeForAdmin } from "~/modules/disputes/admin-disputes.server";
import { decideDispute } from "~/modules/disputes/dispute-decisions.server";
import { isOpenStatus } from "~/modules/disputes/dispute-states";
import { disputeDecisionSchema } from "~/modules/disputes/disputes.schema";
import { DISPUTE_KIND_LABELS } from "~/modules/disputes/disputes.constants";
import { formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Dispute · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const page = await orNotFound(getDisputeForAdmin(actor, params.disputeId ?? ""));
  return { ...page, justDecided: new URL(request.url).searchParams.has("decided") };
}

/** The admin's final decision: approve, approve at the platform's cost (returns), or deny, with a reason. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const disputeId = params.disputeId ?? "";
  // The page says what was decided (?decided=1): the notice needs the dispute's last step.
  return handleForm(
    await readForm(request),
    disputeDecisionSchema,
    async (data) => {
      await decideDispute(actor, disputeId, data);
      return redirect(`/admin/disputes/${encodeURIComponent(disputeId)}?decided=1`);
    },
    { formError: "Choose a decision and say why." },
  );
}

type PageData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function AdminDispute() {
  const data = useLoaderData<typeof loader>();
  const { dispute, lead, finding, history, justDecided } = data;
  const open = isOpenStatus(dispute.status);
  const lastStep = history[history.length - 1];
  // A second decision (another admin was first) answers 409: said here, as the form is gone.
  const failure = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/disputes">← Disputes</Link>
      </p>
      <PageHeader
        title={
          <>
            {DISPUTE_KIND_LABELS[dispute.kind]} <code>{dispute.id}</code>
          </>
        }
        description={`${dispute.reason} · ${dispute.offerTitle} · opened ${formatDateTime(dispute.createdAt)}`}
        actions={<DisputeStatusBadge status={dispute.status} />}
      />
      {justDecided && !open && lastStep ? (
        <div className="alert alert-success" role="status" data-testid="decided">
          <strong>Decision recorded.</strong> {`${lastStep.message}. Both the buyer and the seller were told, in the portal and by email.`}
        </div>
      ) : null}
      {open ? null : <FormError error={failure?.formError} />}
      {open ? <DecisionForm data={data} /> : <DecisionSummary data={data} />}
      <div className="grid-2">
        <SideCard data={data} side="buyer" />
        <SideCard data={data} side="seller" />
      </div>
      <section className="card" data-testid="finding">
        <h2>What the platform found</h2>
        <DisputeFinding finding={finding} />
        {dispute.sale ? (
          <p className="muted small">
            The sale: {formatMoney(dispute.sale.priceCents, dispute.sale.currency)} ({dispute.sale.pricingModel}, fee{" "}
            {formatMoney(dispute.sale.feeCents, dispute.sale.currency)}), sold {formatDateTime(dispute.sale.soldAt)}.
          </p>
        ) : null}
      </section>
      <h2>
        Lead{" "}
        <Link to={`/admin/leads/${lead.id}`}>
          <code>{lead.externalId}</code>
        </Link>{" "}
        <StatusBadge status={lead.status} />
      </h2>
      <LeadQualityCards checks={lead.checks} score={lead.qualityScore} temperature={lead.temperature} scoreReasons={lead.scoreReasons} />
      <div className="grid-2">
        <ReturnHistoryCard title="The buyer's returns" history={data.buyer} testId="buyer-history" filter="buyer" />
        <ReturnHistoryCard title="The seller's returned leads" history={data.seller} testId="seller-history" filter="seller" />
      </div>
      <section className="card">
        <h2>This dispute&apos;s history</h2>
        <DisputeHistory steps={history} />
      </section>
      <section className="card">
        <h2>The lead&apos;s timeline</h2>
        <LeadTimeline events={lead.events} />
      </section>
    </>
  );
}

/** One side's notes and evidence: the side that opened it, or the side that answered. */
function SideCard({ data, side }: { data: PageData; side: "buyer" | "seller" }) {
  const { dispute, evidence, opener } = data;
  const isOpener = side === opener;
  const own = evidence.filter((e) => e.side === (isOpener ? "opener" : "respondent"));
  return (
    <section className="card" data-testid={`${side}-side`}>
      <h2>{side === "buyer" ? `The buyer: ${data.buyer.name}` : `The seller: ${data.seller.name}`}</h2>
      {isOpener ? (
        <>
          <p>
            {`Opened it${dispute.openedByRole === "ADMIN" ? ` (an admin on its behalf${dispute.openedByName ? `: ${dispute.openedByName}` : ""})` : ""}: `}
            <strong>{dispute.reason}</strong>
          </p>
          {dispute.note ? <blockquote>{dispute.note}</blockquote> : <p className="muted small">No note.</p>}
        </>
      ) : dispute.response ? (
        <>
          <p>
            Answered <strong>{dispute.response}</strong> on {formatDateTime(dispute.respondedAt)}
          </p>
          {dispute.responseNote ? <blockquote>{dispute.responseNote}</blockquote> : null}
        </>
      ) : (
        <p className="muted">{dispute.responseDueAt ? `Has not answered yet (due ${formatDateTime(dispute.responseDueAt)}).` : "Did not answer."}</p>
      )}
      <h3>Evidence</h3>
      <DisputeEvidenceList disputeId={dispute.id} evidence={own.map((e) => ({ ...e, by: side === "buyer" ? "The buyer" : "The seller" }))} />
    </section>
  );
}

function ReturnHistoryCard({ title, history, testId, filter }: { title: string; history: PageData["buyer"]; testId: string; filter: "buyer" | "seller" }) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      <p>
        <Link to={`/admin/disputes?status=any&${filter}=${encodeURIComponent(history.companyId)}`}>{history.name}</Link>
      </p>
      <dl className="details">
        <dt>Returns asked (30 days)</dt>
        <dd>{`${history.asked}: ${history.approved} approved, ${history.denied} denied, ${history.open} open`}</dd>
        <dt>Approved-return rate (30 days)</dt>
        <dd>{`${formatBps(history.rateBps)} (${history.approvedOfSales} of ${history.sales} CPL ${history.sales === 1 ? "sale" : "sales"})`}</dd>
        <dt>Rate on record</dt>
        <dd>{formatBps(history.storedRateBps)}</dd>
      </dl>
      <h3>Last disputes</h3>
      {history.recent.length === 0 ? (
        <p className="muted small">No other dispute.</p>
      ) : (
        <ul className="lead-list">
          {history.recent.map((d) => (
            <li key={d.id}>
              <span>
                <Link to={`/admin/disputes/${d.id}`}>{DISPUTE_KIND_LABELS[d.kind]}</Link>: {d.reason}
              </span>
              <span className="muted small">{formatDateTime(d.createdAt)}</span>
              <DisputeStatusBadge status={d.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DecisionSummary({ data }: { data: PageData }) {
  const { dispute, evidence } = data;
  const adminEvidence = evidence.filter((e) => e.side === "admin");
  const money = dispute.status === "APPROVED" ? (dispute.atPlatformCost ? "Approved at the platform's cost" : "Approved") : null;
  return (
    <section className="card" data-testid="decision">
      <h2>Decision</h2>
      <dl className="details">
        <dt>Outcome</dt>
        <dd>
          <DisputeStatusBadge status={dispute.status} /> {money}
        </dd>
        <dt>Resolved by</dt>
        <dd>
          {dispute.resolvedBy ? dispute.resolvedBy.toLowerCase() : "—"}
          {dispute.decidedByName ? ` (${dispute.decidedByName})` : ""}
        </dd>
        <dt>When</dt>
        <dd>{formatDateTime(dispute.decidedAt)}</dd>
        <dt>Why</dt>
        <dd>{dispute.decisionReason ?? "—"}</dd>
        {dispute.journalEntryId ? (
          <>
            <dt>Ledger entry</dt>
            <dd>
              <code>{dispute.journalEntryId}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {adminEvidence.length > 0 ? <DisputeEvidenceList disputeId={dispute.id} evidence={adminEvidence.map((e) => ({ ...e, by: "Leadex admin" }))} /> : null}
      <p className="muted small">A decision is final: this dispute cannot be decided again.</p>
    </section>
  );
}

function DecisionForm({ data }: { data: PageData }) {
  const { dispute } = data;
  const failure = useActionData<typeof action>();
  const reasonError = failure?.errors.reason;
  const price = dispute.sale ? formatMoney(dispute.sale.priceCents, dispute.sale.currency) : null;
  const earning = dispute.sale ? formatMoney(dispute.sale.priceCents - dispute.sale.feeCents, dispute.sale.currency) : null;
  const isReturn = dispute.kind === "LEAD_RETURN";
  return (
    <section className="card review-form" aria-labelledby="decide-title">
      <h2 id="decide-title">Decide</h2>
      <ul className="muted">
        {isReturn ? (
          <>
            <li>
              <strong>Approve</strong>: {price} back to the buyer; the seller&apos;s earning and the platform fee are reversed (clawed back from later earnings
              if already released).
            </li>
            <li>
              <strong>Approve at the platform&apos;s cost</strong>: {price} back to the buyer; the seller keeps its {earning}; the platform pays.
            </li>
          </>
        ) : (
          <li>
            <strong>Approve</strong>: the claim is accepted and the conversion is recorded or adjusted.
          </li>
        )}
        <li>
          <strong>Deny</strong>: nothing moves.
        </li>
      </ul>
      <p className="muted small">The decision is final, written to the audit log and the lead&apos;s timeline, and both sides are told your reason.</p>
      <FormError error={failure?.formError} />
      <Form method="post" className="form form-wide">
        <div className="field">
          <label htmlFor="f-reason">Reason</label>
          <textarea
            id="f-reason"
            name="reason"
            required
            minLength={3}
            maxLength={2000}
            defaultValue={failure?.values?.reason}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? "f-reason-error" : undefined}
          />
          <FieldError id="f-reason-error" error={reasonError} />
        </div>
        <FieldError error={failure?.errors.decision} />
        <div className="form-actions">
          <button type="submit" name="decision" value="approve" className="button">
            Approve
          </button>
          {isReturn ? (
            <button type="submit" name="decision" value="approve_at_platform_cost" className="button button-ghost">
              Approve at the platform&apos;s cost
            </button>
          ) : null}
          <button type="submit" name="decision" value="deny" className="button button-danger">
            Deny
          </button>
        </div>
      </Form>
    </section>
  );
}
