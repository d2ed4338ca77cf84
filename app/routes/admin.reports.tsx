import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReportPage } from "~/components/report-page";
import { adminReport } from "~/modules/reports/admin-report.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Reports · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADMIN"]);
  const view = await adminReport(actor, new URL(request.url).searchParams);
  return json(view, { status: Object.keys(view.errors).length > 0 ? 400 : 200 });
}

export default function AdminReports() {
  const view = useLoaderData<typeof loader>();
  return (
    <ReportPage
      view={view}
      title="Reports"
      description="The whole platform: volume, revenue from fees, take rate, what affiliates are owed, the backlog, every offer and buyer, and speed to lead."
    />
  );
}
