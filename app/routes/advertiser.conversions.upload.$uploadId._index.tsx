import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { formatDateTime } from "~/components/format";
import { PageHeader, StatCard } from "~/components/portal-shell";
import { StatusBadge } from "~/components/status-badge";
import { UPLOAD_STATUS_WORDS } from "~/modules/conversions/conversion-upload-format";
import { getConversionUpload } from "~/modules/conversions/conversion-uploads.server";
import { orNotFound } from "~/utils/route-errors.server";
import { requireUser } from "~/utils/session.server";

/** While rows are being posted the page reloads itself this often (no JavaScript needed). */
const REFRESH_SECONDS = 2;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const running = data && (data.upload.status === "POSTING" || data.upload.status === "VALIDATING");
  return [{ title: "Upload progress · Leadex" }, ...(running ? [{ httpEquiv: "refresh", content: String(REFRESH_SECONDS) }] : [])];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireUser(request, ["ADVERTISER"]);
  return orNotFound(getConversionUpload(actor, params.uploadId ?? ""));
}

export default function UploadProgress() {
  const { upload, refused } = useLoaderData<typeof loader>();
  const running = upload.status === "POSTING" || upload.status === "VALIDATING";
  const waiting = upload.totalRows - upload.processedRows;
  const reportHref = `/advertiser/conversions/upload/${upload.id}/report.csv`;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/advertiser/conversions/upload">← Uploads</Link>
      </p>
      <PageHeader
        title={
          <>
            Upload <code>{upload.fileName}</code>
          </>
        }
        description={`Uploaded ${formatDateTime(upload.createdAt)}`}
        actions={
          <a href={reportHref} className="button button-ghost" download>
            Download the report (CSV)
          </a>
        }
      />
      <section className="card upload-progress" aria-labelledby="progress-title">
        <h2 id="progress-title">
          Progress{" "}
          <span data-testid="upload-status">
            <StatusBadge status={UPLOAD_STATUS_WORDS[upload.status]} />
          </span>
        </h2>
        <progress value={upload.processedRows} max={Math.max(upload.totalRows, 1)} aria-label="Rows done" data-testid="upload-progress">
          {upload.processedRows} of {upload.totalRows}
        </progress>
        <p role="status" data-testid="upload-summary">
          {running
            ? `${upload.processedRows} of ${upload.totalRows} rows done; the page refreshes itself every ${REFRESH_SECONDS} seconds.`
            : upload.status === "FAILED"
              ? `Stopped after ${upload.processedRows} of ${upload.totalRows} rows: ${upload.error ?? "the worker gave up"}. The rows not yet posted were not recorded; upload the file again to post them (rows already recorded are not posted twice).`
              : `Done: ${upload.acceptedRows} of ${upload.totalRows} rows accepted, ${upload.refusedRows} refused. The report lists every row with its reason.`}
        </p>
      </section>
      <div className="stats">
        <StatCard label="Accepted" value={upload.acceptedRows} testId="upload-accepted" />
        <StatCard label="Refused" value={upload.refusedRows} testId="upload-refused" />
        <StatCard label="Waiting" value={waiting} testId="upload-waiting" />
      </div>
      <section className="card">
        <h2>Refused rows</h2>
        <DataTable
          rows={refused}
          testId="refused-rows"
          stackOnPhone
          empty={<p className="muted">{running ? "None so far." : "None: every row was accepted."}</p>}
          head={
            <>
              <th className="num">Row</th>
              <th>Conversion id</th>
              <th>Reason</th>
              <th>Why</th>
            </>
          }
          row={(r) => (
            <tr key={r.rowNumber}>
              <td className="num" data-label="Row">
                {r.rowNumber}
              </td>
              <td data-label="Conversion id">{r.conversionId ? <code>{r.conversionId}</code> : <span className="muted">—</span>}</td>
              <td data-label="Reason">
                <code>{r.reasonCode}</code>
              </td>
              <td data-label="Why">{r.message}</td>
            </tr>
          )}
        />
        {upload.refusedRows > refused.length ? (
          <p className="muted small">
            The first {refused.length} of {upload.refusedRows} are shown; <a href={reportHref}>the report</a> has them all.
          </p>
        ) : null}
      </section>
      {!running ? (
        <p>
          <Link to="/advertiser/conversions" className="button">
            See your conversions
          </Link>
        </p>
      ) : null}
    </>
  );
}
