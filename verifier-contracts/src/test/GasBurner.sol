// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title GasBurner
/// @notice Tests only: an account whose receive() burns every unit of gas it is given, the worst
/// a payee can do to a push payment. It acts as an escrow operator and withdraws by forwarding.
contract GasBurner {
    function forward(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        assembly ("memory-safe") {
            invalid()
        }
    }
}
