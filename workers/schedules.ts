import type { Env } from "~/utils/env.server";
import { sweepAutoRecharges } from "~/modules/billing/auto-recharge.server";
import { sweepExpiredCheckouts } from "~/modules/billing/checkout-expiry.server";
import { runConversionUpkeep } from "~/modules/conversions/conversion-billing.server";
import { releaseDueEarnings } from "~/modules/earnings/earnings.server";
import { runConversionReconciliation } from "~/modules/reconciliation/conversion-reconciliation.server";
import { runLedgerReconciliation } from "~/modules/reconciliation/ledger-reconciliation.server";
import { runDisputeDeadlines } from "~/modules/disputes/dispute-decisions.server";
import { refreshReturnRates } from "~/modules/disputes/return-rates.server";
import { runPostpaidInvoices } from "~/modules/billing/postpaid-invoices.server";
import { runPayouts } from "~/modules/payouts/payout-runs.server";
import { FULL_ROLLUP_DAYS, RECENT_ROLLUP_DAYS, refreshReportRollups } from "~/modules/reports/report-rollups.server";
import type { Schedule, ScheduledTask, ScheduledWorkPayload } from "~/queues/scheduled-work.queue.server";

// The one place that says what runs on a schedule, when, and which module function does it.
// Each task is safe to run twice at once and to retry: see docs/decisions/004-scheduled-work.md.

interface ScheduledTaskDefinition {
  schedule: (env: Env) => Schedule;
  run: (runKey: string, payload: ScheduledWorkPayload) => Promise<unknown>;
}

export const SCHEDULED_WORK: Record<ScheduledTask, ScheduledTaskDefinition> = {
  "release-earnings": {
    schedule: (env) => ({ every: env.EARNINGS_RELEASE_EVERY_MS }),
    run: (runKey) => releaseDueEarnings(runKey),
  },
  "payout-run": {
    schedule: (env) => ({ cron: env.PAYOUT_SCHEDULE_CRON }),
    run: (runKey, payload) => runPayouts({ key: runKey, trigger: payload.triggeredById ? "ADMIN" : "SCHEDULE", triggeredById: payload.triggeredById ?? null }),
  },
  "conversion-upkeep": {
    schedule: (env) => ({ every: env.CONVERSION_UPKEEP_EVERY_MS }),
    run: () => runConversionUpkeep(),
  },
  "conversion-reconciliation": {
    schedule: (env) => ({ cron: env.CONVERSION_RECONCILIATION_CRON }),
    run: (runKey) => runConversionReconciliation(runKey),
  },
  "dispute-deadlines": {
    schedule: (env) => ({ every: env.DISPUTE_DEADLINES_EVERY_MS }),
    run: () => runDisputeDeadlines(),
  },
  "return-rates": {
    schedule: (env) => ({ cron: env.RETURN_RATES_CRON }),
    run: () => refreshReturnRates(),
  },
  "checkout-expiry": {
    schedule: (env) => ({ every: env.CHECKOUT_EXPIRY_EVERY_MS }),
    run: () => sweepExpiredCheckouts(),
  },
  "ledger-reconciliation": {
    schedule: (env) => ({ cron: env.LEDGER_RECONCILIATION_CRON }),
    run: (runKey) => runLedgerReconciliation(runKey),
  },
  "auto-recharge": {
    schedule: (env) => ({ every: env.AUTO_RECHARGE_EVERY_MS }),
    run: () => sweepAutoRecharges(),
  },
  "postpaid-invoices": {
    schedule: (env) => ({ cron: env.INVOICE_RUN_CRON }),
    run: () => runPostpaidInvoices(),
  },
  "report-rollups-recent": {
    schedule: (env) => ({ every: env.REPORT_ROLLUPS_EVERY_MS }),
    run: () => refreshReportRollups({ days: RECENT_ROLLUP_DAYS }),
  },
  "report-rollups": {
    schedule: (env) => ({ cron: env.REPORT_ROLLUPS_NIGHTLY_CRON }),
    run: () => refreshReportRollups({ days: FULL_ROLLUP_DAYS }),
  },
};
