import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/utils/env.server";
import { measureBacklog, type Backlog } from "./backlog.server";

// GET /metrics: the backlog in Prometheus text format, for a scraper holding METRICS_TOKEN.

export type MetricsAccess = "allowed" | "unauthorized" | "disabled";

/** Unset token: the endpoint does not exist (404). Otherwise `Authorization: Bearer <token>`, compared in constant time. */
export function metricsAccess(authorization: string | null, configuredToken: string | undefined): MetricsAccess {
  if (!configuredToken) return "disabled";
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!given) return "unauthorized";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(configuredToken)) ? "allowed" : "unauthorized";
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** The text exposition format (version 0.0.4): HELP and TYPE, then one sample per line. */
export function prometheusText(backlog: Backlog): string {
  const lines: string[] = [];
  const metric = (name: string, type: "gauge" | "counter", help: string, samples: Array<[labels: Record<string, string>, value: number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      lines.push(`${name}${text ? `{${text}}` : ""} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
    }
  };
  metric("leadex_queue_up", "gauge", "1 when Redis answered the queue counts below, 0 when it did not.", [[{}, backlog.queues ? 1 : 0]]);
  if (backlog.queues) {
    metric(
      "leadex_queue_jobs",
      "gauge",
      "Jobs in each Bull queue by state (waiting, active, delayed, failed).",
      backlog.queues.flatMap((q) =>
        (["waiting", "active", "delayed", "failed"] as const).map((state): [Record<string, string>, number] => [{ queue: q.queue, state }, q[state]]),
      ),
    );
  }
  metric("leadex_oldest_undecided_lead_age_seconds", "gauge", "Age of the oldest lead still waiting for the pipeline's decision; 0 when none waits.", [
    [{}, backlog.oldestUndecidedAgeSeconds],
  ]);
  metric("leadex_lead_decisions_last_minute", "gauge", "Leads decided (sold, unsold, rejected or held for review) in the last 60 seconds.", [
    [{}, backlog.decisionsLastMinute],
  ]);
  metric("leadex_leads_received_total", "counter", "Leads received since the database was created.", [[{}, backlog.leadsReceivedTotal]]);
  return `${lines.join("\n")}\n`;
}

/** The answer to GET /metrics. */
export async function metricsResponse(request: Request): Promise<Response> {
  const access = metricsAccess(request.headers.get("authorization"), getEnv().METRICS_TOKEN);
  if (access === "disabled") return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  if (access === "unauthorized") {
    return new Response("A bearer token (METRICS_TOKEN) is required\n", {
      status: 401,
      headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  return new Response(prometheusText(await measureBacklog()), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  });
}
