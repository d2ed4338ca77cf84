import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { RouteErrorView } from "~/components/error-view";
import { PublicShell } from "~/components/public-shell";
import stylesHref from "~/styles/app.css";
import { readFlash } from "~/utils/flash.server";
import { useNonce } from "~/utils/nonce-provider";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Leadex" }];

/** The one-time message an action left (redirectWithFlash), shown by SiteFrame and then cleared. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { flash, headers } = await readFlash(request);
  return json({ flash }, { headers });
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <PublicShell>
      <RouteErrorView />
    </PublicShell>
  );
}
