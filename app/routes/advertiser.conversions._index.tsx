import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AffiliateNotice, ConversionDates, ConversionPayout, ConversionStatus, ConversionWhat } from "~/components/conversion-cells";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError } from "~/components/field";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { advertiserConversionListView, type AdvertiserConversionRow } from "~/modules/conversions/advertiser-conversions.server";
import { submitConversionForm } from "~/modules/conversions/conversion-forms.server";
import { conversionListFilterSchema } from "~/modules/conversions/conversion-list.schema";
import { CONVERSION_STATUSES } from "~/modules/conversions/conversion-list.constants";
import { redirectWithFlash } from "~/utils/flash.server";
import { readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { StatusOfferPeriodFilters } from "~/components/filter-bar";

export const meta: MetaFunction = () => [{ title: "Conversions · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const filter = conversionListFilterSchema.parse(params);
  return advertiserConversionListView(actor, filter);
}

/** Approve or reject one conversion from the list; the page then says what happened. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const answer = await submitConversionForm(actor, await readForm(request));
  // Back to the same filtered list, the message on top.
  if ("done" in answer) return redirectWithFlash(`/advertiser/conversions${new URL(request.url).search}`, answer.done.message);
  return answer;
}

type ActionData = ReturnType<typeof useActionData<typeof action>>;

/** The filters as a query string, with a cursor (or none: the newest page). */
function pageHref(filter: Record<string, string | undefined>, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value && key !== "cursor") params.set(key, value);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return `/advertiser/conversions${query ? `?${query}` : ""}`;
}

function DecideForms({ row, answer }: { row: AdvertiserConversionRow; answer: ActionData }) {
  const failure = answer && "errors" in answer && answer.values?.conversionId === row.id ? answer : null;
  return (
    <details className="decide" open={failure ? true : undefined}>
      <summary>Approve or reject</summary>
      <Form method="post" preventScrollReset>
        <input type="hidden" name="conversionId" value={row.id} />
        <label htmlFor={`reason-${row.id}`} className="small">
          Reason (required to reject)
        </label>
        <input
          id={`reason-${row.id}`}
          name="reason"
          maxLength={500}
          defaultValue={failure?.values?.reason}
          aria-invalid={failure?.errors.reason ? true : undefined}
          aria-describedby={failure?.errors.reason ? `reason-${row.id}-error` : undefined}
        />
        <FieldError id={`reason-${row.id}-error`} error={failure?.errors.reason} />
        <FormError error={failure?.formError} />
        <div className="form-actions">
          <button type="submit" name="intent" value="approve" className="button button-small">
            Approve
          </button>
          <button type="submit" name="intent" value="reject" className="button button-small button-danger">
            Reject
          </button>
        </div>
      </Form>
    </details>
  );
}

export default function AdvertiserConversions() {
  const { rows, next, offers, filter } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const filtered = Boolean(filter.status || filter.offerId || filter.from || filter.to);
  // A failed decision shows in its row's form while the row can still be decided, else above the list.
  const rowFailure = answer && "errors" in answer && rows.some((r) => r.decidable && r.id === answer.values?.conversionId);
  return (
    <>
      <PageHeader
        title="Conversions"
        description="Actions and sales you reported on leads bought on CPA or CPS terms, newest first. Approve or reject pending and held ones before they lock."
        actions={
          <>
            <Link to="/advertiser/conversions/report" className="button button-ghost">
              Report
            </Link>
            <Link to="/advertiser/conversions/rules" className="button button-ghost">
              Rules
            </Link>
            <Link to="/advertiser/conversions/upload" className="button">
              Upload a CSV
            </Link>
          </>
        }
      />
      {answer && "errors" in answer && !rowFailure ? <FormError error={answer.formError ?? Object.values(answer.errors).join(" ")} /> : null}
      <Form method="get" className="filter-bar card">
        <StatusOfferPeriodFilters
          statuses={CONVERSION_STATUSES}
          offers={offers}
          filter={filter}
          fromLabel="Occurred from"
          clearTo="/advertiser/conversions"
          filtered={filtered}
        />
      </Form>
      <section className="card">
        <DataTable
          rows={rows}
          testId="conversions"
          stackOnPhone
          empty={
            filtered ? (
              <EmptyState title="No conversions match these filters" />
            ) : (
              <EmptyState title="No conversions yet">
                Report them by API (see the docs), or <Link to="/advertiser/conversions/upload">upload a CSV</Link>.
              </EmptyState>
            )
          }
          head={
            <>
              <th>Conversion</th>
              <th>Lead</th>
              <th>Offer</th>
              <th>Action or sale</th>
              <th className="num">Payout</th>
              <th>Status</th>
              <th>Dates</th>
              <th>Affiliate</th>
              <th>
                <span className="visually-hidden">Decide</span>
              </th>
            </>
          }
          row={(c) => (
            <tr key={c.id} data-conversion={c.externalId}>
              <td className="nowrap" data-label="Conversion">
                <Link to={`/advertiser/conversions/${c.id}`}>{c.externalId}</Link>
                <span className="muted small block">{c.source.toLowerCase()}</span>
              </td>
              <td data-label="Lead">
                <Link to={`/advertiser/leads/${c.leadId}`}>
                  <code>{c.leadId}</code>
                </Link>
              </td>
              <td data-label="Offer">{c.offerTitle}</td>
              <td data-label="What">
                <ConversionWhat c={c} />
              </td>
              <td className="num" data-label="Payout">
                <ConversionPayout c={c} />
              </td>
              <td data-label="Status">
                <ConversionStatus c={c} />
              </td>
              <td data-label="Dates">
                <ConversionDates c={c} />
              </td>
              <td data-label="Affiliate">
                <AffiliateNotice c={c} />
              </td>
              <td className={c.decidable ? "decide-cell" : "empty-cell"}>{c.decidable ? <DecideForms row={c} answer={answer} /> : null}</td>
            </tr>
          )}
        />
        <nav className="pager" aria-label="Conversion pages">
          {filter.cursor ? <Link to={pageHref(filter)}>Newest</Link> : null}
          {next ? <Link to={pageHref(filter, next)}>Older conversions</Link> : null}
        </nav>
      </section>
    </>
  );
}
