import { ZeroAddress } from "ethers";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, resolveConfig } from "../config/index.ts";
import { judgeRequest, type AdmissionQuery } from "./admission.ts";
import type { EscrowRequestView } from "./escrow.ts";
import { paymentInfo, termsFor } from "./pricing.ts";

const OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const site = { chainId: 31337, escrow: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", operator: OPERATOR };
const model = { id: "ab".repeat(32), name: "m", visibility: { weights: "fixed", input: "hashed", output: "public" }, verifierAddress: "0x1" };
const open: EscrowRequestView = { status: "Open", modelId: `0x${model.id}`, inputCommitment: 7n, deadline: 1000n, operator: OPERATOR, token: ZeroAddress, price: 10n ** 15n };
const query = (over: Partial<AdmissionQuery> = {}): AdmissionQuery => ({ requestId: 3n, model, inputCommitment: 7n, terms: termsFor(DEFAULT_CONFIG.chain, model), ...over });

describe("judgeRequest", () => {
  it("admits a request that pays the operator the least price with the margin left", () => {
    expect(judgeRequest(open, 1000n - 120n, query(), site)).toBeUndefined();
  });

  it("refuses each term, naming the request's field", () => {
    const field = (req: Partial<EscrowRequestView>, now = 0n, q = query()) => judgeRequest({ ...open, ...req }, now, q, site)?.field;
    expect(field({ status: "None" })).toBe("status");
    expect(field({ status: "Settled" })).toBe("status");
    expect(field({ modelId: `0x${"cd".repeat(32)}` })).toBe("modelId");
    expect(field({ inputCommitment: 8n })).toBe("inputCommitment");
    expect(field({ operator: TOKEN })).toBe("operator");
    expect(field({ token: TOKEN })).toBe("token");
    expect(field({ price: 10n ** 15n - 1n })).toBe("price");
    expect(field({}, 1000n - 119n)).toBe("deadline");
  });

  it("the deadline must also cover the proofs queued ahead; an empty queue adds nothing", () => {
    const now = 1000n - 130n; // 130 s left, margin 120
    expect(judgeRequest(open, now, query({ queue: { ahead: 0, waitSeconds: 50 } }), site)).toBeUndefined();
    expect(judgeRequest(open, now, query({ queue: { ahead: 4, waitSeconds: 10 } }), site)).toBeUndefined();
    const refused = judgeRequest(open, now, query({ queue: { ahead: 4, waitSeconds: 11 } }), site);
    expect(refused).toMatchObject({ code: "CONFLICT", field: "deadline" });
    expect(refused!.message).toContain("130 s after the chain's latest block (870); model m needs at least 131 s: 120 s to prove and settle plus about 11 s for the 4 proof(s) queued ahead of it");
  });

  it("compares operator addresses without regard to checksum case", () => {
    expect(judgeRequest({ ...open, operator: OPERATOR.toLowerCase() }, 0n, query(), site)).toBeUndefined();
  });
});

describe("payment terms", () => {
  const chain = resolveConfig({
    chain: {
      minPriceWei: "5", tokens: [{ address: TOKEN, minAmount: "9" }],
      modelPrices: { m: { minPriceWei: null, minDeadlineSeconds: 600 }, [`${"cd".repeat(32)}`]: { tokens: [] } },
    },
  }).chain;

  it("a model's override (by name or id) replaces the chain-wide term it names, and only that one", () => {
    const t = termsFor(chain, model);
    expect(t).toEqual({ minPriceWei: null, tokens: new Map([[TOKEN.toLowerCase(), 9n]]), minDeadlineSeconds: 600 });
    expect(termsFor(chain, { id: "cd".repeat(32), name: "other" })).toEqual({ minPriceWei: 5n, tokens: new Map(), minDeadlineSeconds: 120 });
    const refused = judgeRequest(open, 0n, query({ terms: t }), site);
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED", field: "token" });
    expect(refused!.message).toContain(`pays in ETH, which this server does not accept for model m (accepted: ${TOKEN.toLowerCase()} from 9)`);
  });

  it("says why a model takes no paid requests", () => {
    expect(paymentInfo(chain, { ...model, visibility: { ...model.visibility, input: "public" } }, site)).toMatchObject({ paidRequests: false, reason: expect.stringContaining("has a public input") });
    expect(paymentInfo(chain, { ...model, visibility: { ...model.visibility, output: "hashed" } }, site).reason).toContain("ModelOutputHashed");
    expect(paymentInfo(chain, { ...model, verifierAddress: undefined }, site).reason).toContain("is not registered");
    expect(paymentInfo(chain, model, undefined)).toMatchObject({ paidRequests: false, reason: expect.stringContaining("settlement is not configured") });
    expect(paymentInfo(chain, model, site)).toEqual({
      paidRequests: true, ...site, accepted: { eth: null, tokens: [{ address: TOKEN, minAmount: "9" }] }, minDeadlineSeconds: 600,
    });
  });
});
