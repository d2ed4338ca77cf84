import type { LoaderFunctionArgs } from "@remix-run/node";
import { metricsResponse } from "~/modules/operations/metrics.server";

// Prometheus scrapes the backlog here with `Authorization: Bearer $METRICS_TOKEN` (docs/operations.md).
export function loader({ request }: LoaderFunctionArgs) {
  return metricsResponse(request);
}
