import type Bull from "bull";
import { getQueue } from "~/queues/queue.server";
import { can } from "~/utils/permissions.server";
import { getSessionUser } from "~/utils/session.server";
import { WORKER_QUEUES } from "./backlog.server";

// The operators' queue dashboard (bull-board, mounted by server.js at QUEUE_DASHBOARD_PATH): who
// may open it, and the queues it shows. server.js gets both through entry.server.tsx.

export const QUEUE_DASHBOARD_PATH = "/admin/queues";

export type QueueDashboardGate = { kind: "allowed" } | { kind: "login"; location: string } | { kind: "forbidden" };

/** An admin's session opens the board; nobody signed in is sent to log in; any other role gets 403. */
export async function queueDashboardGate(request: Request): Promise<QueueDashboardGate> {
  const user = await getSessionUser(request);
  if (!user) {
    const url = new URL(request.url);
    return { kind: "login", location: `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}` };
  }
  return can(user, "read:operations:any") ? { kind: "allowed" } : { kind: "forbidden" };
}

/** Every queue the workers consume, as this process's shared Bull queues. */
export function queuesForDashboard(): Bull.Queue[] {
  return WORKER_QUEUES.map((name) => getQueue(name));
}
