// A lead's quality at a glance: its score 0-100 and its temperature, and the reasons behind the score.

const TEMPERATURE_TONES: Record<string, string> = { hot: "danger", warm: "warning", cold: "info" };

function scoreTone(score: number): string {
  if (score >= 70) return "success";
  if (score >= 40) return "info";
  return "warning";
}

export function ScoreBadge({ score }: { score: number | null | undefined }) {
  if (score === null || score === undefined) return <span className="muted">—</span>;
  return (
    <span className={`badge badge-${scoreTone(score)}`} title="Quality score out of 100" data-testid="quality-score">
      {`${score}/100`}
    </span>
  );
}

export function TemperatureBadge({ temperature }: { temperature: string | null | undefined }) {
  if (!temperature) return <span className="muted">—</span>;
  const key = temperature.toLowerCase();
  return (
    <span className={`badge badge-${TEMPERATURE_TONES[key] ?? "muted"}`} data-testid="temperature">
      {key}
    </span>
  );
}

export function QualityBadges({ score, temperature }: { score: number | null | undefined; temperature: string | null | undefined }) {
  return (
    <span className="quality-badges">
      <ScoreBadge score={score} /> <TemperatureBadge temperature={temperature} />
    </span>
  );
}

/** The weighted reasons that made a score, each with its points; they add up to the score. */
export function ScoreReasonList({ reasons }: { reasons: ReadonlyArray<{ code: string; points: number; detail: string }> }) {
  if (reasons.length === 0) return <p className="muted">Not scored yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Score breakdown">
      <table data-testid="score-reasons">
        <thead>
          <tr>
            <th>Reason</th>
            <th className="num">Points</th>
          </tr>
        </thead>
        <tbody>
          {reasons.map((r, i) => (
            <tr key={`${r.code}-${i}`}>
              <td>
                {r.detail} <code className="muted small">{r.code}</code>
              </td>
              <td className={`num ${r.points < 0 ? "points-negative" : ""}`}>{r.points > 0 ? `+${r.points}` : r.points}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
