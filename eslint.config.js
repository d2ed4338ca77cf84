// ESLint: TypeScript's recommended rules plus the fence that keeps the layers pointing down
// (CONVENTIONS.md, habit 14): routes → modules → utils; components use only utils and never
// *.server files. test/lint-fence.test.ts proves a wrong-way import fails.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** An import rule that refuses `patterns` in `files`, with the reason. */
function fence(files, patterns, message) {
  return { files, rules: { "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }] } };
}

export default tseslint.config(
  { ignores: ["build/", "public/build/", "app/generated/", ".cache/", ".data/", "node_modules/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: { console: "readonly", process: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-undef": "off",
    },
  },
  {
    // Tests read JSON answers of every shape; a NUL in a test's regex is deliberate.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "no-control-regex": "off" },
  },
  fence(
    ["app/utils/**"],
    ["~/modules/*", "~/modules/**", "~/routes/**", "~/components/**", "~/queues/**", "../modules/**", "../routes/**", "../components/**", "../queues/**"],
    "utils are the bottom layer: they import no modules, queues, components or routes (move the helper into the module that owns the rule).",
  ),
  fence(
    ["app/modules/**", "app/queues/**"],
    ["~/components/**", "~/routes/**", "../../components/**", "../../routes/**", "../components/**", "../routes/**"],
    "modules own the rules and import no components or routes (formatting for the UI lives in utils or the component).",
  ),
  fence(
    ["app/components/**"],
    ["*.server", "**/*.server", "~/modules/**/*.server", "~/utils/*.server", "~/queues/**"],
    "components are presentational and run in the browser: they never import *.server files (pass data from the route's loader).",
  ),
);
