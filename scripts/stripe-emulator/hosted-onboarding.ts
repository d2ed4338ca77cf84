/**
 * `GET /connect/setup/e/:account/:token`: the page an AccountLink's `url` opens, and `POST` to the
 * same path: its form. Like Stripe's links, each is single use: an expired link, or one opened
 * before, redirects to the link's `refresh_url`, where the app makes a new link.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectAccounts } from "./connect-accounts.js";
import type { EventLog } from "./event-log.js";
import { BodyTooLargeError, readBody, redirect, send, sendHtml } from "./http-util.js";
import { renderLinkNotFoundPage, renderOnboardingPage } from "./onboarding-page.js";

export class HostedOnboarding {
  constructor(
    private readonly accounts: ConnectAccounts,
    private readonly events: EventLog,
    private readonly log: (line: string) => void,
  ) {}

  /** Returns false when the path is not an onboarding path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/connect\/setup\/e\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) return false;
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "POST") {
      res.writeHead(405, { allow: "GET, POST", "content-length": "0" });
      res.end();
      return true;
    }
    const [accountId, token] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    const record = this.accounts.linkRecord(token);
    const account = this.accounts.find(accountId);
    if (!record || record.account !== accountId || !account) {
      sendHtml(res, 404, renderLinkNotFoundPage());
      return true;
    }

    if (method === "GET") {
      if (record.state !== "new" || this.accounts.isExpired(record)) {
        this.log(`[stripe-emulator] onboarding link for ${accountId} is ${record.state === "new" ? "expired" : "used"} -> refresh_url`);
        record.state = "used";
        redirect(res, record.refreshUrl);
        return true;
      }
      record.state = "visited";
      sendHtml(res, 200, renderOnboardingPage(account, url.pathname));
      return true;
    }

    // The page may be submitted after the link's own expiry: the visit has already begun.
    if (record.state === "used" || (record.state === "new" && this.accounts.isExpired(record))) {
      redirect(res, record.refreshUrl);
      return true;
    }
    let action: string | null;
    try {
      action = new URLSearchParams(await readBody(req, 16 * 1024)).get("action");
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      action = null;
    }
    if (action !== "complete" && action !== "later") {
      send(res, 400, "action must be complete or later\n", { "content-type": "text/plain; charset=utf-8" });
      return true;
    }
    record.state = "used";
    if (action === "complete") {
      this.accounts.completeOnboarding(accountId);
      // The app hears account.updated before the person lands on return_url.
      await this.events.waitForWebhooks();
    }
    this.log(`[stripe-emulator] onboarding ${accountId}: ${action} -> ${record.returnUrl}`);
    redirect(res, record.returnUrl);
    return true;
  }
}
