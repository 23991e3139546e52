/**
 * snarkjs' Groth16 verifier for the client. A literal import (unlike prover/snarkjs.ts' dynamic
 * one), so a browser bundler finds snarkjs and takes its browser build; typed with the facade's
 * interface since snarkjs ships no declarations.
 */
// @ts-expect-error snarkjs ships no type declarations; its shape is described by prover/snarkjs.ts' Snarkjs type
import * as snarkjsModule from "snarkjs";
import type { Snarkjs } from "../prover/snarkjs.ts";

export const groth16: Pick<Snarkjs["groth16"], "verify"> = (snarkjsModule as Snarkjs).groth16;
