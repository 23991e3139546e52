// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Visibility
/// @notice Flags of IModelRegistry.Model.visibility, mirroring the manifest's `visibility` block
/// ("hashed" sets the bit; "public" for input/output and "fixed" for weights leave it clear).
library Visibility {
    uint8 internal constant INPUT_HASHED = 1;
    uint8 internal constant OUTPUT_HASHED = 2;
    uint8 internal constant WEIGHTS_HASHED = 4;
    uint8 internal constant ALL = INPUT_HASHED | OUTPUT_HASHED | WEIGHTS_HASHED;
    /// @notice commitmentIndex of a model whose input is public (no input commitment signal).
    uint16 internal constant NO_INPUT_COMMITMENT = type(uint16).max;
    /// @notice weightsIndex of a model whose weights are fixed in its circuit (no weights commitment signal).
    uint16 internal constant NO_WEIGHTS_COMMITMENT = type(uint16).max;
    /// @notice nonceIndex of a model whose circuit has no `nonce` public input.
    uint16 internal constant NO_NONCE = type(uint16).max;
    /// @notice BN254 scalar field order: every public signal is below it.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice Upper bound on public signals: keeps the verifier calldata bounded.
    uint16 internal constant MAX_PUBLIC_SIGNALS = 1024;
}
