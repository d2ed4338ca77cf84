import type { AppLoadContext } from "@remix-run/node";

// server.js puts Express' `req.ip` (which honours TRUST_PROXY) into the load context of every
// request, through Remix and on the direct postback/ping/post path alike.

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as Express sees it; absent when the app runs without server.js. */
    clientAddress?: string;
  }
}

/** The address the request came from ("::ffff:" dropped from IPv4 addresses), or "unknown". */
export function clientAddressOf(context: AppLoadContext): string {
  const address = context.clientAddress;
  if (!address) return "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
