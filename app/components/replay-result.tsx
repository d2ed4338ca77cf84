/** What the last replay answered, above a delivery log. */
export function ReplayResult({ replayed }: { replayed: { id: string; status: string; lastStatusCode: number | null; lastError: string | null } | null }) {
  if (!replayed) return null;
  const ok = replayed.status === "DELIVERED" && replayed.lastError === null;
  return (
    <div className={`alert ${ok ? "alert-success" : "alert-warning"}`} role="status">
      Replayed <code>{replayed.id}</code>: {replayed.lastStatusCode !== null ? `HTTP ${replayed.lastStatusCode}` : replayed.lastError}
      {ok ? "" : " — the receiver did not accept it"}
    </div>
  );
}
