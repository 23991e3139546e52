/**
 * A small Prometheus registry and the text exposition format (version 0.0.4): counters and
 * histograms with labels, and gauges read from a callback at scrape time. Enough for the
 * edges' metrics; no client library needed.
 */

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const num = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN");
const keyOf = (l: Labels) => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = keyOf(labels);
    const e = this.values.get(k) ?? { labels, value: 0 };
    e.value += by;
    this.values.set(k, e);
  }
  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${num(e.value)}`)];
  }
}

export class Histogram implements Metric {
  private series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}
  observe(value: number, labels: Labels = {}): void {
    const k = keyOf(labels);
    const s = this.series.get(k) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]++;
    });
    s.sum += value;
    s.count++;
    this.series.set(k, s);
  }
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`, ...[...this.series.values()].flatMap((s) => histogramLines(this.name, s.labels, this.buckets, s.counts, s.sum, s.count))];
  }
}

/** A histogram computed at scrape time from a list of samples (e.g. the service's proving times). */
export class SampledHistogram implements Metric {
  constructor(readonly name: string, readonly help: string, readonly buckets: number[], private samples: () => number[] | undefined) {}
  render(): string[] {
    const xs = this.samples() ?? [];
    const counts = this.buckets.map((b) => xs.filter((x) => x <= b).length);
    const sum = xs.reduce((a, b) => a + b, 0);
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`, ...histogramLines(this.name, {}, this.buckets, counts, sum, xs.length)];
  }
}

function histogramLines(name: string, labels: Labels, buckets: number[], counts: number[], sum: number, count: number): string[] {
  return [
    ...buckets.map((b, i) => `${name}_bucket${labelText({ ...labels, le: num(b) })} ${counts[i]}`),
    `${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}`,
    `${name}_sum${labelText(labels)} ${num(sum)}`,
    `${name}_count${labelText(labels)} ${count}`,
  ];
}

/** A value read at scrape time; `type` "counter" for a count kept elsewhere (e.g. by the service). */
export class Gauge implements Metric {
  constructor(readonly name: string, readonly help: string, private read: () => Array<[Labels, number]> | number, readonly type: "gauge" | "counter" = "gauge") {}
  render(): string[] {
    const v = this.read();
    const rows: Array<[Labels, number]> = typeof v === "number" ? [[{}, v]] : v;
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...rows.map(([l, x]) => `${this.name}${labelText(l)} ${num(x)}`)];
  }
}

export class Registry {
  private metrics: Metric[] = [];
  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  /** The exposition text; Content-Type `text/plain; version=0.0.4`. */
  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join("\n")}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
