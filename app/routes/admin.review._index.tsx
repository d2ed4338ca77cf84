import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { checkSummary } from "~/components/check-list";
import { AdminLeadCells, AdminLeadHeadCells } from "~/components/admin-lead-cells";
import { DataTable } from "~/components/data-table";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { listHeldLeads } from "~/modules/quality/review.server";
import { requireUser } from "~/utils/session.server";
import { reviewDecidedQuerySchema } from "~/modules/quality/review.schema";

export const meta: MetaFunction = () => [{ title: "Review queue · Admin · Leadex" }];

const OUTCOME_MESSAGES = {
  sold: "approved and sold",
  unsold: "approved; no open order matched, so it is unsold",
  rejected: "rejected",
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const { decided, outcome } = reviewDecidedQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { leads: await listHeldLeads(actor), decided: decided && outcome ? { leadId: decided, outcome } : null };
}

export default function ReviewQueue() {
  const { leads, decided } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Review queue" description="Leads held for review, oldest first. Open one to see its checks and score, then approve or reject it." />
      {decided ? (
        <div className="alert alert-success" role="status">
          Lead <Link to={`/admin/leads/${decided.leadId}`}>{decided.leadId}</Link> {OUTCOME_MESSAGES[decided.outcome]}.
        </div>
      ) : null}
      <section className="card">
        <DataTable
          stackOnPhone
          rows={leads}
          testId="review-queue"
          empty={<EmptyState title="Nothing to review">Leads the verifier or the score holds for review appear here.</EmptyState>}
          head={
            <>
              <AdminLeadHeadCells />
              <th>Checks</th>
              <th>Held because</th>
            </>
          }
          row={(l) => (
            <tr key={l.id}>
              <AdminLeadCells lead={l} />
              <td data-label="Checks" className="small">
                {checkSummary(l.checks)}
              </td>
              <td data-label="Held because" className="reasons">
                {l.reasons.join("; ") || "—"}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
