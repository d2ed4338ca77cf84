import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminReportCsv } from "~/modules/reports/admin-report.server";
import { csvResponse, periodErrorResponse } from "~/modules/reports/report-csv.server";
import { requireUser } from "~/utils/session.server";

// One table of the platform report as CSV (dollars), with the page's filters.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const { view, file } = await adminReportCsv(actor, new URL(request.url).searchParams);
  return periodErrorResponse(view) ?? csvResponse(file);
}
