/** Listeners per request id, for watch() / waitForProof() / the edges' event streams. */
import type { ProofRecord } from "../core/types.ts";

export class Watchers {
  private readonly byId = new Map<string, Set<(r: ProofRecord) => void>>();

  add(id: string, fn: (r: ProofRecord) => void): () => void {
    let set = this.byId.get(id);
    if (!set) this.byId.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.byId.get(id) === set) this.byId.delete(id);
    };
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A throwing listener (a closed stream) must not stop the others or the dispatcher. */
  emit(r: ProofRecord): void {
    for (const fn of [...(this.byId.get(r.requestId) ?? [])]) {
      try {
        fn(r);
      } catch {
        /* the listener's own problem */
      }
    }
  }
}
