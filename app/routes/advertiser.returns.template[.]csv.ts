import type { LoaderFunctionArgs } from "@remix-run/node";
import { RETURN_CSV_TEMPLATE } from "~/modules/disputes/return-list.schema";
import { requireUser } from "~/utils/session.server";

// The returns CSV's columns with two example rows (replace LEADEX_LEAD_ID with your leads' ids).
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["ADVERTISER"]);
  return new Response(RETURN_CSV_TEMPLATE, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="leadex-returns-template.csv"' },
  });
}
