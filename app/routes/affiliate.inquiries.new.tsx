import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError, SubmitButton } from "~/components/field";
import { InquiryForm } from "~/components/inquiry-form";
import { StatusBadge } from "~/components/status-badge";
import { PageHeader } from "~/components/portal-shell";
import { INQUIRY_CSV_COLUMNS, INQUIRY_WINDOW_DAYS, MAX_INQUIRY_CSV_ROWS } from "~/modules/disputes/conversion-disputes.constants";
import { inquiryCsvFormSchema, inquiryRequestSchema } from "~/modules/disputes/conversion-disputes.schema";
import { openInquiry } from "~/modules/disputes/conversion-inquiries.server";
import { openInquiriesFromCsv } from "~/modules/disputes/conversion-inquiry-csv.server";
import { disputeFormInput, withDisputeForm } from "~/modules/disputes/dispute-forms.server";
import { EVIDENCE_FILE_MAX_BYTES } from "~/modules/disputes/disputes.constants";
import { redirectWithFlash } from "~/utils/flash.server";
import { formFailure, handleForm } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Missing conversion inquiry · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["AFFILIATE"]);
  const url = new URL(request.url);
  return { leadId: url.searchParams.get("lead") ?? "", maxFileMb: EVIDENCE_FILE_MAX_BYTES / 1024 / 1024 };
}

/** One inquiry (then its page), or a CSV of them (each row's result on this page). */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["AFFILIATE"]);
  return withDisputeForm(request, async (upload) => {
    if (upload.record.intent === "csv") {
      return handleForm(
        upload.form,
        inquiryCsvFormSchema,
        async () => {
          if (!upload.csvText) return formFailure({ csv_file: "Choose a CSV file, or paste its rows" }, undefined, 400, { intent: "csv" });
          const result = await openInquiriesFromCsv(actor, upload.csvText);
          if (!result.ok) return formFailure({ csv_file: result.message }, undefined, 422, { intent: "csv" });
          return { csvRows: result.rows };
        },
        disputeFormInput(upload),
      );
    }
    return handleForm(
      upload.form,
      inquiryRequestSchema,
      async () => {
        const dispute = await openInquiry(actor, upload.record);
        return redirectWithFlash(`/affiliate/disputes/${dispute.id}`, "Your inquiry is open: the buyer is asked to confirm or decline it.", { status: 303 });
      },
      disputeFormInput(upload),
    );
  });
}

export default function NewInquiry() {
  const { leadId, maxFileMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && "errors" in result ? result : null;
  const single = failure && failure.values?.intent !== "csv" ? failure : null;
  const csvFailure = failure?.values?.intent === "csv" ? failure : null;
  const csvRows = result && "csvRows" in result ? result.csvRows : null;
  const accepted = csvRows?.filter((r) => r.outcome === "accepted").length ?? 0;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/affiliate/disputes">← Disputes</Link>
      </p>
      <PageHeader
        title="Ask about a missing conversion"
        description={`A lead you sold on CPA or CPS terms converted but was not tracked, was tracked with the wrong amount, or was wrongly rejected: ask the buyer, up to ${INQUIRY_WINDOW_DAYS} days after the conversion. The buyer confirms (it is billed) or declines (an admin decides).`}
      />
      <section className="card" aria-labelledby="one-title">
        <h2 id="one-title">One inquiry</h2>
        <InquiryForm leadId={leadId} maxFileMb={maxFileMb} failure={single} />
      </section>
      <section className="card" aria-labelledby="csv-title">
        <h2 id="csv-title">Many at once (CSV)</h2>
        <p className="muted">{`Columns: ${INQUIRY_CSV_COLUMNS.join(", ")} (lead_id and reason required); at most ${MAX_INQUIRY_CSV_ROWS} rows. Each row is opened on its own.`}</p>
        <Form method="post" encType="multipart/form-data" className="form form-wide">
          <input type="hidden" name="intent" value="csv" />
          <div className="field">
            <label htmlFor="f-csv">CSV file</label>
            <input id="f-csv" type="file" name="csv_file" accept=".csv,text/csv" />
            <FieldError error={csvFailure?.errors.csv_file} />
          </div>
          <FormError error={csvFailure?.formError} />
          <div className="form-actions">
            <SubmitButton>Upload</SubmitButton>
          </div>
        </Form>
        {csvRows ? (
          <>
            <div className="alert alert-success" role="status">{`${accepted} of ${csvRows.length} rows opened an inquiry.`}</div>
            <DataTable
              rows={csvRows}
              testId="inquiry-csv-results"
              stackOnPhone
              head={
                <>
                  <th className="num">Row</th>
                  <th>Lead</th>
                  <th>Result</th>
                  <th>Why</th>
                </>
              }
              row={(r) => (
                <tr key={r.rowNumber} data-row={r.rowNumber}>
                  <td className="num" data-label="Row">
                    {r.rowNumber}
                  </td>
                  <td data-label="Lead">{r.leadId ? <code>{r.leadId}</code> : "—"}</td>
                  <td data-label="Result">
                    <StatusBadge status={r.outcome === "accepted" ? "accepted" : "rejected"} />
                  </td>
                  <td data-label="Why">{r.disputeId ? <Link to={`/affiliate/disputes/${r.disputeId}`}>{r.message}</Link> : `${r.code}: ${r.message}`}</td>
                </tr>
              )}
            />
          </>
        ) : null}
      </section>
    </>
  );
}
