// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./IModelRegistry.sol";

/// @title IInferenceEscrow
/// @notice Pay-per-proof: a client locks a price (ETH or an ERC-20) for one inference of a
/// registered model on a committed input; the request's operator is paid only when a Groth16
/// proof of that model on that input commitment verifies; otherwise the client is refunded after
/// the deadline.
interface IInferenceEscrow {
    /// @notice Life of a request. None: never opened.
    enum Status {
        None,
        Open,
        Settled,
        Refunded
    }

    /// @notice A request as stored. After settlement or refund only client, deadline and status
    /// remain (the other slots are cleared for the gas refund; the events keep them).
    /// @param token ERC-20 paid in, or address(0) for ETH.
    /// @param verifier, selector, nPublic, commitmentIndex, weightsIndex: the registry record at opening time.
    struct Request {
        address client;
        uint64 deadline;
        Status status;
        address operator;
        bytes4 selector;
        uint16 nPublic;
        uint16 commitmentIndex;
        uint16 weightsIndex;
        address verifier;
        address token;
        uint256 price;
        bytes32 modelId;
        uint256 inputCommitment;
    }

    /// @notice Thrown when a model is not in the registry.
    error ModelNotRegistered(bytes32 modelId);
    /// @notice Thrown when opening a request for a deprecated model.
    error ModelDeprecated(bytes32 modelId);
    /// @notice Thrown when the model's input is public: there is no commitment to bind to.
    error ModelHasNoInputCommitment(bytes32 modelId);
    /// @notice Thrown when the input commitment is not a BN254 scalar field element.
    error InputCommitmentNotInField(uint256 inputCommitment);
    /// @notice Thrown when the deadline is not in the future.
    error DeadlineNotInFuture(uint64 deadline);
    /// @notice Thrown when the operator is the zero address.
    error ZeroOperator();
    /// @notice Thrown when the price is zero.
    error ZeroPrice();
    /// @notice Thrown when the ERC-20 payment could not be pulled from the client.
    error PaymentFailed(address token, address client, uint256 amount);
    /// @notice Thrown when a request id was never opened.
    error RequestNotFound(uint256 requestId);
    /// @notice Thrown when settling or refunding a settled request.
    error RequestAlreadySettled(uint256 requestId);
    /// @notice Thrown when settling or refunding a refunded request.
    error RequestAlreadyRefunded(uint256 requestId);
    /// @notice Thrown when settling after the deadline (the refund window has begun).
    error DeadlinePassed(uint256 requestId, uint64 deadline);
    /// @notice Thrown when refunding at or before the deadline.
    error DeadlineNotReached(uint256 requestId, uint64 deadline);
    /// @notice Thrown when the public signals are not as many as the model's circuit has.
    error PublicSignalCountMismatch(uint256 requestId, uint256 expected, uint256 actual);
    /// @notice Thrown when the proof's input commitment is not the request's.
    error InputCommitmentMismatch(uint256 requestId, uint256 expected, uint256 actual);
    /// @notice Thrown when a hashed-weights model's proof carries another weights commitment than
    /// the registered one: a proof of other weights (any weights satisfy the circuit).
    error WeightsCommitmentMismatch(uint256 requestId, uint256 expected, uint256 actual);
    /// @notice Thrown when this exact proof and public signals already settled a request.
    error ProofAlreadyUsed(bytes32 proofHash);
    /// @notice Thrown when the model's verifier rejects the proof.
    error InvalidProof(uint256 requestId);
    /// @notice Thrown when paying the operator or refunding the client failed.
    error PayoutFailed(uint256 requestId, address to);
    /// @notice Thrown on re-entry into a state-changing function.
    error Reentrancy();

    /// @notice A request was opened and its price locked.
    event RequestOpened(
        uint256 indexed requestId,
        bytes32 indexed modelId,
        address indexed client,
        address operator,
        address token,
        uint256 price,
        uint256 inputCommitment,
        uint64 deadline
    );
    /// @notice A request was settled by a valid proof and its operator paid.
    event RequestSettled(uint256 indexed requestId, address indexed operator, bytes32 proofHash);
    /// @notice An unsettled request was refunded to its client after the deadline.
    event RequestRefunded(uint256 indexed requestId, address indexed client);

    /// @notice The registry whose records requests are checked against.
    function registry() external view returns (IModelRegistry);

    /// @notice Opens a request paid in ETH (msg.value is the price).
    /// @param operator Who is paid on settlement (anyone may submit the proof: the payee is fixed).
    /// @param deadline Settlement is possible until `deadline` (inclusive), refund after it.
    function openRequest(bytes32 modelId, uint256 inputCommitment, address operator, uint64 deadline)
        external
        payable
        returns (uint256 requestId);

    /// @notice Opens a request paid in `token`; the escrow pulls `price` (approve it first).
    /// Fee-on-transfer and rebasing tokens are not supported.
    function openRequestWithToken(
        bytes32 modelId,
        uint256 inputCommitment,
        address operator,
        uint64 deadline,
        address token,
        uint256 price
    ) external returns (uint256 requestId);

    /// @notice Settles `requestId` with a proof and pays its operator.
    /// @param proof verifyProof's pA, pB, pC flattened (see Groth16Call.encode).
    /// @param publicSignals The circuit's public signals; the input commitment at the model's
    /// commitmentIndex must equal the request's and, with hashed weights, the signal at
    /// weightsIndex the registered weights commitment.
    function settle(uint256 requestId, uint256[8] calldata proof, uint256[] calldata publicSignals) external;

    /// @notice Returns an unsettled request's price to its client once the deadline has passed.
    function refund(uint256 requestId) external;

    /// @notice The stored request.
    function request(uint256 requestId) external view returns (Request memory);

    /// @notice True once keccak256(proof ‖ publicSignals) has settled a request.
    function proofUsed(bytes32 proofHash) external view returns (bool);
}
