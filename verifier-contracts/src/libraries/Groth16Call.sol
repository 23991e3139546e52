// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title Groth16Call
/// @notice Calls any snarkjs Groth16 verifier, whatever its number of public signals N.
/// @dev Why a computed selector and a raw staticcall rather than a typed interface or a per-model
/// adapter contract: the generated verifier's signature is
/// `verifyProof(uint[2],uint[2][2],uint[2],uint[N])`, so its selector depends on N and no single
/// Solidity interface fits every model. All four arguments are static arrays, so the ABI encoding
/// is just `selector ‖ pA ‖ pB ‖ pC ‖ pubSignals`, 32 bytes per element; the registry computes
/// the selector once from N at registration and callers build that calldata from
/// `uint256[8] proof` and `uint256[] publicSignals`. An adapter contract per model would cost an
/// extra deployment per model and an extra cold call (2,600 gas) per settlement for nothing.
library Groth16Call {
    /// @notice `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[nPublic])`'s selector.
    function selectorFor(uint256 nPublic) internal pure returns (bytes4) {
        return bytes4(
            keccak256(abi.encodePacked("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(nPublic), "])"))
        );
    }

    /// @notice Writes the verifier calldata into fresh memory and hashes the proof with its signals.
    /// @param proof [pA.x, pA.y, pB.x1, pB.x0, pB.y1, pB.y0, pC.x, pC.y]: verifyProof's first three
    /// arguments in ABI order (the G2 coordinates already swapped as the verifier expects).
    /// @return ptr Start of the calldata in memory.
    /// @return len Its length in bytes (4 + 32 * (8 + publicSignals.length)).
    /// @return proofHash keccak256(proof ‖ publicSignals): identifies a (proof, statement) pair.
    function encode(bytes4 selector, uint256[8] calldata proof, uint256[] calldata publicSignals)
        internal
        pure
        returns (uint256 ptr, uint256 len, bytes32 proofHash)
    {
        assembly ("memory-safe") {
            ptr := mload(0x40)
            let body := add(256, shl(5, publicSignals.length))
            len := add(4, body)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 4), proof, 256)
            calldatacopy(add(ptr, 260), publicSignals.offset, shl(5, publicSignals.length))
            proofHash := keccak256(add(ptr, 4), body)
            // Claim the buffer (rounded up to a word) so later allocations cannot overwrite it.
            mstore(0x40, add(ptr, and(add(len, 31), not(31))))
        }
    }

    /// @notice staticcalls `verifier` with the calldata from encode(); true only if it returned
    /// exactly one word equal to 1 (a reverting, empty or non-boolean answer is false).
    function verify(address verifier, uint256 ptr, uint256 len) internal view returns (bool ok) {
        assembly ("memory-safe") {
            let success := staticcall(gas(), verifier, ptr, len, 0, 0x20)
            ok := and(success, and(eq(returndatasize(), 0x20), eq(mload(0), 1)))
        }
    }

    function _decimal(uint256 v) private pure returns (bytes memory s) {
        if (v == 0) return "0";
        uint256 digits;
        for (uint256 t = v; t != 0; t /= 10) digits++;
        s = new bytes(digits);
        for (; v != 0; v /= 10) s[--digits] = bytes1(uint8(48 + (v % 10)));
    }
}
