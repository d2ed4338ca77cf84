import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The import fence of eslint.config.js, tried on code that points the wrong way.
const eslint = new ESLint();

async function fenceErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the layer fence", () => {
  it("refuses a util that imports a module", async () => {
    const errors = await fenceErrors("app/utils/example.server.ts", 'import { prisma } from "~/modules/leads/lead-store.server";\nexport const x = prisma;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("utils are the bottom layer");
  });

  it("refuses a module that imports a component or a route", async () => {
    const errors = await fenceErrors(
      "app/modules/leads/example.server.ts",
      'import { formatDate } from "~/components/format";\nimport { loader } from "~/routes/affiliate.leads";\nexport const x = [formatDate, loader];\n',
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("modules own the rules");
  });

  it("refuses a component that imports a server file", async () => {
    const errors = await fenceErrors("app/components/example.tsx", 'import { prisma } from "~/utils/db.server";\nexport const x = prisma;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("never import *.server");
  });

  it("lets imports that point down through", async () => {
    expect(
      await fenceErrors(
        "app/routes/example.tsx",
        'import { listAffiliateLeads } from "~/modules/leads/lead-queries.server";\nexport const x = listAffiliateLeads;\n',
      ),
    ).toEqual([]);
    expect(await fenceErrors("app/components/example.tsx", 'import { formatMoney } from "~/utils/money";\nexport const x = formatMoney;\n')).toEqual([]);
  });
});
