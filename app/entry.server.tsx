import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { getEnv } from "~/utils/env.server";
import { NonceProvider } from "~/utils/nonce-provider";

// Validate the environment when the server boots, not on the first request.
getEnv();

// server.js applies these to every request before Remix sees it (see the module).
export { appOrigin, refuseCrossSiteForm, refuseUnreadableUrl, securityHeadersFor } from "~/utils/http-guards.server";
// server.js answers the lead postback itself (docs/decisions/003-postback-hot-path.md).
export { answerLeadPostback } from "~/modules/leads/lead-postback.server";
export { clientAddressOf } from "~/utils/client-address.server";
// server.js mounts the operators' queue dashboard (bull-board) behind this gate.
export { QUEUE_DASHBOARD_PATH, queueDashboardGate, queuesForDashboard } from "~/modules/operations/queue-dashboard.server";

export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  const callback = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [callback]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}
