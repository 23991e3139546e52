// Minimal declarations for untyped dependencies: only what zkinfer calls.
declare module "circomlibjs" {
  export function buildPoseidon(): Promise<((inputs: unknown[]) => Uint8Array) & { F: { toString(x: Uint8Array): string } }>;
}
declare module "circom_runtime" {
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<unknown>;
}
