import { reasonText } from "~/modules/leads/lead-reasons";

// A reason code in words with the code beside it: "No buyer's order matched this lead (no_matching_order)".
// An unknown code still shows, as the code alone.

export function ReasonText({ code }: { code: string }) {
  const text = reasonText(code);
  if (!text) return <code className="reason-code">{code}</code>;
  return (
    <span className="reason-text">
      {text} <code className="reason-code">{`(${code})`}</code>
    </span>
  );
}

/** Several reasons, one per line; a dash when there are none. */
export function ReasonList({ codes }: { codes: readonly string[] }) {
  if (codes.length === 0) return <span className="muted">—</span>;
  if (codes.length === 1) return <ReasonText code={codes[0]} />;
  return (
    <ul className="plain-list reason-list">
      {codes.map((code) => (
        <li key={code}>
          <ReasonText code={code} />
        </li>
      ))}
    </ul>
  );
}
