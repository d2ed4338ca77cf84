import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BoughtLeadFilters, BulkLeadActions } from "~/components/bought-lead-forms";
import { DataTable } from "~/components/data-table";
import { DisputeStatusBadge } from "~/components/dispute-history";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { QualityBadges } from "~/components/quality-badges";
import { ReturnResults } from "~/components/return-results";
import { openReturns } from "~/modules/disputes/advertiser-returns.server";
import { returnReasonOf } from "~/modules/disputes/lead-returns.server";
import { boughtLeadFilterQuery, isFiltered } from "~/modules/leads/bought-leads.constants";
import { markContactedFormSchema, readBoughtLeadFilter, returnSelectedFormSchema } from "~/modules/leads/bought-leads.schema";
import { markOwnLeadsContacted, pageOfBoughtLeads } from "~/modules/leads/bought-leads.server";
import { formatMoney } from "~/utils/money";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { ValidationError } from "~/utils/errors";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Leads · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = new URL(request.url).searchParams;
  const filter = readBoughtLeadFilter(params);
  const cursor = params.get("cursor");
  const page = await pageOfBoughtLeads(actor, filter, cursor).catch((error: unknown) => {
    // A stale or hand-edited cursor starts the list again rather than failing the page.
    if (error instanceof ValidationError) return pageOfBoughtLeads(actor, filter);
    throw error;
  });
  return { leads: page.leads, next: page.next, paged: Boolean(cursor), filter };
}

/**
 * The bulk bar: "Return selected" (one reason and note for every ticked lead; the result of each
 * shows above the list) or "Mark selected contacted" (intent=contacted; the first contact time stays).
 */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const leadIds = [...new Set(form.getAll("lead_id").filter((v): v is string => typeof v === "string" && v !== ""))];
  if (form.get("intent") === "contacted") {
    return handleForm(
      form,
      markContactedFormSchema,
      async (data) => {
        const marked = await markOwnLeadsContacted(actor, data.lead_id);
        const already = data.lead_id.length - marked;
        return redirectWithFlash(
          `/advertiser/leads${new URL(request.url).search}`,
          `${marked} ${marked === 1 ? "lead" : "leads"} marked contacted${already > 0 ? ` (${already} already marked earlier, or not yours: unchanged)` : ""}.`,
        );
      },
      { toInput: () => ({ lead_id: leadIds }), formError: "Select the leads you contacted" },
    );
  }
  return handleForm(
    form,
    returnSelectedFormSchema,
    async (data) => {
      const reason = returnReasonOf(data.reason);
      const records = data.lead_id.map((lead_id, i) => ({ index: i + 1, record: { lead_id, reason, note: data.note } }));
      return { results: await openReturns(actor, records) };
    },
    { toInput: (f) => ({ ...Object.fromEntries(f), lead_id: leadIds }), formError: leadIds.length === 0 ? "Select the leads to return" : undefined },
  );
}

export default function BoughtLeads() {
  const { leads, filter, next, paged } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const failure = answer && "errors" in answer ? answer : null;
  const filtered = isFiltered(filter);
  return (
    <>
      <PageHeader
        title="Leads"
        description="Leads you bought. Contact them fast: hot leads cool quickly."
        actions={
          <a href={`/advertiser/leads.csv${boughtLeadFilterQuery(filter)}`} className="button button-ghost" download data-testid="leads-csv">
            Download CSV{filtered ? " (filtered)" : ""}
          </a>
        }
      />
      <BoughtLeadFilters filter={filter} />
      {filter.orderId ? (
        <p className="small">
          Showing the leads of <Link to={`/advertiser/orders/${filter.orderId}`}>one order</Link> ·{" "}
          <Link to={`/advertiser/leads${boughtLeadFilterQuery({ ...filter, orderId: undefined })}`}>all orders</Link>
        </p>
      ) : null}
      {answer && "results" in answer ? <ReturnResults results={answer.results} /> : null}
      <Form method="post" className="card" id="bulk-return">
        <BulkLeadActions failure={failure} />
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
              <th>Contacted</th>
              <th>Return</th>
            </>
          }
          row={(l) => {
            const name = [l.fields.first_name, l.fields.last_name].filter(Boolean).join(" ");
            return (
              <tr key={l.saleId}>
                <td data-label="Select">
                  <input type="checkbox" name="lead_id" value={l.leadId} form="bulk-return" aria-label={`Select ${name || l.leadId}`} />
                </td>
                {/* One contact cell (name, email, phone stacked) keeps the table inside its card at 1280 px. */}
                <td data-label="Contact" className="contact-cell">
                  <Link to={`/advertiser/leads/${l.leadId}`}>{name || "View lead"}</Link>
                  {l.contact.email ? <a href={`mailto:${l.contact.email}`}>{l.contact.email}</a> : null}
                  {l.contact.phone ? <a href={`tel:${l.contact.phone}`}>{l.contact.phone}</a> : null}
                </td>
                <td data-label="Where" className="nowrap">
                  {[l.contact.state, l.fields.postal_code].filter(Boolean).join(" ") || "—"}
                </td>
                <td data-label="Offer">{l.offerTitle}</td>
                <td data-label="Quality">
                  <QualityBadges score={l.qualityScore} temperature={l.temperature} />
                </td>
                <td className="num" data-label="Price">
                  {formatMoney(l.priceCents, l.currency)}
                </td>
                <td className="nowrap" data-label="Sold">
                  {formatDateTime(l.soldAt)}
                </td>
                <td data-label="Contacted">{l.contactedAt ? formatDateTime(l.contactedAt) : <span className="muted">Not yet</span>}</td>
                <td data-label="Return">
                  {l.leadReturn ? (
                    <Link to={`/advertiser/disputes/${l.leadReturn.id}`}>
                      <DisputeStatusBadge status={l.leadReturn.status} />
                    </Link>
                  ) : l.pricingModel !== "CPL" ? (
                    <span className="muted">Not returnable ({l.pricingModel})</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            );
          }}
        />
        <nav className="pager" aria-label="Leads pages">
          {paged ? <Link to={`/advertiser/leads${boughtLeadFilterQuery(filter)}`}>First page</Link> : null}
          {next ? (
            <Link to={`/advertiser/leads${boughtLeadFilterQuery(filter, { cursor: next })}`} rel="next" data-testid="leads-next">
              Next page
            </Link>
          ) : null}
        </nav>
      </Form>
    </>
  );
}
