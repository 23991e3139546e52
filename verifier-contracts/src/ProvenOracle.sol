// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IProvenOracle} from "./interfaces/IProvenOracle.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {Groth16Call} from "./libraries/Groth16Call.sol";
import {Visibility} from "./libraries/Visibility.sol";

/// @title ProvenOracle
/// @notice See IProvenOracle.
/// @dev Unlike the escrow, submit() reads the registry each time (one cold call, ~5,000 gas):
/// once a model is deprecated its feeds stop updating and go stale, so consumers' staleness
/// bounds retire a superseded model without any action on their side.
/// A value's time is the observation time its proof binds (the model's `nonce` signal), never
/// the block's: the updater fixes it when proving, and the proof makes it part of the statement,
/// so a proof made 30 days ago says so forever. Accepting only times later than the current
/// value's makes the feed's time strictly increasing: a replayed or older proof cannot refresh
/// the feed nor roll it back, and latest(maxAge) measures the age of the observation itself.
/// What the proof cannot bind is whether the updater waited before proving; that is the trust
/// placed in the updater (rotated by the feed's owner), as is the choice of input.
contract ProvenOracle is IProvenOracle {
    /// @dev BN254 scalar field order (defined once, in Visibility); values above HALF are negative (v - r).
    uint256 internal constant R = Visibility.SNARK_SCALAR_FIELD;
    uint256 internal constant HALF = (R - 1) / 2;

    IModelRegistry public immutable override registry;
    uint256 public nextFeedId = 1;

    mapping(uint256 feedId => Feed) private _feeds;

    constructor(IModelRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IProvenOracle
    function createFeed(bytes32 modelId, uint16 outputIndex, address updater) external override returns (uint256 feedId) {
        if (updater == address(0)) revert ZeroUpdater();
        IModelRegistry.Model memory m = registry.model(modelId); // unknown id: ModelNotRegistered bubbles up
        if (m.deprecated) revert ModelDeprecated(modelId);
        if (m.visibility & Visibility.OUTPUT_HASHED != 0) revert OutputNotPublic(modelId);
        if (m.nonceIndex == Visibility.NO_NONCE) revert ModelHasNoNonce(modelId);
        // The registered range holds the model's outputs only (registered from the manifest's out[k]
        // signals; the registry checked it misses the commitments and the nonce), so no public input,
        // commitment or time can be published as a value.
        if (outputIndex < m.outputOffset || outputIndex >= uint256(m.outputOffset) + m.outputCount) {
            revert InvalidOutputIndex(modelId, outputIndex, m.outputOffset, m.outputCount);
        }

        feedId = nextFeedId++;
        _feeds[feedId] = Feed({
            modelId: modelId,
            owner: msg.sender,
            pendingOwner: address(0),
            updater: updater,
            outputIndex: outputIndex,
            updatedAt: 0,
            value: 0,
            inputCommitment: 0
        });
        emit FeedCreated(feedId, modelId, msg.sender, outputIndex, updater);
    }

    /// @inheritdoc IProvenOracle
    function setUpdater(uint256 feedId, address updater) external override {
        Feed storage f = _ownedFeed(feedId);
        if (updater == address(0)) revert ZeroUpdater();
        emit UpdaterChanged(feedId, f.updater, updater);
        f.updater = updater;
    }

    /// @inheritdoc IProvenOracle
    function transferFeedOwnership(uint256 feedId, address newOwner) external override {
        Feed storage f = _ownedFeed(feedId);
        f.pendingOwner = newOwner;
        emit FeedOwnershipTransferStarted(feedId, f.owner, newOwner);
    }

    /// @inheritdoc IProvenOracle
    function acceptFeedOwnership(uint256 feedId) external override {
        Feed storage f = _feeds[feedId];
        if (f.modelId == bytes32(0)) revert FeedNotFound(feedId);
        if (msg.sender != f.pendingOwner) revert NotPendingFeedOwner(feedId, msg.sender);
        emit FeedOwnershipTransferred(feedId, f.owner, msg.sender);
        f.owner = msg.sender;
        f.pendingOwner = address(0);
    }

    function _ownedFeed(uint256 feedId) private view returns (Feed storage f) {
        f = _feeds[feedId];
        if (f.modelId == bytes32(0)) revert FeedNotFound(feedId);
        if (msg.sender != f.owner) revert NotFeedOwner(feedId, msg.sender);
    }

    /// @inheritdoc IProvenOracle
    function submit(uint256 feedId, uint256[8] calldata proof, uint256[] calldata publicSignals) external override {
        Feed storage f = _feeds[feedId];
        bytes32 modelId = f.modelId;
        if (modelId == bytes32(0)) revert FeedNotFound(feedId);
        if (msg.sender != f.updater) revert NotUpdater(feedId, msg.sender);
        IModelRegistry.Model memory m = registry.model(modelId);
        if (m.deprecated) revert ModelDeprecated(modelId);
        if (publicSignals.length != m.nPublic) revert PublicSignalCountMismatch(feedId, m.nPublic, publicSignals.length);
        // createFeed refused a model without a nonce, and a record never changes; checked again
        // because reading publicSignals[NO_NONCE] would be an unnamed out-of-bounds panic.
        if (m.nonceIndex == Visibility.NO_NONCE) revert ModelHasNoNonce(modelId);
        // Before the pairing check: a stale or future time is refused at the cost of a comparison.
        uint256 observedAt = publicSignals[m.nonceIndex];
        if (observedAt > block.timestamp) revert ObservationInFuture(feedId, observedAt, block.timestamp);
        if (observedAt <= f.updatedAt) revert ObservationNotNewer(feedId, observedAt, f.updatedAt);
        if (m.weightsIndex != Visibility.NO_WEIGHTS_COMMITMENT) {
            uint256 expected = registry.weightsCommitment(modelId);
            uint256 actual = publicSignals[m.weightsIndex];
            if (actual != expected) revert WeightsCommitmentMismatch(feedId, expected, actual);
        }

        bytes32 codeHash = m.verifier.codehash;
        if (codeHash != m.verifierCodeHash) revert VerifierCodeChanged(modelId, m.verifierCodeHash, codeHash);
        (uint256 ptr, uint256 len,) = Groth16Call.encode(m.selector, proof, publicSignals);
        if (!Groth16Call.verify(m.verifier, ptr, len)) revert InvalidProof(feedId);

        // The verifier has checked every signal is < r.
        uint256 raw = publicSignals[f.outputIndex];
        int256 value = raw > HALF ? -int256(R - raw) : int256(raw);
        uint256 commitment = m.commitmentIndex == Visibility.NO_INPUT_COMMITMENT ? 0 : publicSignals[m.commitmentIndex];
        uint64 time = uint64(observedAt); // <= block.timestamp, so it fits
        f.updatedAt = time;
        f.value = value;
        f.inputCommitment = commitment;
        emit ValueSubmitted(feedId, value, commitment, time);
    }

    /// @inheritdoc IProvenOracle
    function latest(uint256 feedId, uint256 maxAge) external view override returns (int256 value, uint64 updatedAt) {
        Feed storage f = _feeds[feedId];
        if (f.modelId == bytes32(0)) revert FeedNotFound(feedId);
        updatedAt = f.updatedAt;
        if (updatedAt == 0) revert NoValue(feedId);
        // updatedAt is the proof's observation time, never later than the block that stored it.
        if (block.timestamp - updatedAt > maxAge) revert StaleValue(feedId, updatedAt, maxAge);
        value = f.value;
    }

    /// @inheritdoc IProvenOracle
    function feed(uint256 feedId) external view override returns (Feed memory) {
        return _feeds[feedId];
    }
}
