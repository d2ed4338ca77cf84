import { randomUUID } from "node:crypto";
import { recordAuditNow } from "~/modules/audit/audit.server";
import type { Prisma } from "~/generated/prisma/client";
import { enqueueScheduledTask } from "~/queues/scheduled-work.queue.server";
import { prisma } from "~/utils/db.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { listStuck, type StuckPage } from "./conversion-stuck.server";
import { watchConversionRates } from "./conversion-watch.server";
import {
  conversionRunReportOf,
  RECONCILIATION_KIND_CONVERSIONS,
  STUCK_KINDS,
  type ConversionRunReport,
  type StuckKind,
  type WatchFlag,
} from "./reconciliation.schema";
import { listTrueUps } from "./true-ups.server";

// A conversion reconciliation run (scheduled task "conversion-reconciliation", or an admin's
// "Run now"): the under-reporting watch and the stuck states, stored as one ReconciliationRun of
// kind "conversions" with its report. The run key is the schedule firing's job id (or
// admin:<uuid>); the row is written once, after the run, with ON CONFLICT DO NOTHING on the key,
// so two workers running one firing (or a retry) store one run.

const SAMPLE = 20;
const RUNS_SHOWN = 10;
const FLAGS_PAGE = 20;

export interface RunOutcome {
  runKey: string;
  findings: number;
  stored: boolean;
}

export async function runConversionReconciliation(runKey: string, now: Date = new Date()): Promise<RunOutcome> {
  const startedAt = new Date();
  const watch = await watchConversionRates(now);
  const stuckEntries = await Promise.all(STUCK_KINDS.map(async (kind) => [kind, await listStuck(kind, 1, now, SAMPLE)] as const));
  const stuck = Object.fromEntries(stuckEntries.map(([kind, page]) => [kind, { count: page.count, sample: page.items }])) as ConversionRunReport["stuck"];
  const trueUpsAwaitingApproval = await prisma.trueUp.count({ where: { status: "RECONCILED" } });
  const report: ConversionRunReport = {
    generatedAt: now.toISOString(),
    trigger: runKey.startsWith("admin:") ? "admin" : "schedule",
    watch,
    stuck,
    trueUpsAwaitingApproval,
  };
  const findings = watch.flags.length + STUCK_KINDS.reduce((n, kind) => n + stuck[kind].count, 0);
  const inserted = await prisma.reconciliationRun.createMany({
    data: [
      {
        kind: RECONCILIATION_KIND_CONVERSIONS,
        runKey,
        startedAt,
        finishedAt: new Date(),
        findings,
        report: report as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  return { runKey, findings, stored: inserted.count === 1 };
}

/** An admin's "Run reconciliation now": a run with its own key, done by the worker. */
export async function requestConversionReconciliation(actor: Actor): Promise<string> {
  requirePermission(actor, "write:conversion:any");
  const runKey = `admin:${randomUUID()}`;
  await enqueueScheduledTask("conversion-reconciliation", runKey, actor.userId ?? undefined);
  await recordAuditNow({
    actorId: actor.userId,
    action: "conversions.reconciliation.requested",
    targetType: "ConversionReconciliation",
    targetId: runKey,
    data: {},
  });
  return runKey;
}

export interface ReconciliationPageQuery {
  flagsPage?: number;
  stuck?: Partial<Record<StuckKind, number>>;
  trueUpsPage?: number;
}

/**
 * The admin's reconciliation page: the latest runs, the latest run's flags (a page of them), each
 * stuck state as it is now (a page of each), and the true-ups waiting for approval.
 */
export async function getReconciliationPage(actor: Actor, query: ReconciliationPageQuery = {}, now: Date = new Date()) {
  requirePermission(actor, "read:conversion:any");
  const runs = await prisma.reconciliationRun.findMany({
    where: { kind: RECONCILIATION_KIND_CONVERSIONS },
    orderBy: { startedAt: "desc" },
    take: RUNS_SHOWN,
    select: { id: true, runKey: true, startedAt: true, finishedAt: true, findings: true, report: true },
  });
  const latest = runs[0] ? conversionRunReportOf(runs[0].report) : null;
  const flags: WatchFlag[] = latest?.watch.flags ?? [];
  const flagsPage = Math.max(1, query.flagsPage ?? 1);
  const stuckEntries = await Promise.all(
    STUCK_KINDS.map(async (kind) => [kind, { page: query.stuck?.[kind] ?? 1, ...(await listStuck(kind, query.stuck?.[kind] ?? 1, now)) }] as const),
  );
  const stuck = Object.fromEntries(stuckEntries) as Record<StuckKind, StuckPage & { page: number }>;
  const awaiting = await listTrueUps(actor, { status: "RECONCILED", page: query.trueUpsPage });
  return {
    runs: runs.map((r) => {
      const report = conversionRunReportOf(r.report);
      return {
        id: r.id,
        runKey: r.runKey,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        findings: r.findings,
        trigger: report?.trigger ?? "schedule",
        flags: report?.watch.flags.length ?? 0,
        stuck: Object.fromEntries(STUCK_KINDS.map((k) => [k, report?.stuck[k].count ?? 0])) as Record<StuckKind, number>,
      };
    }),
    latest: latest
      ? {
          generatedAt: latest.generatedAt,
          ordersJudged: latest.watch.ordersJudged,
          affiliates: latest.watch.affiliates,
          flags: { total: flags.length, page: flagsPage, pageSize: FLAGS_PAGE, items: flags.slice((flagsPage - 1) * FLAGS_PAGE, flagsPage * FLAGS_PAGE) },
        }
      : null,
    stuck,
    awaiting,
  };
}
