/** A ledger reconciliation run's verdict: red "Drift found" when it found anything, green "Books match Stripe" otherwise. */
export function ReconciliationVerdict({ driftCents, findings }: { driftCents: number; findings: number }) {
  return driftCents > 0 || findings > 0 ? (
    <span className="badge badge-danger verdict-drift" data-testid="verdict">
      Drift found
    </span>
  ) : (
    <span className="badge badge-success verdict-clean" data-testid="verdict">
      Books match Stripe
    </span>
  );
}
