// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title TransferHelper
/// @notice ETH and ERC-20 calls that report what happened instead of reverting, so the escrow
/// can revert with its own named error (deposits) or fall back to a pull payment (payouts).
/// @dev ERC-20 answers are read strictly: a transfer succeeded only if the call did not revert
/// and returned either nothing (USDT-style tokens, accepted only from an address with code) or
/// exactly one word equal to 1. One word equal to 0 is a refusal; anything else (a word of 2,
/// 64 bytes) is not an ERC-20 answer at all and is reported as such. Payout calls never copy the
/// return data into memory, so a receiver or token cannot make the escrow pay for a huge answer.
library TransferHelper {
    /// @notice How a token answered transfer/transferFrom.
    enum Answer {
        Ok,
        Failed,
        NonBool
    }

    /// @notice Sends `amount` wei with all remaining gas (operators and clients may be contracts).
    function sendETH(address to, uint256 amount) internal returns (bool ok) {
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
    }

    /// @notice token.balanceOf(account); ok only if `token` has code and answered exactly one word.
    function balanceOf(address token, address account) internal view returns (bool ok, uint256 balance) {
        if (token.code.length == 0) return (false, 0);
        (bool success, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x70a08231, account));
        if (!success || ret.length != 32) return (false, 0);
        return (true, abi.decode(ret, (uint256)));
    }

    /// @notice token.transferFrom(from, to, amount) and how it answered, with the raw answer
    /// (for the caller's error). Copies the return data: the depositor pays for its own token.
    function transferFrom(address token, address from, address to, uint256 amount)
        internal
        returns (Answer answer, bytes memory ret)
    {
        bool success;
        (success, ret) = token.call(abi.encodeWithSelector(0x23b872dd, from, to, amount));
        if (!success) return (Answer.Failed, ret);
        if (ret.length == 0) return (token.code.length != 0 ? Answer.Ok : Answer.Failed, ret);
        if (ret.length != 32) return (Answer.NonBool, ret);
        uint256 word = abi.decode(ret, (uint256));
        return (word == 1 ? Answer.Ok : word == 0 ? Answer.Failed : Answer.NonBool, ret);
    }

    /// @notice token.transfer(to, amount); true only for an Ok answer (see the library's notes).
    /// The return data is inspected in place (at most one word is copied).
    function transfer(address token, address to, uint256 amount) internal returns (bool ok) {
        bool hasCode = token.code.length != 0;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(224, 0xa9059cbb))
            mstore(add(ptr, 4), and(to, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 36), amount)
            let success := call(gas(), token, 0, ptr, 68, 0, 0)
            let size := returndatasize()
            switch size
            case 0 { ok := and(success, hasCode) }
            case 32 {
                returndatacopy(0, 0, 32)
                ok := and(success, eq(mload(0), 1))
            }
            default { ok := 0 }
        }
    }
}
