import type { LoaderFunctionArgs } from "@remix-run/node";
import { walletStatementCsv } from "~/modules/billing/wallet-statement.server";
import { statementFilterSchema } from "~/modules/billing/wallet-statement.schema";
import { requireUser } from "~/utils/session.server";

// The wallet statement as CSV, with the same filters as the billing page (every page of it), in dollars.
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([key, v]) => v !== "" && key !== "cursor"));
  const csv = await walletStatementCsv(actor, statementFilterSchema.parse(params));
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="leadex-statement-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
