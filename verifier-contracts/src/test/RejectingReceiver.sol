// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title RejectingReceiver
/// @notice Tests only: an account that refuses ETH (a contract wallet without receive, a
/// misconfigured multisig). It can act as a client or operator of the escrow by forwarding
/// calls, e.g. openRequest with value and withdraw to another address.
contract RejectingReceiver {
    error NoEthAccepted(uint256 amount);

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
        revert NoEthAccepted(msg.value);
    }
}
