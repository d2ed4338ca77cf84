import type { LoaderFunctionArgs } from "@remix-run/node";
import { advertiserReportCsv } from "~/modules/reports/advertiser-report.server";
import { csvResponse, periodErrorResponse } from "~/modules/reports/report-csv.server";
import { requireUser } from "~/utils/session.server";

// One table of the advertiser's report as CSV (dollars), with the page's filters.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const { view, file } = await advertiserReportCsv(actor, new URL(request.url).searchParams);
  return periodErrorResponse(view) ?? csvResponse(file);
}
