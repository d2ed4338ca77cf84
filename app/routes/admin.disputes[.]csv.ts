import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseDisputeQueueQuery } from "~/modules/disputes/admin-disputes.schema";
import { disputeDecisionsCsv } from "~/modules/disputes/admin-disputes.server";
import { requireUser } from "~/utils/session.server";

// The dispute queue's decisions as CSV (amounts in dollars), with the page's filters.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const { filename, csv } = await disputeDecisionsCsv(actor, parseDisputeQueueQuery(new URL(request.url).searchParams));
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
}
