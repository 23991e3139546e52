// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title ReentrantReceiver
/// @notice Attacker for tests only. Acts as a client (forwards calls to the target, e.g. to open
/// and refund requests) or as an operator (is paid by settle). When paid, it re-enters the target
/// with the armed calldata once, records whether that succeeded and what it returned, and then
/// accepts the payment, so the test sees the outer call succeed and the re-entry fail.
contract ReentrantReceiver {
    address public immutable target;
    bytes public armed;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryResult;

    constructor(address target_) {
        target = target_;
    }

    /// @notice The calldata to re-enter the target with on the next payment.
    function arm(bytes calldata data) external {
        armed = data;
    }

    /// @notice Calls the target as this contract (e.g. openRequest with value, refund).
    function forward(bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (armed.length == 0 || reentered) return;
        reentered = true;
        (reentrySucceeded, reentryResult) = target.call(armed);
    }
}
