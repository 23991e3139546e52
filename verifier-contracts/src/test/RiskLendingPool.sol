// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IProvenOracle} from "../interfaces/IProvenOracle.sol";

/// @title RiskLendingPool
/// @notice Example oracle consumer (tests only): lends ETH only while a proven risk score is
/// fresh (its own staleness bound) and at most `maxRisk`.
contract RiskLendingPool {
    error TooRisky(int256 score, int256 maxRisk);
    error LoanFailed(address to, uint256 amount);

    event Lent(address indexed borrower, uint256 amount, int256 score);

    IProvenOracle public immutable oracle;
    uint256 public immutable feedId;
    uint256 public immutable maxAge;
    int256 public immutable maxRisk;

    constructor(IProvenOracle oracle_, uint256 feedId_, uint256 maxAge_, int256 maxRisk_) payable {
        oracle = oracle_;
        feedId = feedId_;
        maxAge = maxAge_;
        maxRisk = maxRisk_;
    }

    /// @notice Sends `amount` wei to the caller if the score is fresh and low enough. A stale or
    /// missing score reverts inside the oracle (StaleValue / NoValue) and the error bubbles up.
    function borrow(uint256 amount) external {
        (int256 score,) = oracle.latest(feedId, maxAge);
        if (score > maxRisk) revert TooRisky(score, maxRisk);
        emit Lent(msg.sender, amount, score);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert LoanFailed(msg.sender, amount);
    }
}
