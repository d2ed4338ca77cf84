import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { FieldError, FormError, SubmitButton } from "~/components/field";
import { formatDateTime } from "~/components/format";
import { EmptyState, PageHeader } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { MAX_UPLOAD_ROWS, UPLOAD_STATUS_WORDS } from "~/modules/conversions/conversion-upload-format";
import { listConversionUploads, readConversionUploadForm, startConversionUpload } from "~/modules/conversions/conversion-uploads.server";
import { formFailureFrom } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";
import { redirectWithFlash } from "~/utils/flash.server";

export const meta: MetaFunction = () => [{ title: "Upload conversions · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return { uploads: await listConversionUploads(actor) };
}

/** Reads and checks the file, records it, and shows its progress page. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  try {
    const started = await startConversionUpload(actor, await readConversionUploadForm(request));
    return redirectWithFlash(`/advertiser/conversions/upload/${started.uploadId}`, "File received: its rows are being checked.", { status: 303 });
  } catch (error) {
    return formFailureFrom(error);
  }
}

const COLUMNS: Array<{ name: string; what: string; example: string }> = [
  { name: "type", what: "conversion (the default), reversal or amount_change", example: "conversion" },
  { name: "conversion_id", what: "Your own id of the conversion (required). Sending it again changes nothing.", example: "order-2001" },
  { name: "lead_id", what: "The Leadex lead id (required for a conversion)", example: "cm3x…" },
  { name: "event", what: "CPA: the offer's event", example: "funded" },
  { name: "amount", what: "CPS: the sale amount; a reversal's refunded part; an amount change's new amount", example: "125.50" },
  { name: "currency", what: "Three letters; the offer's currency by default", example: "USD" },
  { name: "occurred_at", what: "ISO 8601 date-time or Unix seconds; now by default", example: "2026-11-28T14:05:00Z" },
  { name: "reversal_id", what: "A reversal's own id (repeating it reverses once)", example: "refund-1" },
  { name: "reason", what: "Why (reversals, amount changes)", example: "Returned" },
  { name: "adv1 … adv5", what: "Your own fields, for your rules and reports", example: "campaign-a" },
];

export default function UploadConversions() {
  const { uploads } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/conversions">← Conversions</Link>
      </p>
      <PageHeader
        title="Upload conversions"
        description="A CSV of actions, sales, reversals and amount changes. Every row is checked first; the good rows are then posted one by one, exactly as the conversion API would take them."
        actions={
          <a href="/advertiser/conversions/upload/template.csv" className="button button-ghost" download>
            Download the template
          </a>
        }
      />
      <section className="card">
        <h2>Upload a file</h2>
        <Form method="post" encType="multipart/form-data" className="form form-wide" noValidate>
          <FormError error={failure?.formError && !failure.errors.file ? failure.formError : undefined} />
          <div className="field">
            <label htmlFor="f-file">CSV file</label>
            <input
              id="f-file"
              type="file"
              name="file"
              accept=".csv,text/csv"
              aria-invalid={failure?.errors.file ? true : undefined}
              aria-describedby={failure?.errors.file ? "f-file-hint f-file-error" : "f-file-hint"}
            />
            <p className="hint" id="f-file-hint">
              UTF-8, comma- (or semicolon-) separated, the first row naming the columns. At most 2 MB and {MAX_UPLOAD_ROWS.toLocaleString("en-US")} rows per
              file.
            </p>
            <FieldError id="f-file-error" error={failure?.errors.file} />
          </div>
          <div className="form-actions">
            <SubmitButton>Upload and check</SubmitButton>
          </div>
        </Form>
      </section>
      <section className="card">
        <h2>Columns</h2>
        <p className="muted">
          Named as the conversion API&apos;s fields; order does not matter and empty cells are left out. Rows refused when checked are never posted.
        </p>
        <DataTable
          rows={COLUMNS}
          stackOnPhone
          head={
            <>
              <th>Column</th>
              <th>What</th>
              <th>Example</th>
            </>
          }
          row={(c) => (
            <tr key={c.name}>
              <td className="nowrap" data-label="Column">
                <code>{c.name}</code>
              </td>
              <td data-label="What">{c.what}</td>
              <td className="nowrap" data-label="Example">
                <code>{c.example}</code>
              </td>
            </tr>
          )}
        />
      </section>
      <section className="card">
        <h2>Your uploads</h2>
        <DataTable
          rows={uploads}
          testId="conversion-uploads"
          stackOnPhone
          empty={<EmptyState title="No uploads yet" />}
          head={
            <>
              <th>File</th>
              <th>Uploaded</th>
              <th>Status</th>
              <th className="num">Accepted</th>
              <th className="num">Refused</th>
              <th className="num">Rows</th>
              <th>
                <span className="visually-hidden">Report</span>
              </th>
            </>
          }
          row={(u) => (
            <tr key={u.id}>
              <td data-label="File">
                <Link to={`/advertiser/conversions/upload/${u.id}`}>{u.fileName}</Link>
              </td>
              <td className="nowrap" data-label="Uploaded">
                {formatDateTime(u.createdAt)}
              </td>
              <td data-label="Status">
                <StatusBadge status={UPLOAD_STATUS_WORDS[u.status]} />
              </td>
              <td className="num" data-label="Accepted">
                {u.acceptedRows}
              </td>
              <td className="num" data-label="Refused">
                {u.refusedRows}
              </td>
              <td className="num" data-label="Rows">
                {u.totalRows}
              </td>
              <td data-label="Report">
                <a href={`/advertiser/conversions/upload/${u.id}/report.csv`} download>
                  Report
                </a>
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
