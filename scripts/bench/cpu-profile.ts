import path from "node:path";

// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: the frames with the most
// self time, and the same time by area (a package under node_modules, a file of the app, V8 itself).

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function areaOf(url: string, root: string): string {
  if (!url) return "(V8 / native)";
  // Prisma's query compiler is WebAssembly: its frames have wasm:// urls.
  if (url.startsWith("wasm://")) return "(WebAssembly)";
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const modules = file.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const parts = file.slice(modules + "node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith("node:")) return "node core";
  return path.relative(root, file).replace(/^(\.\.\/)+/, "") || file;
}

/** Self time (µs) by area, without idle time: a package under node_modules, a file of the app, V8 itself. */
export function selfTimeByArea(profile: CpuProfile, root: string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)") return;
    const area = areaOf(node.callFrame.url, root);
    areas.set(area, (areas.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return areas;
}

/** Lines of text (total sampled time, the top self-time frames and the top areas), and the busy time in µs. */
export function summarizeCpuProfile(profile: CpuProfile, root: string, top = 20): { lines: string[]; busyUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, root);
    const where = url ? `${area}:${lineNumber + 1}` : area;
    const key = `${functionName || "(anonymous)"}  ${where}`;
    frames.set(key, (frames.get(key) ?? 0) + us);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const idle = frames.get("(idle)  (V8 / native)") ?? 0;
  const busy = totalUs - idle;
  const pct = (us: number) => `${((us / Math.max(1, busy)) * 100).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  frames.delete("(idle)  (V8 / native)");
  areas.set("(V8 / native)", (areas.get("(V8 / native)") ?? 0) - idle);
  const lines = [
    `sampled ${(totalUs / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s`,
    `top ${top} frames by self time (% of busy time):`,
    ...[...frames]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => `${pct(us)} ${ms(us)}  ${key}`),
    `self time by area:`,
    ...[...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, us]) => `${pct(us)} ${ms(us)}  ${area}`),
  ];
  return { lines, busyUs: busy };
}
