import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { DisputeStatusBadge } from "~/components/dispute-history";
import { FieldError, FormError, SelectField, SubmitButton } from "~/components/field";
import { formatDateTime, humanize } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { ReturnResults } from "~/components/return-results";
import { openReturns } from "~/modules/disputes/advertiser-returns.server";
import { RETURN_REASON_CODES, RETURN_REASON_LABELS } from "~/modules/disputes/disputes.constants";
import { returnReasonOf } from "~/modules/disputes/lead-returns.server";
import { listBoughtLeads } from "~/modules/leads/lead-queries.server";
import { TEMPERATURES } from "~/modules/quality/quality.constants";
import { formValues } from "~/utils/forms";
import { formatMoney } from "~/utils/money";
import { formFailure, formFailureFrom, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { boughtLeadFilterSchema } from "~/modules/leads/leads.schema";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filter = boughtLeadFilterSchema.parse(params);
  return { leads: await listBoughtLeads(actor, filter), filter };
}

/** "Return selected": one reason and note for every checked lead; the result of each shows above the list. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const values = formValues(form);
  const leadIds = [...new Set(form.getAll("lead_id").filter((v): v is string => typeof v === "string" && v !== ""))];
  try {
    if (leadIds.length === 0) return formFailure({ lead_id: "Select the leads to return" }, "Select the leads to return", 400, values);
    const reason = values.reason?.trim().toLowerCase() ?? "";
    if (reason === "") return formFailure({ reason: "Choose a reason" }, undefined, 400, values);
    returnReasonOf(reason);
    return {
      results: await openReturns(
        actor,
        leadIds.map((lead_id, i) => ({ index: i + 1, record: { lead_id, reason, note: values.note } })),
      ),
    };
  } catch (error) {
    return formFailureFrom(error, values);
  }
}

const REASON_OPTIONS = [{ value: "", label: "Choose a reason" }, ...RETURN_REASON_CODES.map((code) => ({ value: code, label: RETURN_REASON_LABELS[code] }))];

export default function BoughtLeads() {
  const { leads, filter } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const errors = (failure?.errors ?? {}) as Record<string, string | undefined>;
  const filtered = filter.temperature !== undefined || filter.minScore !== undefined;
  return (
    <>
      <PageHeader
        title="Leads"
        description="Leads you bought, newest first. Contact them fast: hot leads cool quickly."
        actions={
          <a href="/advertiser/leads.csv" className="button button-ghost" download>
            Download CSV
          </a>
        }
      />
      <Form method="get" className="filter-bar card">
        <div className="field">
          <label htmlFor="f-temperature">Temperature</label>
          <select id="f-temperature" name="temperature" defaultValue={filter.temperature ?? ""}>
            <option value="">Any temperature</option>
            {TEMPERATURES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-min-score">Minimum score</label>
          <input id="f-min-score" name="minScore" type="number" min={0} max={100} defaultValue={filter.minScore ?? ""} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </Form>
      {answer && "results" in answer ? <ReturnResults results={answer.results} /> : null}
      <Form method="post" className="card" id="bulk-return">
        <div className="bulk-bar">
          <SelectField
            name="reason"
            label="Return selected leads as"
            options={REASON_OPTIONS}
            defaultValue={failure?.values?.reason ?? ""}
            error={errors.reason}
          />
          <div className="field">
            <label htmlFor="f-bulk-note">Note (for all)</label>
            <input id="f-bulk-note" name="note" maxLength={2000} defaultValue={failure?.values?.note} />
          </div>
          <SubmitButton>Return selected</SubmitButton>
        </div>
        <FieldError error={errors.lead_id && !failure?.formError ? errors.lead_id : undefined} />
        <FormError error={failure?.formError} />
        <DataTable
          stackOnPhone
          rows={leads}
          testId="bought-leads"
          empty={
            filtered ? (
              <EmptyState title="No bought leads match these filters" />
            ) : (
              <EmptyState title="No leads bought yet">
                Leads that match your <Link to="/advertiser/orders">open orders</Link> appear here as soon as they are sold to you.
              </EmptyState>
            )
          }
          head={
            <>
              <th>
                <span className="visually-hidden">Select</span>
              </th>
              <th>Contact</th>
              <th>Where</th>
              <th>Offer</th>
              <th>Quality</th>
              <th className="num">Price</th>
              <th>Sold</th>
              <th>Return</th>
            </>
          }
          row={(l) => {
            const name = [l.fields.first_name, l.fields.last_name].filter(Boolean).join(" ");
            return (
              <tr key={`${l.leadId}:${l.orderId}`}>
                <td data-label="Select">
                  {l.leadReturn || l.pricingModel !== "CPL" ? null : (
                    <input type="checkbox" name="lead_id" value={l.leadId} form="bulk-return" aria-label={`Select ${name || l.leadId}`} />
                  )}
                </td>
                {/* One contact cell (name, email, phone stacked) keeps the table inside its card at 1280 px. */}
                <td data-label="Contact" className="contact-cell">
                  <Link to={`/advertiser/leads/${l.leadId}`}>{name || "View lead"}</Link>
                  {l.fields.email ? <a href={`mailto:${l.fields.email}`}>{l.fields.email}</a> : null}
                  {l.fields.phone ? <a href={`tel:${l.fields.phone}`}>{l.fields.phone}</a> : null}
                </td>
                <td data-label="Where" className="nowrap">
                  {[l.fields.state, l.fields.postal_code].filter(Boolean).join(" ") || "—"}
                </td>
                <td data-label="Offer">{l.offerTitle}</td>
                <td data-label="Quality">
                  <QualityBadges score={l.qualityScore} temperature={l.temperature} />
                </td>
                <td data-label="Price" className="num">
                  {formatMoney(l.priceCents, l.currency)}
                </td>
                <td data-label="Sold" className="nowrap">
                  {formatDateTime(l.soldAt)}
                </td>
                <td data-label="Return">
                  {l.leadReturn ? (
                    <Link to={`/advertiser/disputes/${l.leadReturn.id}`}>
                      <DisputeStatusBadge status={l.leadReturn.status} />
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          }}
        />
      </Form>
    </>
  );
}
