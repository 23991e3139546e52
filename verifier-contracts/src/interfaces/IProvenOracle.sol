// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./IModelRegistry.sol";

/// @title IProvenOracle
/// @notice Feeds of proven model outputs. A feed is bound to one model and one output signal;
/// each value is accepted only with a Groth16 proof that the model produced it. Consumers read it
/// through latest() with their own staleness bound.
/// @dev Freshness comes from the proof, not from the block: a feed's model must have a `nonce`
/// public input, which the feed reads as the unix time (seconds) of the observation. A submission
/// is accepted only if that time is not in the future and is later than the feed's current value,
/// and the value is stored with that time. So an old proof re-submitted later carries its old
/// time: it can neither pass latest(maxAge) as fresh nor roll the feed back.
/// The proof makes the computation trustless, not the choice of input: a feed names an updater,
/// the one account that may submit, and each value is stored with the input commitment it was
/// computed on so consumers can check what was scored. The feed's owner (its creator, or whom
/// it handed the feed to) can rotate the updater.
interface IProvenOracle {
    /// @notice A feed. updatedAt is 0 until the first submission.
    /// @param outputIndex Position of the published output in the model's public signals; always
    /// inside the model's registered output range.
    /// @param updatedAt The observation time carried by the proof of the current value.
    struct Feed {
        bytes32 modelId;
        address owner;
        address pendingOwner;
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
    /// @notice Thrown when the model's circuit has no nonce signal, so no proof of it can say when it was made.
    error ModelHasNoNonce(bytes32 modelId);
    /// @notice Thrown when outputIndex is outside the model's registered output range.
    error InvalidOutputIndex(bytes32 modelId, uint16 outputIndex, uint16 outputOffset, uint16 outputCount);
    /// @notice Thrown when the updater is the zero address.
    error ZeroUpdater();
    /// @notice Thrown when a feed id was never created.
    error FeedNotFound(uint256 feedId);
    /// @notice Thrown when someone other than the feed's updater submits.
    error NotUpdater(uint256 feedId, address caller);
    /// @notice Thrown when someone other than the feed's owner rotates the updater or hands the feed on.
    error NotFeedOwner(uint256 feedId, address caller);
    /// @notice Thrown when acceptFeedOwnership() is called by someone other than the pending owner.
    error NotPendingFeedOwner(uint256 feedId, address caller);
    /// @notice Thrown when the public signals are not as many as the model's circuit has.
    error PublicSignalCountMismatch(uint256 feedId, uint256 expected, uint256 actual);
    /// @notice Thrown when the model's verifier rejects the proof.
    error InvalidProof(uint256 feedId);
    /// @notice Thrown when the verifier's code is no longer what the registry recorded.
    error VerifierCodeChanged(bytes32 modelId, bytes32 expected, bytes32 actual);
    /// @notice Thrown when a hashed-weights model's proof carries another weights commitment than
    /// the registered one: a proof of other weights (any weights satisfy the circuit).
    error WeightsCommitmentMismatch(uint256 feedId, uint256 expected, uint256 actual);
    /// @notice Thrown when the proof's observation time is after the current block's timestamp.
    error ObservationInFuture(uint256 feedId, uint256 observedAt, uint256 blockTimestamp);
    /// @notice Thrown when the proof's observation time is not later than the feed's current value's
    /// (a re-submitted or older proof).
    error ObservationNotNewer(uint256 feedId, uint256 observedAt, uint64 updatedAt);
    /// @notice Thrown by latest() before the first submission.
    error NoValue(uint256 feedId);
    /// @notice Thrown by latest() when the value is older than the consumer's bound.
    error StaleValue(uint256 feedId, uint64 updatedAt, uint256 maxAge);

    /// @notice A feed was created by `creator`, its first owner.
    event FeedCreated(
        uint256 indexed feedId, bytes32 indexed modelId, address indexed creator, uint16 outputIndex, address updater
    );
    /// @notice The feed's owner named a new updater.
    event UpdaterChanged(uint256 indexed feedId, address indexed previousUpdater, address indexed newUpdater);
    /// @notice The feed's owner named a new owner, who must accept.
    event FeedOwnershipTransferStarted(uint256 indexed feedId, address indexed previousOwner, address indexed newOwner);
    /// @notice The feed's ownership changed.
    event FeedOwnershipTransferred(uint256 indexed feedId, address indexed previousOwner, address indexed newOwner);
    /// @notice A proven value was stored; updatedAt is the observation time the proof carries.
    event ValueSubmitted(uint256 indexed feedId, int256 value, uint256 inputCommitment, uint64 updatedAt);

    /// @notice The registry whose verifiers check submissions.
    function registry() external view returns (IModelRegistry);

    /// @notice Creates a feed of `modelId`'s output signal `outputIndex`, updated by `updater`; the
    /// caller owns it.
    function createFeed(bytes32 modelId, uint16 outputIndex, address updater) external returns (uint256 feedId);

    /// @notice Feed owner only: replaces the updater (a lost or compromised key is rotated out).
    function setUpdater(uint256 feedId, address updater) external;

    /// @notice Feed owner only, step one of two: names the next owner (address(0) cancels).
    function transferFeedOwnership(uint256 feedId, address newOwner) external;

    /// @notice Step two: the pending owner takes the feed.
    function acceptFeedOwnership(uint256 feedId) external;

    /// @notice Verifies the proof with the model's verifier (and, with hashed weights, that it
    /// carries the registered weights commitment) and stores the output as a signed integer
    /// (field elements above (r - 1) / 2 are negative) with the observation time in the proof's
    /// nonce signal.
    function submit(uint256 feedId, uint256[8] calldata proof, uint256[] calldata publicSignals) external;

    /// @notice The latest value and its observation time; reverts with StaleValue if it is older
    /// than `maxAge` seconds, or NoValue if there is none.
    function latest(uint256 feedId, uint256 maxAge) external view returns (int256 value, uint64 updatedAt);

    /// @notice The stored feed.
    function feed(uint256 feedId) external view returns (Feed memory);
}
