import { QualityBadges, ScoreReasonList } from "./quality-badges";
import { ReasonText } from "./reason-text";

// The verification checks run on a lead: each with its outcome (pass, fail, hold, skip), reason code and detail.

const OUTCOME_TONES: Record<string, string> = { pass: "success", fail: "danger", hold: "warning", skip: "muted" };

export interface CheckListItem {
  code: string;
  outcome: string;
  reason?: string;
  detail: string;
}

export function CheckList({ checks }: { checks: readonly CheckListItem[] }) {
  if (checks.length === 0) return <p className="muted">No checks recorded.</p>;
  return (
    <ul className="lead-list check-list" data-testid="checks">
      {checks.map((check, i) => (
        <li key={`${check.code}-${i}`} data-outcome={check.outcome}>
          <span>
            <code>{check.code}</code> {check.detail}
          </span>
          <span className="muted small">{check.reason ? <ReasonText code={check.reason} /> : ""}</span>
          <span className={`badge badge-${OUTCOME_TONES[check.outcome] ?? "muted"}`}>{check.outcome}</span>
        </li>
      ))}
    </ul>
  );
}

/** "2 held, 1 failed" or "all passed": a one-cell summary of a lead's checks. */
export function checkSummary(checks: readonly CheckListItem[]): string {
  if (checks.length === 0) return "—";
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1);
  const flagged = [
    ["hold", "held"],
    ["fail", "failed"],
  ]
    .filter(([outcome]) => counts.has(outcome))
    .map(([outcome, word]) => `${counts.get(outcome)} ${word}`);
  return flagged.length > 0 ? flagged.join(", ") : `${counts.get("pass") ?? 0} passed`;
}

/** A lead's quality explained: its checks beside its score and the points behind it. */
export function LeadQualityCards({
  checks,
  score,
  temperature,
  scoreReasons,
}: {
  checks: readonly CheckListItem[];
  score: number | null;
  temperature: string | null;
  scoreReasons: ReadonlyArray<{ code: string; points: number; detail: string }>;
}) {
  return (
    <div className="grid-2">
      <section className="card">
        <h2>Checks</h2>
        <CheckList checks={checks} />
      </section>
      <section className="card">
        <h2>
          Score <QualityBadges score={score} temperature={temperature} />
        </h2>
        <ScoreReasonList reasons={scoreReasons} />
      </section>
    </div>
  );
}
