// Single Fetch types: loaders/actions may return plain objects or `data(...)`, and
// useLoaderData<typeof loader>() infers what actually arrives (Dates stay Dates).
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// What server.js passes to every loader and action.
declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    /** The client's IP as Express sees it (honours TRUST_PROXY). */
    clientIp?: string | null;
  }
}
