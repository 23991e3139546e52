// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title IModelRegistry
/// @notice Model id (sha256 of the integer ONNX bytes, as in the model's manifest) -> the Groth16
/// verifier of its circuit, the layout of its public signals, and the code hash of the verifier
/// as registered. Records are append-only: a new model version is a new id; an id is never
/// re-registered nor overwritten, only deprecated.
interface IModelRegistry {
    /// @notice Where each kind of public signal sits (manifest `publicSignals`), as given to register().
    /// @param nPublic Number of public signals of the circuit.
    /// @param commitmentIndex Position of the input commitment, or NO_INPUT_COMMITMENT when the input is public.
    /// @param weightsIndex Position of the weights commitment when WEIGHTS_HASHED is set, else NO_WEIGHTS_COMMITMENT.
    /// With hashed weights the circuit proves an output of *some* weights with that commitment: a
    /// proof is the model's only if the signal equals the registered weightsCommitment(modelId).
    /// @param outputOffset, outputCount The model's plain output values: signals
    /// [outputOffset, outputOffset + outputCount). outputCount is 0 when OUTPUT_HASHED is set
    /// (the only output signal is then a commitment, at outputOffset).
    /// @param nonceIndex Position of the circuit's `nonce` public input (a number the prover fixes,
    /// bound by the proof and otherwise unused), or NO_NONCE for circuits without one.
    /// @param visibility Bit flags: INPUT_HASHED | OUTPUT_HASHED | WEIGHTS_HASHED (libraries/Visibility.sol).
    struct Layout {
        uint16 nPublic;
        uint16 commitmentIndex;
        uint16 weightsIndex;
        uint16 outputOffset;
        uint16 outputCount;
        uint16 nonceIndex;
        uint8 visibility;
    }

    /// @notice One registered model.
    /// @param verifier The snarkjs Groth16 verifier contract of the model's circuit.
    /// @param selector `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[nPublic])`'s selector,
    /// computed by the registry from nPublic (never supplied by the caller, so it cannot disagree).
    /// @param deprecated Set once by deprecate(); never cleared.
    /// @param verifierCodeHash extcodehash(verifier) at registration: escrow and oracle refuse to
    /// use a verifier whose code is no longer this (VerifierCodeChanged).
    /// @param The other fields: see Layout.
    struct Model {
        address verifier;
        bytes4 selector;
        uint16 nPublic;
        uint16 commitmentIndex;
        uint16 weightsIndex;
        uint8 visibility;
        bool deprecated;
        uint16 outputOffset;
        uint16 outputCount;
        uint16 nonceIndex;
        bytes32 verifierCodeHash;
    }

    /// @notice Thrown when a caller other than the registry owner registers, deprecates or transfers.
    error NotOwner(address caller);
    /// @notice Thrown when acceptOwnership() is called by someone other than the pending owner.
    error NotPendingOwner(address caller);
    /// @notice Thrown when the initial owner is the zero address.
    error ZeroOwner();
    /// @notice Thrown when the model id is zero (reserved: "no model").
    error ZeroModelId();
    /// @notice Thrown when a model id is registered a second time: versions are new ids.
    error ModelAlreadyRegistered(bytes32 modelId);
    /// @notice Thrown when a model id has never been registered.
    error ModelNotRegistered(bytes32 modelId);
    /// @notice Thrown when a model is deprecated a second time.
    error ModelAlreadyDeprecated(bytes32 modelId);
    /// @notice Thrown when the verifier address holds no code.
    error VerifierHasNoCode(address verifier);
    /// @notice Thrown when nPublic is 0 or above MAX_PUBLIC_SIGNALS.
    error InvalidPublicSignalCount(uint16 nPublic);
    /// @notice Thrown when commitmentIndex disagrees with the visibility flags or nPublic.
    error InvalidCommitmentIndex(uint16 commitmentIndex, uint16 nPublic, uint8 visibility);
    /// @notice Thrown when unknown visibility bits are set.
    error InvalidVisibility(uint8 visibility);
    /// @notice Thrown when weightsIndex disagrees with the WEIGHTS_HASHED flag or nPublic, or is
    /// another signal's position.
    error InvalidWeightsIndex(uint16 weightsIndex, uint16 nPublic, uint8 visibility);
    /// @notice Thrown when the output range is past nPublic, overlaps the input commitment, the
    /// weights commitment or the nonce, is empty for public outputs, or not empty for hashed outputs.
    error InvalidOutputRange(uint16 outputOffset, uint16 outputCount, uint16 nPublic, uint8 visibility);
    /// @notice Thrown when nonceIndex is past nPublic or another signal's position.
    error InvalidNonceIndex(uint16 nonceIndex, uint16 nPublic);
    /// @notice Thrown when a hashed-weights model is registered without its weights commitment (0).
    error MissingWeightsCommitment(bytes32 modelId);
    /// @notice Thrown when the weights commitment is not a BN254 scalar field element (no signal can equal it).
    error WeightsCommitmentNotInField(uint256 weightsCommitment);
    /// @notice Thrown when a fixed-weights model is registered with a weights commitment.
    error UnexpectedWeightsCommitment(bytes32 modelId, uint256 weightsCommitment);

    /// @notice A model version was registered (the full record, metadata URI included).
    event ModelRegistered(
        bytes32 indexed modelId,
        address indexed verifier,
        bytes32 verifierCodeHash,
        Layout layout,
        uint256 weightsCommitment,
        string metadataURI
    );
    /// @notice A model was deprecated: no new escrow requests or oracle feeds, no oracle submissions.
    event ModelDeprecated(bytes32 indexed modelId);
    /// @notice transferOwnership() named a new owner, who must call acceptOwnership().
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// @notice The registry owner changed (accepted by the new owner).
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The account allowed to register and deprecate models.
    function owner() external view returns (address);

    /// @notice The account named by transferOwnership() that has not accepted yet (0: none).
    function pendingOwner() external view returns (address);

    /// @notice Step one of two: names `newOwner`, who becomes owner by calling acceptOwnership().
    /// A mistyped address therefore never takes the registry; address(0) cancels a pending transfer.
    function transferOwnership(address newOwner) external;

    /// @notice Step two: the pending owner takes the registry.
    function acceptOwnership() external;

    /// @notice Registers a new model version. Reverts if the id already exists.
    /// @param modelId sha256 of the integer ONNX bytes (manifest `modelId`).
    /// @param verifier The model's Groth16 verifier contract; its code hash is recorded.
    /// @param layout The positions of the public signals (manifest `publicSignals`) and visibility.
    /// @param weightsCommitment The manifest's `weightsCommitment` with hashed weights (non-zero,
    /// below the BN254 scalar field), else 0.
    /// @param metadataURI Where the model card / manifest lives.
    function register(
        bytes32 modelId,
        address verifier,
        Layout calldata layout,
        uint256 weightsCommitment,
        string calldata metadataURI
    ) external;

    /// @notice Marks a model deprecated (owner only, once).
    function deprecate(bytes32 modelId) external;

    /// @notice The record of `modelId`; reverts with ModelNotRegistered if there is none.
    function model(bytes32 modelId) external view returns (Model memory);

    /// @notice The weights commitment a hashed-weights model's proofs must carry at weightsIndex
    /// (0 for a fixed-weights model); reverts with ModelNotRegistered if there is no record.
    function weightsCommitment(bytes32 modelId) external view returns (uint256);

    /// @notice The metadata URI given at registration.
    function metadataURI(bytes32 modelId) external view returns (string memory);
}
