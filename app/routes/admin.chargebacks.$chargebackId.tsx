import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError, SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader, StatCard } from "~/components/portal-shell";
import { chargebackEvidenceFormSchema, chargebackResumeFormSchema } from "~/modules/billing/chargebacks.schema";
import { CHARGEBACK_EVIDENCE_FIELDS, type ChargebackEvidenceField } from "~/modules/billing/chargebacks.constants";
import { getChargeback, resumeOrdersAfterChargeback, submitChargebackEvidence } from "~/modules/billing/chargebacks.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { formFailure, handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Card dispute · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return orNotFound(getChargeback(actor, params.chargebackId!));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const chargebackId = params.chargebackId ?? "";
  const here = `/admin/chargebacks/${encodeURIComponent(chargebackId)}`;
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "resume") {
    return handleForm(form, chargebackResumeFormSchema, async () =>
      redirectWithFlash(here, `${await resumeOrdersAfterChargeback(actor, chargebackId)} order(s) resumed.`),
    );
  }
  if (intent === "evidence") {
    return handleForm(form, chargebackEvidenceFormSchema, async (data) => {
      const status = await submitChargebackEvidence(actor, chargebackId, data);
      return redirectWithFlash(here, `Evidence sent to Stripe; the dispute is ${status.replaceAll("_", " ")}.`);
    });
  }
  return formFailure({}, "Choose what to do");
}

const STEP_LABELS: Record<string, string> = {
  "chargeback.opened": "Dispute opened by the card's bank",
  "chargeback.orders_paused": "Advertiser's orders paused",
  "chargeback.funds_withdrawn": "Disputed amount and Stripe's fee taken from the wallet",
  "chargeback.evidence_submitted": "Evidence submitted to Stripe",
  "chargeback.funds_reinstated": "Stripe returned the disputed amount to the wallet",
  "chargeback.closed": "The bank decided",
  "chargeback.orders_resumed": "Orders resumed",
};

function stepDetail(action: string, data: Record<string, unknown>, currency: string): string {
  const money = (v: unknown) => formatMoney(Number(v ?? 0), currency);
  switch (action) {
    case "chargeback.opened":
      return `${money(data.amountCents)}, reason ${String(data.reason).replaceAll("_", " ")}`;
    case "chargeback.orders_paused":
    case "chargeback.orders_resumed":
      return `${String(data.orders)} order(s)`;
    case "chargeback.funds_withdrawn":
      return `${money(data.debitedCents)} (fee ${money(data.feeCents)})`;
    case "chargeback.funds_reinstated":
      return money(data.creditedCents);
    case "chargeback.evidence_submitted":
      return `${String(data.fields)}; now ${String(data.status).replaceAll("_", " ")}`;
    case "chargeback.closed":
      return String(data.status);
    default:
      return "";
  }
}

export default function AdminChargeback() {
  const { chargeback: c, steps, open } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = (result && "errors" in result ? result.errors : undefined) ?? {};
  const values: Record<string, string> = (result && "values" in result ? result.values : undefined) ?? {};
  const money = (cents: number) => formatMoney(cents, c.currency);
  const canSubmit = open && !c.evidenceSubmittedAt;
  return (
    <>
      <PageHeader
        title={`Card dispute · ${c.advertiser.name}`}
        description={
          <>
            Stripe dispute <code>{c.stripeDisputeId}</code> of charge <code>{c.stripeChargeId}</code> (top-up of {money(c.topUp.amountCents)} paid{" "}
            {formatDateTime(c.topUp.paidAt)}). <Link to={`/admin/billing/${c.advertiser.id}`}>Advertiser&apos;s billing</Link> ·{" "}
            <Link to="/admin/chargebacks">All card disputes</Link>
          </>
        }
      />
      <FormError error={result && "formError" in result ? (result.formError ?? undefined) : undefined} />
      <div className="stats">
        <StatCard label="Status" value={c.status.replaceAll("_", " ")} testId="status" />
        <StatCard label="Disputed" value={money(c.amountCents)} />
        <StatCard label="Stripe's fee" value={money(c.feeCents)} />
        <StatCard label="Given back" value={money(c.reinstatedCents)} />
        <StatCard
          label="Evidence due by"
          value={c.evidenceSubmittedAt ? `submitted ${formatDateTime(c.evidenceSubmittedAt)}` : formatDateTime(c.evidenceDueBy)}
          testId="due"
        />
      </div>
      <p>Reason given by the bank: {c.reason.replaceAll("_", " ")}.</p>
      <section className="card">
        <h2>Steps</h2>
        <DataTable
          rows={steps}
          stackOnPhone
          testId="steps"
          empty={<EmptyState title="No steps recorded" />}
          head={
            <>
              <th>When</th>
              <th>Step</th>
              <th>Details</th>
              <th>By</th>
            </>
          }
          row={(s) => (
            <tr key={s.id}>
              <td data-label="When" className="nowrap">
                {formatDateTime(s.createdAt)}
              </td>
              <td data-label="Step">{STEP_LABELS[s.action] ?? s.action}</td>
              <td data-label="Details">{stepDetail(s.action, (s.data ?? {}) as Record<string, unknown>, c.currency)}</td>
              <td data-label="By">{s.actor?.name ?? "Stripe"}</td>
            </tr>
          )}
        />
      </section>
      {canSubmit ? (
        <section className="card">
          <h2>Submit evidence to Stripe</h2>
          <p className="muted">Sent to the card&apos;s bank at once: it cannot be changed afterwards. Fill in what you have.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="evidence" />
            {(Object.keys(CHARGEBACK_EVIDENCE_FIELDS) as ChargebackEvidenceField[]).map((f) => (
              <div className="field" key={f}>
                <label htmlFor={`f-${f}`}>{CHARGEBACK_EVIDENCE_FIELDS[f]}</label>
                <textarea
                  id={`f-${f}`}
                  name={f}
                  rows={f === "customer_name" || f === "customer_email_address" || f === "service_date" ? 1 : 3}
                  maxLength={f === "customer_name" ? 500 : f === "service_date" ? 100 : 20_000}
                  defaultValue={values[f]}
                  aria-invalid={errors[f] ? true : undefined}
                />
                <FieldError error={errors[f]} />
              </div>
            ))}
            <SubmitButton>Submit evidence</SubmitButton>
          </Form>
        </section>
      ) : null}
      {!open && !c.ordersResumedAt ? (
        <section className="card">
          <h2>Resume the advertiser&apos;s orders</h2>
          <p>The bank has decided ({c.status}). The orders this dispute paused open again (unless another dispute still holds them).</p>
          <Form method="post">
            <input type="hidden" name="intent" value="resume" />
            <SubmitButton>Resume orders</SubmitButton>
          </Form>
        </section>
      ) : null}
      {c.ordersResumedAt ? <p>Orders resumed {formatDateTime(c.ordersResumedAt)}.</p> : null}
    </>
  );
}
