import { formatDateTime } from "./format";

export interface DisputeEvidenceItem {
  id: string;
  side: string;
  text: string | null;
  url: string | null;
  fileName: string | null;
  sizeBytes: number | null;
  createdAt: string | Date;
}

/** The evidence of a dispute, each line with who sent it (`sideLabel`), its text, link and file. */
export function DisputeEvidenceList({ disputeId, items, sideLabel }: { disputeId: string; items: DisputeEvidenceItem[]; sideLabel: (side: string) => string }) {
  if (items.length === 0) return <p className="muted">No evidence was sent.</p>;
  return (
    <ul className="evidence-list">
      {items.map((e) => (
        <li key={e.id} data-evidence={e.id}>
          <strong>{sideLabel(e.side)}</strong> <span className="muted small">{formatDateTime(e.createdAt)}</span>
          {e.text ? <p className="pre-wrap">{e.text}</p> : null}
          {e.url ? (
            <p>
              <a href={e.url} rel="noopener noreferrer nofollow" target="_blank">
                {e.url}
              </a>
            </p>
          ) : null}
          {e.fileName ? (
            <p>
              <a href={`/disputes/${disputeId}/evidence/${e.id}`} download>
                {e.fileName}
              </a>
              {e.sizeBytes !== null ? <span className="muted small">{` (${Math.max(1, Math.round(e.sizeBytes / 1024))} KB)`}</span> : null}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
