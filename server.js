// The web server: the built Remix app on Express. Request logs show paths only: GET postbacks
// carry an API key and a consumer's contact data in the query string.
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createBullBoard } from "@bull-board/api";
import { BullAdapter } from "@bull-board/api/bullAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import finalhandler from "finalhandler";
import morgan from "morgan";
import proxyaddr from "proxy-addr";

const root = path.dirname(fileURLToPath(import.meta.url));
const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);

/** The path of a URL, with any query string replaced by "?…". */
export function loggableUrl(url) {
  const q = url.indexOf("?");
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

const app = express();
app.disable("x-powered-by");
// Behind a load balancer set TRUST_PROXY (e.g. "1" hop) so req.ip is the client's, not the proxy's:
// the sign-in, sign-up and API-key limits count per client address.
if (process.env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY);
// What every route gets as its load context: the client's address (req.ip honours TRUST_PROXY) for
// the rate limits, and the page's CSP nonce.
const loadContext = (req, res) => ({ clientAddress: req.ip, cspNonce: res?.locals?.cspNonce ?? undefined });
morgan.token("safe-url", (req) => loggableUrl(req.originalUrl ?? req.url ?? ""));
const LOG_FORMAT = ":method :safe-url :status :res[content-length] - :response-time ms";
app.use(morgan(LOG_FORMAT, { skip: (req) => req.path.startsWith("/build/") }));

// Before anything answers (hot paths and static files included): security headers, then URLs no
// route can read and cross-site form posts are refused. The rules live in
// app/utils/http-guards.server.ts; entry.server.tsx hands them over.
const guards = build.entry.module;
const appOrigin = guards.appOrigin();
const refuse = (res, refusal) => res.status(refusal.status).type(refusal.contentType).send(refusal.body);
app.use((req, res, next) => {
  const { headers, cspNonce } = guards.securityHeadersFor(req.path);
  res.set(headers);
  res.locals.cspNonce = cspNonce;
  const refusal =
    guards.refuseUnreadableUrl(req.path, req.originalUrl) ??
    guards.refuseCrossSiteForm({ method: req.method, path: req.path, origin: req.get("origin"), referer: req.get("referer") });
  if (refusal) return refuse(res, refusal);
  next();
});
// The machine-to-machine hot paths (lead postback, ping, post) and the conversion postback call
// their route modules straight from here, skipping Remix's per-request route matching
// (docs/decisions/003-postback-hot-path.md). Same modules, same code, same answers as through
// Remix. They come before compression and the static files (which would stat the disk for every
// postback): their answers are small JSON. The body is read here, whole, before the route answers:
// the routes refuse bodies over 64 KiB with their JSON error (and a bad API key before reading
// the body); this limit only bounds memory. Through Remix, a body a route leaves unread stalls
// its keep-alive connection, and one sent in chunks would be read into memory whatever its size.
const rawBody = express.raw({ type: () => true, limit: "1mb" });
const readRawBody = (req, res, next) =>
  rawBody(req, res, (error) => {
    if (!error) return next();
    if (error.type !== "entity.too.large") return next(error);
    res.status(413).json({ error: { code: "payload_too_large", message: "The body is larger than 65536 bytes" } });
  });
for (const [urlPath, routeId] of [
  ["/api/v1/leads", "routes/api.v1.leads"],
  ["/api/v1/ping", "routes/api.v1.ping"],
  ["/api/v1/post", "routes/api.v1.post"],
  ["/api/v1/conversions", "routes/api.v1.conversions"],
]) {
  const route = build.routes[routeId]?.module;
  if (!route) continue;
  app.all(urlPath, readRawBody, async (req, res, next) => {
    try {
      const method = req.method.toUpperCase();
      const handler = method === "GET" ? route.loader : method === "POST" ? route.action : undefined;
      if (!handler) return next();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      // Absolute URLs come from APP_URL, never from the Host header a client chose.
      const url = `${appOrigin}${req.originalUrl}`;
      const body = method === "POST" && Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
      const request = new Request(url, { method, headers, body });
      const response = await handler({ request, params: {}, context: loadContext(req, res) });
      res.status(response.status);
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      next(error);
    }
  });
}

// A body a Remix route left unread (refused before reading it: a bad API key, the wrong role, the
// wrong content type, an endpoint that takes none) holds its keep-alive connection: Remix's body
// stream stops reading, so the next request on it never gets an answer. Once the answer is sent,
// the rest of such a body is read and thrown away (up to 4 MiB; past that the connection is closed).
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;
app.use((req, res, next) => {
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    req.removeAllListeners("data");
    let drained = 0;
    req.on("data", (chunk) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) req.socket?.destroy();
    });
    req.resume();
  });
  next();
});

app.use(compression());

// The operators' queue dashboard (bull-board): admins only, by the same session as the admin
// console; nobody signed in is sent to log in, any other role gets 403, for the page and its API.
// The board and its Redis connections are made on the first admin request.
const queueBoard = new ExpressAdapter().setBasePath(guards.QUEUE_DASHBOARD_PATH);
let queueBoardReady = false;
const adminOnlyQueueBoard = async (req, res, next) => {
  try {
    const request = new Request(`${appOrigin}${req.originalUrl}`, { headers: { cookie: req.get("cookie") ?? "" } });
    const gate = await guards.queueDashboardGate(request);
    if (gate.kind === "login") return res.redirect(302, gate.location);
    if (gate.kind === "forbidden") return res.status(403).type("text/plain").send("Forbidden");
    if (!queueBoardReady) {
      createBullBoard({
        queues: guards.queuesForDashboard().map((queue) => new BullAdapter(queue)),
        serverAdapter: queueBoard,
        options: { uiConfig: { boardTitle: "Leadex queues" } },
      });
      queueBoardReady = true;
    }
    next();
  } catch (error) {
    next(error);
  }
};
app.use(guards.QUEUE_DASHBOARD_PATH, adminOnlyQueueBoard, queueBoard.getRouter());
app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: loadContext }));

// The lead postback without Express (docs/decisions/003-postback-hot-path.md): Express' routing,
// its request/response decoration and a Web Request/Response per postback cost more CPU than the
// postback's own work. This serves POST and GET /api/v1/leads with the same guards, security
// headers, body reading (the same raw-body middleware and limit), log line, client address,
// domain function and errors as the Express route above; any request it would refuse (bad URL,
// cross-site form) goes to Express untouched, as does every other path and method.
const { answerLeadPostback, clientAddressOf } = build.entry.module;
const hotLog = morgan(LOG_FORMAT);
const utf8 = new TextDecoder();
const noop = () => {};
function expressError(req, res, error) {
  // Exactly what Express does with an error no middleware handled (app.handle's final handler).
  finalhandler(req, res, { env: app.get("env"), onerror: (err) => app.get("env") !== "test" && console.error(err.stack || err.toString()) })(error);
}
function serveLeadPostback(req, res) {
  const url = req.url;
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  if (pathname !== "/api/v1/leads" || (req.method !== "POST" && req.method !== "GET") || !answerLeadPostback) return false;
  const headers = req.headers;
  const refusal =
    guards.refuseUnreadableUrl(pathname, url) ??
    guards.refuseCrossSiteForm({ method: req.method, path: pathname, origin: headers.origin, referer: headers.referer ?? headers.referrer });
  if (refusal) return false;
  hotLog(req, res, noop);
  const security = guards.securityHeadersFor(pathname).headers;
  for (const name in security) res.setHeader(name, security[name]);
  rawBody(req, res, (error) => {
    if (error) {
      if (error.type !== "entity.too.large") return expressError(req, res, error);
      // As res.status(413).json(…) through Express (ETag and charset included).
      Object.setPrototypeOf(req, app.request);
      Object.setPrototypeOf(res, app.response);
      req.res = res;
      res.req = req;
      return res.status(413).json({ error: { code: "payload_too_large", message: "The body is larger than 65536 bytes" } });
    }
    const body = req.method === "POST" && Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    const parts = {
      method: req.method,
      // Absolute URLs come from APP_URL, never from the Host header a client chose.
      url: () => `${appOrigin}${url}`,
      header: (name) => {
        const value = headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
      text: async () => (body === undefined ? "" : utf8.decode(body)),
    };
    const clientAddress = clientAddressOf({ clientAddress: proxyaddr(req, app.get("trust proxy fn")) });
    answerLeadPostback(parts, clientAddress).then(
      (answer) => {
        res.statusCode = answer.status;
        res.setHeader("content-type", "application/json");
        if (answer.headers) for (const name in answer.headers) res.setHeader(name, answer.headers[name]);
        res.end(answer.json);
      },
      (failure) => expressError(req, res, failure),
    );
  });
  return true;
}

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;
const server = http.createServer((req, res) => serveLeadPostback(req, res) || app(req, res));
server.listen(port, host, () => {
  console.log(`[leadex-web] listening on http://${host ?? "localhost"}:${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive connections must not hold the process past a short grace period.
    setTimeout(() => process.exit(0), 3000).unref();
    server.closeIdleConnections?.();
  });
}
