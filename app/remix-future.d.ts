// Single Fetch types: loaders/actions may return plain objects or `data(...)`, and
// useLoaderData<typeof loader>() infers what actually arrives (Dates stay Dates).
import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
