import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { getEnv } from "./env.server";
import { outboundTarget, refusalOfAddresses } from "./outbound-destination.server";

// The one HTTP client for calls that leave Leadex (CRM webhooks, affiliate postbacks, external
// buyers' pings and posts). It resolves a host once, inside the connection itself, and connects
// to exactly the addresses it checked, so a DNS answer that changes between check and connect
// (rebinding) cannot steer it inside. It follows no redirect, gives up at one deadline for the
// whole call, and reads at most MAX_ANSWER_BYTES of an answer.

export const MAX_ANSWER_BYTES = 64 * 1024;

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | null;
  /** For the whole call: lookup, connect, sending, and reading the answer. */
  timeoutMs: number;
}

/** An answer of any status: a 3xx is an answer too, never followed (see answerStatusText). */
export interface OutboundAnswer {
  outcome: "answer";
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  durationMs: number;
}

export interface OutboundFailure {
  outcome: "refused" | "timeout" | "network" | "too-large";
  /** Why, in words: "could not resolve crm.example", "no answer within 500 ms", … */
  message: string;
  /** The system error code of a network failure (ECONNREFUSED, ECONNRESET, …). */
  code: string | null;
  /** The answer's status when the failure came after it (too-large). */
  status: number | null;
  durationMs: number;
}

export type OutboundResult = OutboundAnswer | OutboundFailure;

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundClientOptions {
  /** Default: OUTBOUND_ALLOW_PRIVATE_ADDRESSES. */
  allowPrivateAddresses?: boolean;
  /** Default: the system resolver. Connections made with another resolver are not kept alive. */
  resolveHost?: ResolveHost;
}

const resolveWithSystem: ResolveHost = (hostname) => lookup(hostname, { all: true, verbatim: true });

class RefusedDestinationError extends Error {}

// Kept-alive sockets make repeated pings to a buyer cheap, and are safe to reuse: each was
// connected to an address checked when it was opened. The two policies never share a socket.
const keepAlive = { keepAlive: true, timeout: 4_000 };
const agents = {
  publicOnly: { "http:": new http.Agent(keepAlive), "https:": new https.Agent(keepAlive) },
  privateToo: { "http:": new http.Agent(keepAlive), "https:": new https.Agent(keepAlive) },
};

/** The `lookup` of a connection: resolves once, refuses unless every address is allowed, and hands over only those. */
function checkedLookup(resolveHost: ResolveHost, allowPrivateAddresses: boolean) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const refuse = (why: string) => callback(new RefusedDestinationError(why), "", 0);
    resolveHost(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return refuse(`could not resolve ${hostname}`);
        const refused = allowPrivateAddresses
          ? null
          : refusalOfAddresses(
              hostname,
              addresses.map((a) => a.address),
            );
        if (refused) return refuse(refused);
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      () => refuse(`could not resolve ${hostname}`),
    );
  };
}

/** Sends one request and returns its answer or why there is none; never throws. */
export function sendOutboundRequest(request: OutboundRequest, options: OutboundClientOptions = {}): Promise<OutboundResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const allowPrivateAddresses = options.allowPrivateAddresses ?? getEnv().OUTBOUND_ALLOW_PRIVATE_ADDRESSES;
  const failure = (outcome: OutboundFailure["outcome"], message: string, extra: Partial<OutboundFailure> = {}): OutboundFailure => ({
    outcome,
    message,
    code: null,
    status: null,
    durationMs: elapsed(),
    ...extra,
  });

  const target = outboundTarget(request.url, allowPrivateAddresses);
  if ("refused" in target) return Promise.resolve(failure("refused", target.refused));
  const { url } = target;
  const protocol = url.protocol as "http:" | "https:";
  const headers: Record<string, string> = { ...request.headers };
  if (request.body != null) headers["content-length"] = String(Buffer.byteLength(request.body));

  return new Promise<OutboundResult>((resolve) => {
    let outgoing: http.ClientRequest;
    try {
      outgoing = (protocol === "https:" ? https : http).request({
        protocol,
        hostname: target.host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        method: request.method,
        headers,
        // An IP-address host is connected to as it is (checked above); a name goes through checkedLookup.
        lookup: checkedLookup(options.resolveHost ?? resolveWithSystem, allowPrivateAddresses),
        agent: options.resolveHost ? false : agents[allowPrivateAddresses ? "privateToo" : "publicOnly"][protocol],
      });
    } catch (error) {
      resolve(failure("network", (error as Error).message, { code: (error as NodeJS.ErrnoException).code ?? null }));
      return;
    }
    const deadline = setTimeout(() => {
      finish(failure("timeout", `no answer within ${request.timeoutMs} ms`));
      outgoing.destroy();
    }, request.timeoutMs);
    let done = false;
    function finish(result: OutboundResult) {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      resolve(result);
    }

    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedDestinationError) finish(failure("refused", error.message));
      else finish(failure("network", error.message, { code: error.code ?? null }));
    });
    outgoing.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const tooLarge = () => {
        finish(failure("too-large", `answer larger than ${MAX_ANSWER_BYTES} bytes`, { status }));
        outgoing.destroy();
      };
      if (Number(response.headers["content-length"]) > MAX_ANSWER_BYTES) return tooLarge();
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_ANSWER_BYTES) return tooLarge();
        chunks.push(chunk);
      });
      response.on("end", () => {
        finish({ outcome: "answer", status, headers: response.headers, body: Buffer.concat(chunks).toString("utf8"), durationMs: elapsed() });
      });
      response.on("error", (error: NodeJS.ErrnoException) => finish(failure("network", error.message, { code: error.code ?? null })));
    });
    outgoing.end(request.body ?? undefined);
  });
}

const LOCATION_SHOWN = 200;

/** "HTTP 503", or for a redirect "HTTP 302 redirect to <Location> (not followed)". */
export function answerStatusText(answer: OutboundAnswer): string {
  const location = answer.status >= 300 && answer.status < 400 ? answer.headers.location : undefined;
  if (!location) return `HTTP ${answer.status}`;
  const shown = location.length > LOCATION_SHOWN ? `${location.slice(0, LOCATION_SHOWN)}…` : location;
  return `HTTP ${answer.status} redirect to ${shown} (not followed)`;
}

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}
