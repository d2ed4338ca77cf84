import { type Finding } from "~/modules/disputes/disputes.schema";
import { DISPUTE_STATUS_LABELS, type DisputeStatusValue } from "~/modules/disputes/disputes.constants";
import { formatDateTime } from "./format";

// A dispute's parts as any of its parties (or an admin) reads them: its status, what the platform
// found, the evidence each side sent (files through /disputes/:id/evidence/:evidenceId, always a
// download) and its history. The page decides who is named how (`by`): buyers see affiliates
// pseudonymised, affiliates never see buyers.

const STATUS_TONES: Record<DisputeStatusValue, string> = {
  AWAITING_RESPONSE: "warning",
  IN_REVIEW: "info",
  APPROVED: "success",
  DENIED: "danger",
  WITHDRAWN: "muted",
};

export function DisputeStatusBadge({ status }: { status: DisputeStatusValue }) {
  return <span className={`badge badge-${STATUS_TONES[status] ?? "muted"}`}>{DISPUTE_STATUS_LABELS[status] ?? status}</span>;
}

export function DisputeFinding({ finding }: { finding: Finding | null }) {
  if (!finding) return <p className="muted">The platform recorded no finding.</p>;
  return (
    <div data-testid="dispute-finding">
      <p>
        <strong>{finding.verdict === "proven" ? "Proven" : finding.verdict === "contradicted" ? "Contradicted" : "Not provable"}:</strong> {finding.summary}
      </p>
      {finding.facts.length > 0 ? (
        <ul className="small">
          {finding.facts.map((fact) => (
            <li key={fact}>{fact}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export interface DisputeEvidenceItem {
  id: string;
  /** Who sent it, as the reader may know them ("You", "Affiliate 3F9A1C", "Leadex admin"). */
  by: string;
  text: string | null;
  url: string | null;
  fileName: string | null;
  contentType: string | null;
  sizeBytes: number | null;
  createdAt: Date | string;
}

function fileSize(bytes: number | null): string {
  if (bytes === null) return "";
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function DisputeEvidenceList({ disputeId, evidence }: { disputeId: string; evidence: readonly DisputeEvidenceItem[] }) {
  if (evidence.length === 0) return <p className="muted">No evidence was sent.</p>;
  return (
    <ul className="lead-list" data-testid="dispute-evidence">
      {evidence.map((e) => (
        <li key={e.id}>
          <div>
            <strong>{e.by}</strong> <span className="muted small">{formatDateTime(e.createdAt)}</span>
            {e.text ? <p className="dispute-text">{e.text}</p> : null}
            {e.url ? (
              <p>
                <a href={e.url} className="dispute-text" target="_blank" rel="noopener noreferrer nofollow">
                  {e.url}
                </a>
              </p>
            ) : null}
            {e.fileName ? (
              <p>
                <a href={`/disputes/${encodeURIComponent(disputeId)}/evidence/${encodeURIComponent(e.id)}`} download>
                  {e.fileName}
                </a>{" "}
                <span className="muted small">
                  {e.contentType} {fileSize(e.sizeBytes)}
                </span>
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

export interface DisputeHistoryStep {
  id: string;
  at: Date | string;
  by: string;
  message: string;
}

export function DisputeHistory({ steps }: { steps: readonly DisputeHistoryStep[] }) {
  if (steps.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className="timeline" data-testid="dispute-history">
      {steps.map((s) => (
        <li key={s.id}>
          <time className="nowrap muted small">{formatDateTime(s.at, { seconds: true })}</time>
          <span className="small">{s.by}</span>
          <span>{s.message}</span>
        </li>
      ))}
    </ol>
  );
}
