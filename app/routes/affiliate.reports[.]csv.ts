import type { LoaderFunctionArgs } from "@remix-run/node";
import { affiliateReportCsv } from "~/modules/reports/affiliate-report.server";
import { csvResponse, periodErrorResponse } from "~/modules/reports/report-csv.server";
import { requireUser } from "~/utils/session.server";

// One table of the affiliate's report as CSV (dollars), with the page's filters.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  const { view, file } = await affiliateReportCsv(actor, new URL(request.url).searchParams);
  return periodErrorResponse(view) ?? csvResponse(file);
}
