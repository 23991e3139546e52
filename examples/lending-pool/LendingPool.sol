// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IProvenOracle} from "../../verifier-contracts/src/interfaces/IProvenOracle.sol";

/// @title LendingPool (example)
/// @notice Lends ETH up to a credit limit set from a proven risk score: each borrower has an
/// oracle feed of their own score (one model output, proved on their data by a trusted scorer),
/// and anyone may refresh a borrower's limit from it. A score older than `maxAge` is refused.
/// @dev What a borrower could try, and what stops it:
/// - a proof of another input or a tampered output: the oracle verifies every value (InvalidProof);
/// - an old, better score: the oracle refuses a proof not newer than the feed's value, and this
///   pool refuses a value older than maxAge;
/// - a limit set before a worse score arrived: borrow() reads the feed again, never a stored limit;
/// - a feed of their own (another model, another output, or an updater they control proving the
///   real model on made-up data, which verifies): only the feed assigned by the owner is read,
///   and it must name the pool's model, output and scorer, checked at assignment and at each
///   read, since a feed's owner can rotate its updater after assignment;
/// - a negative score (a signed field element): clamped to 0 risk, never above maxCredit.
contract LendingPool {
    error NotOwner(address caller);
    error MaxRiskNotPositive(int256 maxRisk);
    error NoFeed(address borrower);
    error WrongModel(uint256 feedId, bytes32 expected, bytes32 actual);
    error WrongOutput(uint256 feedId, uint16 expected, uint16 actual);
    error WrongScorer(uint256 feedId, address expected, address actual);
    error OverLimit(address borrower, uint256 requested, uint256 available);
    error LoanFailed(address to, uint256 amount);

    event FeedAssigned(address indexed borrower, uint256 indexed feedId);
    event LimitSet(address indexed borrower, uint256 indexed feedId, int256 score, uint64 scoredAt, uint256 limit, uint256 inputCommitment);
    event Lent(address indexed borrower, uint256 amount);

    struct Credit {
        uint256 feedId;
        uint256 limit;
        uint64 scoredAt;
        uint256 debt;
    }

    IProvenOracle public immutable oracle;
    bytes32 public immutable modelId;
    uint16 public immutable outputIndex;
    address public immutable scorer;
    uint256 public immutable maxAge;
    /// @notice The score at or above which nothing is lent (in the model's output units).
    int256 public immutable maxRisk;
    /// @notice The limit of a zero-risk score, in wei.
    uint256 public immutable maxCredit;
    address public immutable owner;

    mapping(address borrower => Credit) public credit;

    constructor(IProvenOracle oracle_, bytes32 modelId_, uint16 outputIndex_, address scorer_, uint256 maxAge_, int256 maxRisk_, uint256 maxCredit_) payable {
        if (maxRisk_ <= 0) revert MaxRiskNotPositive(maxRisk_);
        oracle = oracle_;
        modelId = modelId_;
        outputIndex = outputIndex_;
        scorer = scorer_;
        maxAge = maxAge_;
        maxRisk = maxRisk_;
        maxCredit = maxCredit_;
        owner = msg.sender;
    }

    receive() external payable {}

    /// @notice Owner only: `feedId` carries `borrower`'s score (the scorer proves it on their data).
    function assignFeed(address borrower, uint256 feedId) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _checkFeed(feedId);
        credit[borrower].feedId = feedId;
        emit FeedAssigned(borrower, feedId);
    }

    /// @notice Sets `borrower`'s limit from the latest value of their feed; anyone may call it
    /// (a worse score lowers the limit whoever brings it).
    function updateLimit(address borrower) external returns (uint256 limit) {
        return _updateLimit(borrower);
    }

    /// @notice Lends `amount` wei to the caller within the limit of their latest score, read
    /// again now: a limit set earlier is never used, so a worse score submitted since counts even
    /// if nobody called updateLimit, and a score older than maxAge lends nothing (StaleValue).
    function borrow(uint256 amount) external {
        Credit storage c = credit[msg.sender];
        uint256 limit = _updateLimit(msg.sender);
        uint256 available = limit > c.debt ? limit - c.debt : 0;
        if (amount > available) revert OverLimit(msg.sender, amount, available);
        c.debt += amount;
        emit Lent(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert LoanFailed(msg.sender, amount);
    }

    function _updateLimit(address borrower) private returns (uint256 limit) {
        Credit storage c = credit[borrower];
        uint256 feedId = c.feedId;
        if (feedId == 0) revert NoFeed(borrower);
        IProvenOracle.Feed memory f = _checkFeed(feedId);
        // Reverts with the oracle's StaleValue (or NoValue): a stale score never sets a limit.
        (int256 score, uint64 scoredAt) = oracle.latest(feedId, maxAge);
        limit = limitFor(score);
        c.limit = limit;
        c.scoredAt = scoredAt;
        emit LimitSet(borrower, feedId, score, scoredAt, limit, f.inputCommitment);
    }

    /// @notice maxCredit at risk 0, falling linearly to 0 at maxRisk; a negative score counts as 0.
    function limitFor(int256 score) public view returns (uint256) {
        if (score >= maxRisk) return 0;
        int256 risk = score < 0 ? int256(0) : score;
        return maxCredit * uint256(maxRisk - risk) / uint256(maxRisk);
    }

    function _checkFeed(uint256 feedId) private view returns (IProvenOracle.Feed memory f) {
        f = oracle.feed(feedId);
        if (f.modelId != modelId) revert WrongModel(feedId, modelId, f.modelId);
        if (f.outputIndex != outputIndex) revert WrongOutput(feedId, outputIndex, f.outputIndex);
        if (f.updater != scorer) revert WrongScorer(feedId, scorer, f.updater);
    }
}
