import { afterAll, describe, expect, it } from "vitest";
import { addJob, closeQueues, getQueue } from "~/queues/queue.server";
import { waitFor } from "./support/wait";

afterAll(async () => {
  await closeQueues();
});

describe("queues", () => {
  it("adding a job whose earlier run used up its attempts runs it again", async () => {
    const queue = getQueue("retry-check");
    let runs = 0;
    void queue.process(async () => {
      runs++;
      if (runs === 1) throw new Error("boom");
      return "ok";
    });
    await queue.add({ n: 1 }, { jobId: "job-1", attempts: 1 });
    await waitFor("the first run to fail", async () => (await queue.getJob("job-1"))?.isFailed());

    await addJob("retry-check", { n: 1 }, "job-1");
    await waitFor("the retried job to complete", async () => (await queue.getJob("job-1"))?.isCompleted());
    expect(runs).toBe(2);
  });

  it("adding the same job id twice queues one job", async () => {
    const queue = getQueue("dedupe-check");
    await addJob("dedupe-check", { n: 1 }, "job-2");
    await addJob("dedupe-check", { n: 1 }, "job-2");
    expect(await queue.count()).toBe(1);
  });
});
