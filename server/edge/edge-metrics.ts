/**
 * The metrics both edges record, in one registry served at GET /metrics: requests by route
 * and status, request latency, and the service's queue depth, proof counts, proving time
 * histogram and pool utilisation (read from service.stats() at scrape time).
 */
import type { InferenceService } from "../core/types.ts";
import { Counter, Gauge, Histogram, Registry, SampledHistogram } from "./metrics.ts";

const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PROVING_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export interface EdgeMetrics {
  registry: Registry;
  httpRequests: Counter;
  httpLatency: Histogram;
  grpcCalls: Counter;
  grpcLatency: Histogram;
}

export function createEdgeMetrics(service: InferenceService): EdgeMetrics {
  const registry = new Registry();
  const httpRequests = registry.add(new Counter("zkinfer_http_requests_total", "HTTP requests by method, route and status."));
  const httpLatency = registry.add(new Histogram("zkinfer_http_request_duration_seconds", "HTTP request latency by method and route.", LATENCY_BUCKETS_S));
  const grpcCalls = registry.add(new Counter("zkinfer_grpc_calls_total", "gRPC calls by method and status code."));
  const grpcLatency = registry.add(new Histogram("zkinfer_grpc_call_duration_seconds", "gRPC call latency by method.", LATENCY_BUCKETS_S));
  // One stats() read per scrape would be nicer, but it is cheap (counters kept by the core).
  registry.add(new Gauge("zkinfer_queue_depth", "Proof jobs waiting for a prover.", () => service.stats().queued));
  registry.add(new Gauge("zkinfer_proofs", "Proof jobs by status.", () => {
    const s = service.stats();
    return [[{ status: "queued" }, s.queued], [{ status: "proving" }, s.proving], [{ status: "proved" }, s.proved], [{ status: "failed" }, s.failed]];
  }));
  registry.add(new Gauge("zkinfer_pool_threads", "Prover pool worker threads.", () => service.stats().poolThreads));
  registry.add(new Gauge("zkinfer_pool_utilization", "Prover pool utilisation (0..1).", () => service.stats().poolUtilization));
  registry.add(new SampledHistogram("zkinfer_proving_seconds", "Time to prove one job.", PROVING_BUCKETS_S, () => service.stats().provingSeconds));
  if (service.stats().fleet) addFleetMetrics(registry, service);
  return { registry, httpRequests, httpLatency, grpcCalls, grpcLatency };
}

/** Fleet mode: BullMQ's jobs per state, what the gateway checked of each node, the time to a checked proof. */
function addFleetMetrics(registry: Registry, service: InferenceService): void {
  const fleet = () => service.stats().fleet;
  registry.add(new Gauge("zkinfer_fleet_queue_depth", "Fleet jobs waiting for a prover node (BullMQ waiting + delayed + prioritized).", () => {
    const j = fleet()?.jobs ?? {};
    return (j.waiting ?? 0) + (j.delayed ?? 0) + (j.prioritized ?? 0);
  }));
  registry.add(new Gauge("zkinfer_fleet_jobs", "Fleet jobs by BullMQ state, as last read from Redis.", () => Object.entries(fleet()?.jobs ?? {}).map(([state, n]) => [{ state }, n])));
  registry.add(new Gauge("zkinfer_fleet_redis_up", "Whether the last read of the fleet's Redis succeeded (1) or not (0).", () => (fleet()?.redisUp ? 1 : 0)));
  registry.add(new Gauge("zkinfer_fleet_node_proofs_total", "Per prover node (as it names itself): proofs accepted (proved), rejected by the gateway's checks, jobs failed.", () =>
    Object.entries(fleet()?.nodes ?? {}).flatMap(([node, c]) => (["proved", "rejected", "failed"] as const).map((outcome): [Record<string, string>, number] => [{ node, outcome }, c[outcome]])), "counter"));
  registry.add(new SampledHistogram("zkinfer_fleet_proof_seconds", "From handing a job to the fleet to its checked proof (queueing included).", PROVING_BUCKETS_S, () => fleet()?.proofSeconds));
}
