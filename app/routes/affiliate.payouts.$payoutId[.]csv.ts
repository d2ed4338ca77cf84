import type { LoaderFunctionArgs } from "@remix-run/node";
import { payoutStatementCsv } from "~/modules/payouts/payout-queries.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

// One payout's statement: what it paid for, clawbacks as their own lines.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const { filename, csv } = await orNotFound(payoutStatementCsv(actor, params.payoutId ?? ""));
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
}
