import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useSearchParams } from "@remix-run/react";
import { AuthForm } from "~/components/auth-form";
import { Field } from "~/components/field";
import { loginSchema } from "~/modules/accounts/accounts.schema";
import { authenticateUser, CompanySuspendedError } from "~/modules/accounts/accounts.server";
import { clientAddressOf } from "~/utils/client-address.server";
import { UnauthorizedError } from "~/utils/errors";
import { safeRedirect } from "~/utils/forms";
import { formFailure, formRouteHeaders, handleForm, readForm } from "~/utils/route-errors.server";
import { createUserSession, getSessionUser, homePathFor } from "~/utils/session.server";

export const headers = formRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Log in · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) {
    const redirectTo = new URL(request.url).searchParams.get("redirectTo");
    throw redirect(safeRedirect(redirectTo, homePathFor(user.role)));
  }
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return handleForm(await readForm(request), loginSchema, async (data, values) => {
    let user;
    try {
      user = await authenticateUser(data.email, data.password, clientAddressOf(context));
    } catch (error) {
      if (error instanceof UnauthorizedError) return formFailure({}, "Email or password is wrong", 401, values);
      if (error instanceof CompanySuspendedError) return formFailure({}, error.message, 403, values);
      // Too many failures (429 with Retry-After): the message says until when.
      throw error;
    }
    const cookie = await createUserSession(user.id);
    return redirect(safeRedirect(data.redirectTo, homePathFor(user.role)), { headers: { "Set-Cookie": cookie } });
  });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const errors = actionData?.errors ?? {};
  const redirectTo = actionData?.values?.redirectTo ?? searchParams.get("redirectTo") ?? "";
  return (
    <AuthForm
      title="Log in"
      formError={actionData?.formError}
      submitLabel="Log in"
      footer={
        <>
          New to Leadex? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <Field name="email" label="Email" type="email" autoComplete="email" required defaultValue={actionData?.values?.email} error={errors.email} />
      <Field name="password" label="Password" type="password" autoComplete="current-password" required error={errors.password} />
    </AuthForm>
  );
}
