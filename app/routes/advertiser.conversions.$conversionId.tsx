import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AffiliateNotice, ConversionPayout, ConversionStatus, ConversionWhat } from "~/components/conversion-cells";
import { DataTable } from "~/components/data-table";
import { Field, FieldError, FormError } from "~/components/field";
import { formatDateTime, humanize } from "~/components/format";
import { PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { getAdvertiserConversion } from "~/modules/conversions/advertiser-conversions.server";
import { submitConversionForm } from "~/modules/conversions/conversion-forms.server";
import { formatMoney } from "~/utils/money";
import { redirectWithFlash } from "~/utils/flash.server";
import { orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Conversion · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const found = await orNotFound(getAdvertiserConversion(actor, params.conversionId ?? ""));
  // A fresh reversal id per page view: submitting this form twice reverses once.
  return { ...found, reversalId: `portal-${crypto.randomUUID()}` };
}

/** Approve, reject, reverse or change the amount of this conversion; the page says what happened. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  form.set("conversionId", params.conversionId ?? "");
  const answer = await submitConversionForm(actor, form);
  if ("done" in answer) return redirectWithFlash(`/advertiser/conversions/${encodeURIComponent(answer.done.conversionId)}`, answer.done.message);
  return answer;
}

function DecisionCard() {
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer && (answer.values?.intent === "approve" || answer.values?.intent === "reject") ? answer : null;
  return (
    <section className="card" aria-labelledby="decide-title">
      <h2 id="decide-title">Approve or reject</h2>
      <p className="muted">
        Approving a held conversion bills it now. Rejecting gives back whatever was billed (to your wallet) and voids the affiliate's earning on it. Once
        locked, neither is possible.
      </p>
      <Form method="post" className="form form-wide">
        <Field
          name="reason"
          label="Reason"
          maxLength={500}
          hint="Required to reject; kept with the conversion and on the lead's timeline."
          defaultValue={failure?.values?.reason}
          error={failure?.errors.reason}
        />
        <FormError error={failure?.formError} />
        <div className="form-actions">
          <button type="submit" name="intent" value="approve" className="button">
            Approve
          </button>
          <button type="submit" name="intent" value="reject" className="button button-danger">
            Reject
          </button>
        </div>
      </Form>
    </section>
  );
}

function CorrectionCard({ kind, currency, reversalId }: { kind: "ACTION" | "SALE"; currency: string; reversalId: string }) {
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const reversalFailure = failure?.values?.intent === "reversal" ? failure : null;
  const amountFailure = failure?.values?.intent === "amount_change" ? failure : null;
  const unit = currency.toUpperCase();
  return (
    <section className="card" aria-labelledby="correct-title">
      <h2 id="correct-title">Send a correction</h2>
      <p className="muted">The same as a reversal or amount change sent by API. It is possible until the conversion locks.</p>
      <div className="grid-2">
        <Form method="post" className="form">
          <h3>Reverse</h3>
          <input type="hidden" name="intent" value="reversal" />
          <input type="hidden" name="reversalId" value={reversalId} />
          {kind === "SALE" ? (
            <Field
              name="amount"
              id="f-reversal-amount"
              label={`Refunded amount (${unit})`}
              inputMode="decimal"
              hint="Leave empty to reverse the whole sale; a part reverses the payout in proportion."
              defaultValue={reversalFailure?.values?.amount}
              error={reversalFailure?.errors.amount}
            />
          ) : null}
          <Field
            name="reason"
            id="f-reversal-reason"
            label="Reason"
            maxLength={500}
            defaultValue={reversalFailure?.values?.reason}
            error={reversalFailure?.errors.reason}
          />
          <FieldError error={reversalFailure?.errors.reversal_id ?? reversalFailure?.errors.conversion_id} />
          <FormError error={reversalFailure?.formError} />
          <div className="form-actions">
            <button type="submit" className="button button-danger">
              {kind === "SALE" ? "Reverse" : "Reverse this action"}
            </button>
          </div>
        </Form>
        {kind === "SALE" ? (
          <Form method="post" className="form">
            <h3>Change the sale amount</h3>
            <input type="hidden" name="intent" value="amount_change" />
            <Field
              name="amount"
              id="f-new-amount"
              label={`New sale amount (${unit})`}
              inputMode="decimal"
              hint="The payout is priced again on the conversion's own terms."
              defaultValue={amountFailure?.values?.amount}
              error={amountFailure?.errors.amount}
            />
            <Field
              name="reason"
              id="f-amount-reason"
              label="Reason"
              maxLength={500}
              defaultValue={amountFailure?.values?.reason}
              error={amountFailure?.errors.reason}
            />
            <FormError error={amountFailure?.formError} />
            <div className="form-actions">
              <button type="submit" className="button">
                Change the amount
              </button>
            </div>
          </Form>
        ) : null}
      </div>
    </section>
  );
}

const POSTBACK_WORDS: Record<string, string> = { converted: "Converted", reversed: "Reversed" };

export default function AdvertiserConversion() {
  const { conversion: c, adjustments, postbacks, reversalId } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/conversions">← All conversions</Link>
      </p>
      <PageHeader
        title={
          <>
            Conversion <code>{c.externalId}</code>
          </>
        }
        description={
          <>
            {c.offerTitle} · lead <Link to={`/advertiser/leads/${c.leadId}`}>{c.leadId}</Link> · reported by {c.source.toLowerCase()}
          </>
        }
        actions={<StatusBadge status={c.status} />}
      />
      <div className="grid-2">
        <section className="card">
          <h2>What it is</h2>
          <dl className="details" data-testid="conversion-details">
            <div className="details-row">
              <dt>{c.kind === "ACTION" ? "Action" : "Sale"}</dt>
              <dd>
                <ConversionWhat c={c} />
              </dd>
            </div>
            <div className="details-row">
              <dt>Payout</dt>
              <dd>
                <ConversionPayout c={c} />
              </dd>
            </div>
            <div className="details-row">
              <dt>Status</dt>
              <dd>
                <ConversionStatus c={c} />
              </dd>
            </div>
            <div className="details-row">
              <dt>Occurred</dt>
              <dd>{formatDateTime(c.occurredAt)}</dd>
            </div>
            <div className="details-row">
              <dt>Reported</dt>
              <dd>{formatDateTime(c.receivedAt)}</dd>
            </div>
            <div className="details-row">
              <dt>Billed</dt>
              <dd>{formatDateTime(c.billedAt)}</dd>
            </div>
            <div className="details-row">
              <dt>{c.lockedAt ? "Locked" : "Locks on"}</dt>
              <dd>{formatDateTime(c.lockedAt ?? c.lockAt)}</dd>
            </div>
          </dl>
        </section>
        <section className="card">
          <h2>Affiliate notified</h2>
          <p data-testid="affiliate-notice">
            <AffiliateNotice c={c} />
          </p>
          {postbacks.length === 0 ? (
            <p className="muted small">The affiliate is told by postback when the conversion is billed, if it asked to be.</p>
          ) : (
            <ul className="lead-list">
              {postbacks.map((p) => (
                <li key={p.id}>
                  <span>{POSTBACK_WORDS[p.event] ?? humanize(p.event)} postback</span>
                  <span className="muted small">{p.deliveredAt ? `delivered ${formatDateTime(p.deliveredAt)}` : `${p.attempts} attempt(s)`}</span>
                  <StatusBadge status={p.status} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {c.decidable ? <DecisionCard /> : null}
      {c.correctable ? <CorrectionCard kind={c.kind} currency={c.currency} reversalId={reversalId} /> : null}
      {answer && "errors" in answer && !answer.values?.intent ? <FormError error={answer.formError ?? Object.values(answer.errors).join(" ")} /> : null}
      <section className="card">
        <h2>Corrections</h2>
        <DataTable
          stackOnPhone
          rows={adjustments}
          testId="conversion-adjustments"
          empty={<p className="muted">No reversal or amount change.</p>}
          head={
            <>
              <th>When</th>
              <th>What</th>
              <th>Reason</th>
              <th className="num">Payout change</th>
            </>
          }
          row={(a) => (
            <tr key={a.id}>
              <td data-label="When" className="nowrap">
                {formatDateTime(a.createdAt)}
              </td>
              <td data-label="What">
                {humanize(a.kind)} <span className="muted small block">{a.key}</span>
              </td>
              <td data-label="Reason">{a.reason}</td>
              <td data-label="Payout change" className={`num ${a.payoutDeltaCents < 0 ? "negative" : ""}`}>
                {formatMoney(a.payoutDeltaCents, c.currency)}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
