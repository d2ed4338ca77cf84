// What server.js passes to every loader, action and entry.server.tsx (getLoadContext).
import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The Content-Security-Policy nonce of this request. */
    cspNonce?: string;
  }
}
