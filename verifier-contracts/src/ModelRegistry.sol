// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {Groth16Call} from "./libraries/Groth16Call.sol";
import {Visibility} from "./libraries/Visibility.sol";

/// @title ModelRegistry
/// @notice Append-only map from model id to its verifier, the layout of its public signals and
/// the verifier's code hash. Registration is owner-only: nothing on-chain links a model id (a hash
/// of ONNX bytes) to a verifying key, so a record is an attestation by the registry owner; open
/// registration would let anyone squat a model id with an always-true verifier and drain every
/// escrow request for it. For a hashed-weights model the record also names the weights (their
/// commitment), since its verifier accepts any weights.
/// @dev Why the code hash: a verifier deployed by CREATE2 from a factory can be destroyed and
/// redeployed with other code at the same address (EIP-6780 still allows it within the creating
/// transaction), and an address with a delegatecall proxy's code can change behaviour at will.
/// The registry attests to code, not to an address, so it records the code and consumers compare.
/// Ownership moves in two steps so a mistyped address never takes the registry.
contract ModelRegistry is IModelRegistry {
    address public override owner;
    address public override pendingOwner;

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
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @inheritdoc IModelRegistry
    function acceptOwnership() external override {
        // pendingOwner is 0 when none is pending, and no caller is address(0).
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    /// @inheritdoc IModelRegistry
    function register(
        bytes32 modelId,
        address verifier,
        Layout calldata layout,
        uint256 weightsCommitment_,
        string calldata uri
    ) external override onlyOwner {
        if (modelId == bytes32(0)) revert ZeroModelId();
        if (_models[modelId].verifier != address(0)) revert ModelAlreadyRegistered(modelId);
        if (verifier.code.length == 0) revert VerifierHasNoCode(verifier);
        _checkLayout(layout);
        _checkWeightsCommitment(modelId, layout.visibility, weightsCommitment_);

        bytes32 codeHash = verifier.codehash;
        _models[modelId] = Model({
            verifier: verifier,
            selector: Groth16Call.selectorFor(layout.nPublic),
            nPublic: layout.nPublic,
            commitmentIndex: layout.commitmentIndex,
            weightsIndex: layout.weightsIndex,
            visibility: layout.visibility,
            deprecated: false,
            outputOffset: layout.outputOffset,
            outputCount: layout.outputCount,
            nonceIndex: layout.nonceIndex,
            verifierCodeHash: codeHash
        });
        _metadataURIs[modelId] = uri;
        if (weightsCommitment_ != 0) _weightsCommitments[modelId] = weightsCommitment_;
        emit ModelRegistered(modelId, verifier, codeHash, layout, weightsCommitment_, uri);
    }

    /// @dev Every named position is inside [0, nPublic) or the kind's "absent" value (0xffff, never
    /// below nPublic <= MAX_PUBLIC_SIGNALS), and no two kinds share a position: a consumer reading
    /// "the output" must never be handed the input commitment, the weights or the nonce.
    function _checkLayout(Layout calldata l) private pure {
        uint16 n = l.nPublic;
        uint8 vis = l.visibility;
        if (n == 0 || n > Visibility.MAX_PUBLIC_SIGNALS) revert InvalidPublicSignalCount(n);
        if (vis & ~Visibility.ALL != 0) revert InvalidVisibility(vis);

        uint16 ci = l.commitmentIndex;
        // A hashed input has its commitment among the public signals; a public input has none.
        if (vis & Visibility.INPUT_HASHED != 0 ? ci >= n : ci != Visibility.NO_INPUT_COMMITMENT) {
            revert InvalidCommitmentIndex(ci, n, vis);
        }
        uint16 wi = l.weightsIndex;
        if (vis & Visibility.WEIGHTS_HASHED != 0 ? (wi >= n || wi == ci) : wi != Visibility.NO_WEIGHTS_COMMITMENT) {
            revert InvalidWeightsIndex(wi, n, vis);
        }
        uint16 ni = l.nonceIndex;
        if (ni != Visibility.NO_NONCE && (ni >= n || ni == ci || ni == wi)) revert InvalidNonceIndex(ni, n);

        // Hashed output: one commitment signal at outputOffset and no plain values (count 0).
        uint16 off = l.outputOffset;
        uint256 end = uint256(off) + (vis & Visibility.OUTPUT_HASHED != 0 ? 1 : l.outputCount);
        bool countOk = vis & Visibility.OUTPUT_HASHED != 0 ? l.outputCount == 0 : l.outputCount != 0;
        if (!countOk || end > n || _inside(ci, off, end) || _inside(wi, off, end) || _inside(ni, off, end)) {
            revert InvalidOutputRange(off, l.outputCount, n, vis);
        }
    }

    function _inside(uint16 index, uint16 start, uint256 end) private pure returns (bool) {
        return index >= start && index < end;
    }

    /// @dev Hashed weights: the registered value is what binds proofs to this model's weights (any
    /// weights satisfy the circuit). Fixed weights are bound by the verifying key, so no
    /// commitment may be claimed for them.
    function _checkWeightsCommitment(bytes32 modelId, uint8 visibility, uint256 commitment) private pure {
        if (visibility & Visibility.WEIGHTS_HASHED != 0) {
            if (commitment == 0) revert MissingWeightsCommitment(modelId);
            if (commitment >= Visibility.SNARK_SCALAR_FIELD) revert WeightsCommitmentNotInField(commitment);
        } else if (commitment != 0) {
            revert UnexpectedWeightsCommitment(modelId, commitment);
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
