// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title IModelRegistry
/// @notice Model id (sha256 of the integer ONNX bytes, as in the model's manifest) -> the Groth16
/// verifier of its circuit and how to call it. Records are append-only: a new model version is a
/// new id; an id is never re-registered nor overwritten, only deprecated.
interface IModelRegistry {
    /// @notice One registered model, packed in a single storage slot (20+4+2+2+2+1+1 bytes). A
    /// hashed-weights model's weights commitment is kept apart (weightsCommitment()), so reading
    /// the record of any other model costs one slot.
    /// @param verifier The snarkjs Groth16 verifier contract of the model's circuit.
    /// @param selector `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[nPublic])`'s selector,
    /// computed by the registry from nPublic (never supplied by the caller, so it cannot disagree).
    /// @param nPublic Number of public signals of the circuit.
    /// @param commitmentIndex Position of the input commitment in the public signals, or
    /// NO_INPUT_COMMITMENT when the input is public.
    /// @param weightsIndex Position of the weights commitment in the public signals when the
    /// WEIGHTS_HASHED flag is set, else NO_WEIGHTS_COMMITMENT. With hashed weights the circuit
    /// proves an output of *some* weights with that commitment: a proof is the model's only if
    /// the signal equals the registered weightsCommitment(modelId).
    /// @param visibility Bit flags: VISIBILITY_INPUT_HASHED | VISIBILITY_OUTPUT_HASHED | VISIBILITY_WEIGHTS_HASHED.
    /// @param deprecated Set once by deprecate(); never cleared.
    struct Model {
        address verifier;
        bytes4 selector;
        uint16 nPublic;
        uint16 commitmentIndex;
        uint16 weightsIndex;
        uint8 visibility;
        bool deprecated;
    }

    /// @notice Thrown when a caller other than the registry owner registers, deprecates or transfers.
    error NotOwner(address caller);
    /// @notice Thrown when an owner transfer names the zero address.
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
    /// the input commitment's position.
    error InvalidWeightsIndex(uint16 weightsIndex, uint16 nPublic, uint8 visibility);
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
        uint16 nPublic,
        uint16 commitmentIndex,
        uint8 visibility,
        uint16 weightsIndex,
        uint256 weightsCommitment,
        string metadataURI
    );
    /// @notice A model was deprecated: no new escrow requests or oracle feeds, no oracle submissions.
    event ModelDeprecated(bytes32 indexed modelId);
    /// @notice The registry owner changed.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The account allowed to register and deprecate models.
    function owner() external view returns (address);

    /// @notice Hands the registry to `newOwner`.
    function transferOwnership(address newOwner) external;

    /// @notice Registers a new model version. Reverts if the id already exists.
    /// @param modelId sha256 of the integer ONNX bytes (manifest `modelId`).
    /// @param verifier The model's Groth16 verifier contract.
    /// @param nPublic Number of public signals (manifest `publicSignals.length`).
    /// @param commitmentIndex Index of "inputCommitment" in the public signals, or NO_INPUT_COMMITMENT.
    /// @param visibility VISIBILITY_* flags (manifest `visibility`).
    /// @param weightsIndex Index of "weightsCommitment" in the public signals with hashed weights,
    /// else NO_WEIGHTS_COMMITMENT.
    /// @param weightsCommitment The manifest's `weightsCommitment` with hashed weights (non-zero,
    /// below the BN254 scalar field), else 0.
    /// @param metadataURI Where the model card / manifest lives.
    function register(
        bytes32 modelId,
        address verifier,
        uint16 nPublic,
        uint16 commitmentIndex,
        uint8 visibility,
        uint16 weightsIndex,
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
