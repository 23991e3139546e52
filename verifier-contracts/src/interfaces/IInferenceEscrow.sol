// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IModelRegistry} from "./IModelRegistry.sol";

/// @title IInferenceEscrow
/// @notice Pay-per-proof: a client locks a price (ETH or an ERC-20) for one inference of a
/// registered model on a committed input; the request's operator is paid only when a Groth16
/// proof of that model on that input commitment verifies; otherwise the client is refunded after
/// the deadline. Models whose output is hashed are refused: the client could not open what it
/// paid for (see ModelOutputHashed).
/// @dev No replay map: a proof may settle every open request that asks the same question (same
/// model, same input commitment). That is harmless because the payee of a request is fixed at
/// opening and each request is paid once: whoever submits a proof to request A pays A's operator
/// for a correct answer to A's question, and no other request's settlement can stop it (a map
/// keyed by proof bytes let a client burn its operator's proof on a 1-wei request of its own;
/// Groth16 proofs are malleable, so such a map never stopped re-use anyway).
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
    /// @param price What the escrow holds for the request: msg.value, or the token amount that
    /// actually arrived (equal to the price asked, or the open reverted).
    /// @param verifier, selector, nPublic, commitmentIndex, weightsIndex, verifierCodeHash: the
    /// registry record at opening time.
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
        bytes32 verifierCodeHash;
    }

    /// @notice Thrown when a model is not in the registry.
    error ModelNotRegistered(bytes32 modelId);
    /// @notice Thrown when opening a request for a deprecated model.
    error ModelDeprecated(bytes32 modelId);
    /// @notice Thrown when the model's input is public: there is no commitment to bind to.
    error ModelHasNoInputCommitment(bytes32 modelId);
    /// @notice Thrown when the model's output is hashed: settlement would pay for a commitment the
    /// client can open only with a salt the operator may withhold (no fair exchange).
    error ModelOutputHashed(bytes32 modelId);
    /// @notice Thrown when the verifier's code is no longer what the registry recorded.
    error VerifierCodeChanged(bytes32 modelId, bytes32 expected, bytes32 actual);
    /// @notice Thrown when the input commitment is not a BN254 scalar field element.
    error InputCommitmentNotInField(uint256 inputCommitment);
    /// @notice Thrown when the deadline is not in the future.
    error DeadlineNotInFuture(uint64 deadline);
    /// @notice Thrown when the operator is the zero address.
    error ZeroOperator();
    /// @notice Thrown when the price is zero.
    error ZeroPrice();
    /// @notice Thrown when `token` has no code, or its balanceOf does not answer one word.
    error NotAToken(address token);
    /// @notice Thrown when the token's transfer or transferFrom reverted or returned false.
    error PaymentFailed(address token, address client, uint256 amount);
    /// @notice Thrown when the token answered transfer/transferFrom with something other than
    /// nothing or one boolean word.
    error TokenReturnedNonBool(address token, bytes returnData);
    /// @notice Thrown when the escrow's token balance grew by another amount than the price
    /// (fee-on-transfer, "max means whole balance", rebasing): the request would promise money
    /// the escrow does not hold.
    error AmountReceivedMismatch(address token, uint256 expected, uint256 received);
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
    /// @notice Thrown when the model's verifier rejects the proof.
    error InvalidProof(uint256 requestId);
    /// @notice Thrown by withdraw() when nothing is owed to the caller in `token`.
    error NothingOwed(address token, address account);
    /// @notice Thrown by withdraw() when the payout to `to` failed (nothing changes).
    error PayoutFailed(address token, address to, uint256 amount);
    /// @notice Thrown when withdraw() names the zero address as recipient.
    error ZeroRecipient();
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
    /// @notice A request was settled by a valid proof and `amount` of `token` paid (or owed, see
    /// PaymentDeferred) to its operator; `publicSignals` are the proven statement (outputs included).
    event RequestSettled(
        uint256 indexed requestId,
        address indexed operator,
        address token,
        uint256 amount,
        uint256[] publicSignals
    );
    /// @notice An unsettled request was refunded (or owed, see PaymentDeferred) to its client after the deadline.
    event RequestRefunded(uint256 indexed requestId, address indexed client, address token, uint256 amount);
    /// @notice A push payment failed (a receiver that reverts, a blacklisted address): the amount
    /// is credited to `account`, who takes it with withdraw().
    event PaymentDeferred(uint256 indexed requestId, address indexed account, address token, uint256 amount);
    /// @notice `account` withdrew what it was owed in `token` to `to`.
    event Withdrawn(address indexed account, address indexed to, address token, uint256 amount);

    /// @notice The registry whose records requests are checked against.
    function registry() external view returns (IModelRegistry);

    /// @notice Opens a request paid in ETH (msg.value is the price).
    /// @param operator Who is paid on settlement (anyone may submit the proof: the payee is fixed).
    /// @param deadline Settlement is possible until `deadline` (inclusive), refund after it.
    function openRequest(bytes32 modelId, uint256 inputCommitment, address operator, uint64 deadline)
        external
        payable
        returns (uint256 requestId);

    /// @notice Opens a request paid in `token`; the escrow pulls `price` (approve it first) and
    /// reverts with AmountReceivedMismatch unless its balance grew by exactly `price`
    /// (fee-on-transfer and "max means balance" tokens are refused; rebasing tokens are unsupported).
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

    /// @notice Pays what the escrow owes the caller in `token` (address(0): ETH) to `to`.
    function withdraw(address token, address to) external;

    /// @notice What failed push payments left owed to `account` in `token`.
    function owed(address token, address account) external view returns (uint256);

    /// @notice The stored request.
    function request(uint256 requestId) external view returns (Request memory);
}
