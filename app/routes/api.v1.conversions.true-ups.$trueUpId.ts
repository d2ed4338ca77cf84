import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateApiKey } from "~/modules/accounts/api-keys.server";
import { trueUpRowFilterSchema } from "~/modules/reconciliation/true-up.schema";
import { getTrueUpReport, trueUpReportBody } from "~/modules/reconciliation/true-ups.server";
import { handleApi } from "~/utils/api.server";
import { clientAddressOf } from "~/utils/client-address.server";

// One true-up's report by API key: status, summary (counts and amounts) and a page of rows,
// optionally of one outcome (?outcome=amount_differs&page=2).
export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleApi(async () => {
    const actor = await authenticateApiKey(request, clientAddressOf(context));
    const query = new URL(request.url).searchParams;
    const filter = trueUpRowFilterSchema.parse({ outcome: query.get("outcome")?.toUpperCase() || undefined, page: query.get("page") || undefined });
    const report = await getTrueUpReport(actor, params.trueUpId ?? "", filter);
    return Response.json(trueUpReportBody(report));
  });
