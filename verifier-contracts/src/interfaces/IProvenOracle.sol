// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./IModelRegistry.sol";

/// @title IProvenOracle
/// @notice Feeds of proven model outputs. A feed is bound to one model and one public-signal
/// position; each value is accepted only with a Groth16 proof that the model produced it, and is
/// stored with the block timestamp. Consumers read it through latest() with their own staleness
/// bound.
/// @dev The proof makes the computation trustless, not the choice of input: a feed names an
/// updater, the one account that may submit, and each value is stored with the input commitment
/// it was computed on so consumers can check what was scored.
interface IProvenOracle {
    /// @notice A feed. updatedAt is 0 until the first submission.
    /// @param outputIndex Position of the published output in the model's public signals
    /// (for digits-mlp, out[k] is at k + 1: the input commitment comes first).
    struct Feed {
        bytes32 modelId;
        address updater;
        uint16 outputIndex;
        uint64 updatedAt;
        int256 value;
        uint256 inputCommitment;
    }

    /// @notice Thrown when a model is not in the registry.
    error ModelNotRegistered(bytes32 modelId);
    /// @notice Thrown when creating a feed for, or submitting to a feed of, a deprecated model.
    error ModelDeprecated(bytes32 modelId);
    /// @notice Thrown when the model's outputs are hashed: the signal would be a commitment, not a value.
    error OutputNotPublic(bytes32 modelId);
    /// @notice Thrown when outputIndex is past the public signals or is the input or weights commitment.
    error InvalidOutputIndex(bytes32 modelId, uint16 outputIndex);
    /// @notice Thrown when the updater is the zero address.
    error ZeroUpdater();
    /// @notice Thrown when a feed id was never created.
    error FeedNotFound(uint256 feedId);
    /// @notice Thrown when someone other than the feed's updater submits.
    error NotUpdater(uint256 feedId, address caller);
    /// @notice Thrown when the public signals are not as many as the model's circuit has.
    error PublicSignalCountMismatch(uint256 feedId, uint256 expected, uint256 actual);
    /// @notice Thrown when the model's verifier rejects the proof.
    error InvalidProof(uint256 feedId);
    /// @notice Thrown when a hashed-weights model's proof carries another weights commitment than
    /// the registered one: a proof of other weights (any weights satisfy the circuit).
    error WeightsCommitmentMismatch(uint256 feedId, uint256 expected, uint256 actual);
    /// @notice Thrown by latest() before the first submission.
    error NoValue(uint256 feedId);
    /// @notice Thrown by latest() when the value is older than the consumer's bound.
    error StaleValue(uint256 feedId, uint64 updatedAt, uint256 maxAge);

    /// @notice A feed was created.
    event FeedCreated(uint256 indexed feedId, bytes32 indexed modelId, uint16 outputIndex, address indexed updater);
    /// @notice A proven value was stored.
    event ValueSubmitted(uint256 indexed feedId, int256 value, uint256 inputCommitment, uint64 updatedAt);

    /// @notice The registry whose verifiers check submissions.
    function registry() external view returns (IModelRegistry);

    /// @notice Creates a feed of `modelId`'s public signal `outputIndex`, updated by `updater`.
    function createFeed(bytes32 modelId, uint16 outputIndex, address updater) external returns (uint256 feedId);

    /// @notice Verifies the proof with the model's verifier (and, with hashed weights, that it
    /// carries the registered weights commitment) and stores the output as a signed integer
    /// (field elements above (r - 1) / 2 are negative) with block.timestamp.
    function submit(uint256 feedId, uint256[8] calldata proof, uint256[] calldata publicSignals) external;

    /// @notice The latest value and its timestamp; reverts with StaleValue if it is older than
    /// `maxAge` seconds, or NoValue if there is none.
    function latest(uint256 feedId, uint256 maxAge) external view returns (int256 value, uint64 updatedAt);

    /// @notice The stored feed.
    function feed(uint256 feedId) external view returns (Feed memory);
}
