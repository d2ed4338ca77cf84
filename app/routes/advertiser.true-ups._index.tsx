import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field, FormError } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { Pager, withParam } from "~/components/pager";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { periodText, trueUpStage } from "~/components/true-up-report";
import { TRUE_UP_COLUMNS } from "~/modules/reconciliation/true-up.constants";
import { createTrueUp, listTrueUps, readTrueUpUploadForm } from "~/modules/reconciliation/true-ups.server";
import { redirectWithFlash } from "~/utils/flash.server";
import { formatMoney } from "~/utils/money";
import { formFailureFrom, readForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "True-ups · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const page = Number(new URL(request.url).searchParams.get("page")) || 1;
  return listTrueUps(actor, { page });
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  const form = await readForm(request);
  const values = { period_start: String(form.get("period_start") ?? ""), period_end: String(form.get("period_end") ?? "") };
  try {
    const list = await readTrueUpUploadForm(form);
    const stored = await createTrueUp(actor, list);
    const unreadable = stored.unreadableRows > 0 ? ` (${stored.unreadableRows} unreadable, listed in the report)` : "";
    // 303: the browser follows a multipart POST with a GET of the true-up's report.
    return redirectWithFlash(
      `/advertiser/true-ups/${stored.id}`,
      `${stored.totalRows.toLocaleString("en-US")} rows received${unreadable}: Leadex is matching them now.`,
      {
        status: 303,
      },
    );
  } catch (error) {
    return formFailureFrom(error, values);
  }
}

export default function TrueUps() {
  const { trueUps, total, page, pageSize } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const errors = (result && "errors" in result ? result.errors : {}) as Record<string, string | undefined>;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string | undefined>;
  return (
    <>
      <PageHeader
        title="True-ups"
        description="Send your own list of conversions for a period: Leadex matches it against what it recorded and proposes the corrections an admin then approves."
        actions={
          <a href="/advertiser/true-ups/template.csv" className="button button-ghost" download>
            CSV template
          </a>
        }
      />
      <section className="card">
        <h2>Upload a list</h2>
        <Form method="post" encType="multipart/form-data" className="form">
          <FormError error={result && "formError" in result ? result.formError : undefined} />
          <div className="grid-2">
            <Field name="period_start" label="From" type="date" required defaultValue={values.period_start} error={errors.period_start} />
            <Field name="period_end" label="To (included)" type="date" required defaultValue={values.period_end} error={errors.period_end} />
          </div>
          <Field
            name="file"
            label="CSV file"
            type="file"
            accept=".csv,text/csv"
            required
            error={errors.file}
            hint={
              <>
                Columns: <code>{TRUE_UP_COLUMNS.join(",")}</code>. One conversion a row, every conversion of the period; amounts in units (125.50).
              </>
            }
          />
          <button type="submit" className="button" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Uploading…" : "Upload and match"}
          </button>
        </Form>
      </section>
      <section className="card">
        <h2>Your true-ups</h2>
        <DataTable
          rows={trueUps}
          testId="true-ups"
          stackOnPhone
          empty={<EmptyState title="No true-ups yet">Upload your list of a month's conversions to compare it with Leadex&apos;s.</EmptyState>}
          head={
            <>
              <th>Period</th>
              <th>Sent</th>
              <th className="num">Rows</th>
              <th>Stage</th>
              <th className="num">Matched</th>
              <th className="num">Differ</th>
              <th className="num">Payout change proposed</th>
            </>
          }
          row={(t) => (
            <tr key={t.id}>
              <td data-label="Period">
                <Link to={`/advertiser/true-ups/${t.id}`}>{periodText(t.periodStart, t.periodEnd)}</Link>
              </td>
              <td className="nowrap" data-label="Sent">
                {formatDateTime(t.createdAt)}
              </td>
              <td className="num" data-label="Rows">
                {t.totalRows.toLocaleString("en-US")}
              </td>
              <td data-label="Stage">{trueUpStage(t)}</td>
              <td className="num" data-label="Matched">
                {t.summary?.matched ?? "—"}
              </td>
              <td className="num" data-label="Differ">
                {t.summary ? t.summary.amountDiffers + t.summary.onlyAdvertiser + t.summary.onlyLeadex : "—"}
              </td>
              <td className="num" data-label="Difference">
                {t.summary ? formatMoney(t.summary.proposedPayoutDeltaCents, t.summary.currency) : "—"}
              </td>
            </tr>
          )}
        />
        <Pager page={page} pageSize={pageSize} total={total} label="True-up pages" hrefFor={(p) => withParam(location.search, "page", p)} />
      </section>
    </>
  );
}
