// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {Groth16Call} from "./libraries/Groth16Call.sol";
import {Visibility} from "./libraries/Visibility.sol";

/// @title ModelRegistry
/// @notice Append-only map from model id to its verifier. Registration is owner-only: nothing
/// on-chain links a model id (a hash of ONNX bytes) to a verifying key, so a record is an
/// attestation by the registry owner; open registration would let anyone squat a model id with
/// an always-true verifier and drain every escrow request for it. For a hashed-weights model the
/// record also names the weights (their commitment), since its verifier accepts any weights.
contract ModelRegistry is IModelRegistry {
    address public override owner;

    mapping(bytes32 modelId => Model) private _models;
    mapping(bytes32 modelId => string) private _metadataURIs;
    mapping(bytes32 modelId => uint256) private _weightsCommitments;

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroOwner();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    /// @inheritdoc IModelRegistry
    function transferOwnership(address newOwner) external override onlyOwner {
        if (newOwner == address(0)) revert ZeroOwner();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// @inheritdoc IModelRegistry
    function register(
        bytes32 modelId,
        address verifier,
        uint16 nPublic,
        uint16 commitmentIndex,
        uint8 visibility,
        uint16 weightsIndex,
        uint256 weightsCommitment_,
        string calldata uri
    ) external override onlyOwner {
        if (modelId == bytes32(0)) revert ZeroModelId();
        if (_models[modelId].verifier != address(0)) revert ModelAlreadyRegistered(modelId);
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        if (nPublic == 0 || nPublic > Visibility.MAX_PUBLIC_SIGNALS) revert InvalidPublicSignalCount(nPublic);
        if (visibility & ~Visibility.ALL != 0) revert InvalidVisibility(visibility);
        // A hashed input has its commitment among the public signals; a public input has none.
        bool hashedInput = visibility & Visibility.INPUT_HASHED != 0;
        if (hashedInput ? commitmentIndex >= nPublic : commitmentIndex != Visibility.NO_INPUT_COMMITMENT) {
            revert InvalidCommitmentIndex(commitmentIndex, nPublic, visibility);
        }
        _checkWeights(modelId, nPublic, commitmentIndex, visibility, weightsIndex, weightsCommitment_);

        _models[modelId] = Model({
            verifier: verifier,
            selector: Groth16Call.selectorFor(nPublic),
            nPublic: nPublic,
            commitmentIndex: commitmentIndex,
            weightsIndex: weightsIndex,
            visibility: visibility,
            deprecated: false
        });
        _metadataURIs[modelId] = uri;
        if (weightsCommitment_ != 0) _weightsCommitments[modelId] = weightsCommitment_;
        emit ModelRegistered(modelId, verifier, nPublic, commitmentIndex, visibility, weightsIndex, weightsCommitment_, uri);
    }

    /// @dev Hashed weights: the commitment is a public signal of its own, and the registered value
    /// is what binds proofs to this model's weights (any weights satisfy the circuit). Fixed
    /// weights are bound by the verifying key, so no commitment may be claimed for them.
    function _checkWeights(
        bytes32 modelId,
        uint16 nPublic,
        uint16 commitmentIndex,
        uint8 visibility,
        uint16 weightsIndex,
        uint256 commitment
    ) private pure {
        if (visibility & Visibility.WEIGHTS_HASHED != 0) {
            if (weightsIndex >= nPublic || weightsIndex == commitmentIndex) {
                revert InvalidWeightsIndex(weightsIndex, nPublic, visibility);
            }
            if (commitment == 0) revert MissingWeightsCommitment(modelId);
            if (commitment >= Visibility.SNARK_SCALAR_FIELD) revert WeightsCommitmentNotInField(commitment);
        } else {
            if (weightsIndex != Visibility.NO_WEIGHTS_COMMITMENT) revert InvalidWeightsIndex(weightsIndex, nPublic, visibility);
            if (commitment != 0) revert UnexpectedWeightsCommitment(modelId, commitment);
        }
    }

    /// @inheritdoc IModelRegistry
    function deprecate(bytes32 modelId) external override onlyOwner {
        Model storage m = _models[modelId];
        if (m.verifier == address(0)) revert ModelNotRegistered(modelId);
        if (m.deprecated) revert ModelAlreadyDeprecated(modelId);
        m.deprecated = true;
        emit ModelDeprecated(modelId);
    }

    /// @inheritdoc IModelRegistry
    function model(bytes32 modelId) external view override returns (Model memory m) {
        m = _models[modelId];
        if (m.verifier == address(0)) revert ModelNotRegistered(modelId);
    }

    /// @inheritdoc IModelRegistry
    function weightsCommitment(bytes32 modelId) external view override returns (uint256) {
        if (_models[modelId].verifier == address(0)) revert ModelNotRegistered(modelId);
        return _weightsCommitments[modelId];
    }

    /// @inheritdoc IModelRegistry
    function metadataURI(bytes32 modelId) external view override returns (string memory) {
        if (_models[modelId].verifier == address(0)) revert ModelNotRegistered(modelId);
        return _metadataURIs[modelId];
    }
}
