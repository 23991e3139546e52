// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {Groth16Call} from "../libraries/Groth16Call.sol";

/// @title Groth16CallProbe
/// @notice Tests only: the gas of one generic verifier call (encode + staticcall) as the escrow
/// and the oracle make it, measured with gasleft() inside a call (no 21,000 base, no calldata).
contract Groth16CallProbe {
    function measure(address verifier, bytes4 selector, uint256[8] calldata proof, uint256[] calldata publicSignals)
        external
        view
        returns (bool ok, uint256 gasUsed)
    {
        uint256 before = gasleft();
        (uint256 ptr, uint256 len,) = Groth16Call.encode(selector, proof, publicSignals);
        ok = Groth16Call.verify(verifier, ptr, len);
        gasUsed = before - gasleft();
    }

    function selectorFor(uint256 nPublic) external pure returns (bytes4) {
        return Groth16Call.selectorFor(nPublic);
    }
}
