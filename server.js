// The web server: the built Remix app on Express, with request logs that never show secrets.
// (remix-serve would log GET postback URLs with their api_key in clear.)
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import morgan from "morgan";

const root = path.dirname(fileURLToPath(import.meta.url));
const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);

/** Hides credentials that may ride in a query string (GET postbacks carry `api_key`). */
export function redactUrl(url) {
  return url.replace(/([?&](?:api_key|key|token|password)=)[^&]*/gi, "$1[redacted]");
}

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
morgan.token("safe-url", (req) => redactUrl(req.originalUrl ?? req.url ?? ""));
app.use(morgan(":method :safe-url :status :res[content-length] - :response-time ms"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;
const server = app.listen(port, host, () => {
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
