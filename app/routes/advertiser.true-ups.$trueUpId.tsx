import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/portal-shell";
import { TrueUpFacts, TrueUpRows, TrueUpSummaryCards, periodText } from "~/components/true-up-report";
import { trueUpRowFilterSchema } from "~/modules/reconciliation/true-up.schema";
import { getTrueUpReport } from "~/modules/reconciliation/true-ups.server";
import { DEFAULT_CURRENCY } from "~/utils/money";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "True-up · Leadex" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const filter = trueUpRowFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return orNotFound(getTrueUpReport(actor, params.trueUpId ?? "", filter));
}

export default function AdvertiserTrueUp() {
  const { trueUp, rows, total, page, pageSize } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title={`True-up ${periodText(trueUp.periodStart, trueUp.periodEnd)}`}
        description="Your list against what Leadex recorded. An admin approves the proposed changes; each then goes through your wallet like any conversion."
        actions={
          <Link to="/advertiser/true-ups" className="button button-ghost">
            All true-ups
          </Link>
        }
      />
      <TrueUpFacts trueUp={trueUp} />
      {trueUp.summary ? <TrueUpSummaryCards summary={trueUp.summary} /> : <p className="muted">Leadex is matching your list: refresh in a moment.</p>}
      <TrueUpRows rows={rows} total={total} page={page} pageSize={pageSize} currency={trueUp.summary?.currency ?? DEFAULT_CURRENCY} />
    </>
  );
}
