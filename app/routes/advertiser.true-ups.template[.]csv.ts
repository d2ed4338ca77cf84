import type { LoaderFunctionArgs } from "@remix-run/node";
import { TRUE_UP_CSV_TEMPLATE } from "~/modules/reconciliation/true-up-format";
import { requireUser } from "~/utils/session.server";

// The true-up CSV's columns with two example rows (docs/api.md, "True-ups").
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["ADVERTISER"]);
  return new Response(TRUE_UP_CSV_TEMPLATE, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="leadex-true-up-template.csv"' },
  });
}
