// Typed access to ffjavascript and snarkjs, which ship no type declarations. A global
// `declare module` could collide with declarations elsewhere in the repo, so they are
// imported through a non-literal specifier (typed `any`) and narrowed here to what we call.
import type { FfCurve } from "./fixed-base.ts";

export interface Ffjavascript {
  getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<FfCurve>;
}

export async function loadFfjavascript(): Promise<Ffjavascript> {
  return (await import("ffjavascript" as string)) as Ffjavascript;
}
