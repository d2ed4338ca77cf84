import { createContext, useContext } from "react";

// The Content-Security-Policy nonce of this request (server.js makes one per request; see
// utils/http-guards.server.ts). Rendered into Remix's inline scripts on the server; the browser
// hides nonces from the page, so on the client it is "".
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
