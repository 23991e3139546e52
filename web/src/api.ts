/**
 * The gateway from the page: the client library (models, infer, the job list, waiting with each
 * intermediate record, verifyLocally, commitInput) on this origin with the key typed in.
 */
import { ZkinferClient, type ProofRecord } from "../../client/index.ts";

export interface Api {
  zk: ZkinferClient;
}

export function makeApi(apiKey: string): Api {
  const key = apiKey.trim() || undefined;
  return {
    zk: new ZkinferClient({ baseUrl: location.origin, apiKey: key }),
  };
}

