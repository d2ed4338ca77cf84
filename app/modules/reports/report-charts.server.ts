import * as echarts from "echarts";
import type { ReportChart } from "./report-query.schema";

// Report charts, drawn on the server by echarts in its SSR mode into SVG markup that the page
// embeds: no chart code reaches the browser, and charts show without JavaScript. The SVG scales
// to its container (viewBox, width 100%), so a phone never scrolls sideways. The page's
// Content-Security-Policy has no 'unsafe-inline' for styles, so echarts' <style> element (hover
// effects only) is dropped and its style="" attributes become SVG presentation attributes.

const WIDTH = 720;
const HEIGHT = 280;
const PALETTE = ["#2456c6", "#1f8a5b", "#c77d10", "#7b3fb8", "#b8322a"];

export interface ChartSeries {
  name: string;
  /** One value per category; money in dollars (the chart shows units, the table cents as dollars). */
  values: number[];
  type: "bar" | "line";
}

function presentationAttributes(style: string): string {
  return style
    .split(";")
    .map((rule) => rule.split(":").map((part) => part.trim()))
    .filter(([name, value]) => name && value && /^[a-z-]+$/.test(name))
    .map(([name, value]) => `${name}="${value.replace(/"/g, "&quot;")}"`)
    .join(" ");
}

/** echarts' SVG, made to fit the CSP and any width, labelled for screen readers. */
export function fitSvg(svg: string, label: string): string {
  const escapedLabel = label.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/ style="([^"]*)"/g, (_, style: string) => ` ${presentationAttributes(style)}`)
    .replace(/^<svg width="\d+" height="\d+"/, `<svg width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapedLabel}"`);
}

/** A chart of one or more series over the period's days or weeks. */
export function renderSeriesChart(opts: {
  id: string;
  title: string;
  caption: string;
  categories: string[];
  series: ChartSeries[];
  money?: boolean;
}): ReportChart {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      color: PALETTE,
      textStyle: { fontFamily: "system-ui, sans-serif", fontSize: 12 },
      legend: { top: 0, data: opts.series.map((s) => s.name) },
      grid: { left: 56, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: opts.categories.map((c) => c.slice(5)), axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", minInterval: opts.money ? 0 : 1, axisLabel: { formatter: opts.money ? "${value}" : "{value}" } },
      series: opts.series.map((s) => ({ name: s.name, type: s.type, data: s.values, barMaxWidth: 18, showSymbol: false })),
    });
    return { id: opts.id, title: opts.title, caption: opts.caption, svg: fitSvg(chart.renderToSVGString(), `${opts.title}: ${opts.caption}`) };
  } finally {
    chart.dispose();
  }
}

/** Leads received, sold and returned per bucket (affiliates and the platform). */
export function leadVolumeChart(opts: {
  id: string;
  title: string;
  grouping: string;
  period: { fromDay: string; toDay: string };
  series: ReadonlyArray<{ bucket: string; received: number; sold: number; returned: number }>;
}): ReportChart {
  return renderSeriesChart({
    id: opts.id,
    title: opts.title,
    caption: `Leads received, sold and returned per ${opts.grouping}, ${opts.period.fromDay} to ${opts.period.toDay}.`,
    categories: opts.series.map((b) => b.bucket),
    series: [
      { name: "Received", type: "bar", values: opts.series.map((b) => b.received) },
      { name: "Sold", type: "bar", values: opts.series.map((b) => b.sold) },
      { name: "Returned", type: "line", values: opts.series.map((b) => b.returned) },
    ],
  });
}
