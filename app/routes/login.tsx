import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field, FormError } from "~/components/field";
import { PublicShell } from "~/components/public-shell";
import { loginSchema } from "~/modules/accounts/accounts.schema";
import { authenticateUser } from "~/modules/accounts/accounts.server";
import { UnauthorizedError, zodFieldErrors } from "~/utils/errors";
import { formValues, safeRedirect } from "~/utils/forms";
import { formFailure } from "~/utils/route-errors.server";
import { createUserSession, getSessionUser, homePathFor } from "~/utils/session.server";

export const meta: MetaFunction = () => [{ title: "Log in · Leadex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) {
    const redirectTo = new URL(request.url).searchParams.get("redirectTo");
    throw redirect(safeRedirect(redirectTo, homePathFor(user.role)));
  }
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = formValues(form);
  const parsed = loginSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return formFailure(zodFieldErrors(parsed.error.issues), undefined, 400, values);
  let user;
  try {
    user = await authenticateUser(parsed.data.email, parsed.data.password);
  } catch (error) {
    if (error instanceof UnauthorizedError) return formFailure({}, "Email or password is wrong", 401, values);
    throw error;
  }
  const cookie = await createUserSession(user.id);
  return redirect(safeRedirect(parsed.data.redirectTo, homePathFor(user.role)), { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const errors = actionData?.errors ?? {};
  const redirectTo = actionData?.values?.redirectTo ?? searchParams.get("redirectTo") ?? "";
  return (
    <PublicShell>
      <div className="auth-card card">
        <h1>Log in</h1>
        <Form method="post" className="form" noValidate>
          <FormError error={actionData?.formError} />
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Field
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            defaultValue={actionData?.values?.email}
            error={errors.email}
          />
          <Field name="password" label="Password" type="password" autoComplete="current-password" required error={errors.password} />
          <button type="submit" className="button button-block" disabled={navigation.state === "submitting"}>
            Log in
          </button>
        </Form>
        <p className="muted center">
          New to Leadex? <Link to="/signup">Create an account</Link>
        </p>
      </div>
    </PublicShell>
  );
}
