import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { ActionOutcome } from "~/components/run-now-header";
import { PageHeader } from "~/components/portal-shell";
import { TrueUpFacts, TrueUpRows, TrueUpSummaryCards, periodText } from "~/components/true-up-report";
import { trueUpApproveFormSchema, trueUpRowFilterSchema } from "~/modules/reconciliation/true-up.schema";
import { approveTrueUp, getTrueUpReport } from "~/modules/reconciliation/true-ups.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { DEFAULT_CURRENCY, formatMoney } from "~/utils/money";
import { handleForm, orNotFound, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "True-up · Admin · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const filter = trueUpRowFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return orNotFound(getTrueUpReport(actor, params.trueUpId ?? "", filter));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const trueUpId = params.trueUpId ?? "";
  return handleForm(
    await readForm(request),
    trueUpApproveFormSchema,
    async () => {
      const result = await approveTrueUp(actor, trueUpId);
      const notice = result.approved
        ? result.proposals > 0
          ? `Approved: ${result.proposals} changes are being applied through the ledger; refresh to see each result.`
          : "Approved: there was nothing to change."
        : `Already approved on ${formatDateTime(result.approvedAt)}: nothing changed.`;
      return redirectWithFlash(`/admin/true-ups/${encodeURIComponent(trueUpId)}`, notice);
    },
    { formError: "Choose what to do" },
  );
}

export default function AdminTrueUp() {
  const { trueUp, rows, total, page, pageSize, proposalsWaiting } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const summary = trueUp.summary;
  const proposals = summary ? summary.proposed.record.count + summary.proposed.adjust.count + summary.proposed.reverse.count : 0;
  return (
    <>
      <PageHeader
        title={`True-up of ${trueUp.advertiser.name}, ${periodText(trueUp.periodStart, trueUp.periodEnd)}`}
        description="Approving posts each proposed change through the ledger with its own key: late conversions are recorded and billed, amounts adjusted, missing ones reversed. Disputes are left as they are."
        actions={
          <Link to="/admin/reconciliation" className="button button-ghost">
            Reconciliation
          </Link>
        }
      />
      <ActionOutcome result={result} />
      <TrueUpFacts
        trueUp={trueUp}
        extra={
          trueUp.status === "RECONCILED" ? (
            <Form method="post" className="form-inline">
              <input type="hidden" name="intent" value="approve" />
              <SubmitButton>
                Approve {proposals} changes ({formatMoney(summary?.proposedPayoutDeltaCents ?? 0, summary?.currency ?? DEFAULT_CURRENCY)})
              </SubmitButton>
            </Form>
          ) : trueUp.status === "APPROVED" && proposalsWaiting > 0 ? (
            <p className="muted">{proposalsWaiting} changes still being applied.</p>
          ) : null
        }
      />
      {summary ? <TrueUpSummaryCards summary={summary} /> : <p className="muted">The worker is matching this list: refresh in a moment.</p>}
      <TrueUpRows rows={rows} total={total} page={page} pageSize={pageSize} currency={summary?.currency ?? DEFAULT_CURRENCY} />
    </>
  );
}
