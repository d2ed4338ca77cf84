import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { checkSummary } from "~/components/check-list";
import { AdminLeadCells, AdminLeadHeadCells } from "~/components/admin-lead-cells";
import { CursorPager } from "~/components/cursor-pager";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError } from "~/components/field";
import { FilterButtons, OfferFilterField } from "~/components/filter-bar";
import { withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { listHeldLeads, reviewHeldLead } from "~/modules/quality/review.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { handleForm, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { resellSchema, reviewQueueQuerySchema } from "~/modules/quality/review.schema";

export const meta: MetaFunction = () => [{ title: "Review queue · Admin · Leadex" }];

const OUTCOME_MESSAGES = {
  sold: "approved and sold",
  unsold: "approved; no open order matched, so it is unsold",
  rejected: "rejected",
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const { decided, outcome, ...query } = reviewQueueQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { ...(await listHeldLeads(actor, query)), offerId: query.offerId, decided: decided && outcome ? { leadId: decided, outcome } : null };
}

/** Resell: the admin releases a held lead to routing (an approval), from the queue. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  return handleForm(
    await readForm(request),
    resellSchema,
    async ({ leadId, reason }) => {
      const { outcome } = await reviewHeldLead(actor, leadId, { decision: "approve", reason });
      return redirectWithFlash(
        "/admin/review",
        outcome === "sold" ? `Lead ${leadId} released and sold.` : `Lead ${leadId} released; no open order bought it, so it is unsold.`,
      );
    },
    { formError: "Say which lead to release and why." },
  );
}

type HeldLead = Awaited<ReturnType<typeof loader>>["leads"][number];

function CandidateOrders({ lead }: { lead: HeldLead }) {
  if (lead.candidates.length === 0) return <span className="muted">No open orders on this offer</span>;
  return (
    <ul className="plain-list small" data-testid={`candidates-${lead.id}`}>
      {lead.candidates.map((c) => (
        <li key={c.orderId}>
          <Link to={`/admin/companies/${c.advertiserId}`}>{c.advertiserName}</Link> · order <code>{c.orderId}</code> ·{" "}
          {c.priceCents > 0 ? formatMoney(c.priceCents, c.currency) : "pays per conversion"}{" "}
          {c.skipReason ? <span className="muted">— would not buy: {c.skipReason}</span> : <strong>— would buy</strong>}
        </li>
      ))}
    </ul>
  );
}

function ResellForm({ lead, failure }: { lead: HeldLead; failure: ReturnType<typeof useActionData<typeof action>> }) {
  const mine = failure?.values?.leadId === lead.id;
  const id = `f-reason-${lead.id}`;
  return (
    <Form method="post" className="form-inline">
      <input type="hidden" name="leadId" value={lead.id} />
      <label htmlFor={id} className="visually-hidden">
        Why resell lead {lead.externalId}
      </label>
      <input id={id} name="reason" defaultValue={mine ? failure?.values?.reason : "Checked in the review queue"} maxLength={500} />
      {mine ? <FieldError id={`${id}-error`} error={failure?.errors?.reason} /> : null}
      <button type="submit" className="button button-small">
        Resell
      </button>
    </Form>
  );
}

export default function ReviewQueue() {
  const { leads, nextCursor, offers, offerId, decided } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const { search } = useLocation();
  return (
    <>
      <PageHeader
        title="Review queue"
        description="Leads held for review, oldest first, with the orders that would buy each now. Resell releases a lead to those orders; open one to see its checks and score, or to reject it."
      />
      {decided ? (
        <div className="alert alert-success" role="status">
          Lead <Link to={`/admin/leads/${decided.leadId}`}>{decided.leadId}</Link> {OUTCOME_MESSAGES[decided.outcome]}.
        </div>
      ) : null}
      <FormError error={failure?.formError} />
      <Form method="get" className="filter-bar card">
        <OfferFilterField offers={offers} value={offerId} />
        <FilterButtons clearTo="/admin/review" filtered={Boolean(offerId)} />
      </Form>
      <section className="card">
        <DataTable
          stackOnPhone
          rows={leads}
          testId="review-queue"
          empty={
            offerId ? (
              <EmptyState title="Nothing held on this offer" />
            ) : (
              <EmptyState title="Nothing to review">Leads the verifier or the score holds for review appear here.</EmptyState>
            )
          }
          head={
            <>
              <AdminLeadHeadCells />
              <th>Checks</th>
              <th>Held because</th>
              <th>Would buy it</th>
              <th>Resell</th>
            </>
          }
          row={(l) => (
            <tr key={l.id}>
              <AdminLeadCells lead={l} />
              <td className="small" data-label="Checks">
                {checkSummary(l.checks)}
              </td>
              <td className="reasons" data-label="Held because">
                {l.reasonWords.length === 0
                  ? "—"
                  : l.reasonWords.map((r) => (
                      <span key={r.code} className="block">
                        {r.words} <code className="muted small">{r.code}</code>
                      </span>
                    ))}
              </td>
              <td data-label="Would buy it">
                <CandidateOrders lead={l} />
              </td>
              <td data-label="Resell">
                <ResellForm lead={l} failure={failure} />
              </td>
            </tr>
          )}
        />
        <CursorPager
          search={withParam(withParam(search, "decided", null), "outcome", null)}
          nextCursor={nextCursor}
          label="Review queue pages"
          firstLabel="Oldest held"
          nextLabel="Later"
        />
      </section>
    </>
  );
}
