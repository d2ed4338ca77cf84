import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "That request was not understood",
  401: "Please log in",
  403: "You may not see this page",
  404: "Not found",
  409: "That conflicts with something that exists",
  422: "Some fields are invalid",
};

/** What an ErrorBoundary renders: the status and a readable message, never a stack trace. */
export function RouteErrorView({ homeHref = "/" }: { homeHref?: string }) {
  const error = useRouteError();
  let status = 500;
  let title = "Something went wrong";
  let detail = "An unexpected error happened. It has been logged; please try again.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    title = TITLES[status] ?? (error.statusText || title);
    const message = typeof error.data === "string" ? error.data : (error.data as { message?: unknown } | null)?.message;
    detail =
      status === 404
        ? "We could not find what you were looking for. It may not exist, or it may not be yours to see."
        : status === 403
          ? "Your account does not have access to this page."
          : typeof message === "string" && message
            ? message
            : detail;
  }
  return (
    <section className="error-view" role="alert">
      <p className="error-status">{status}</p>
      <h1>{title}</h1>
      <p className="muted">{detail}</p>
      <p>
        <Link to={homeHref} className="button">
          Back to safety
        </Link>
      </p>
    </section>
  );
}
