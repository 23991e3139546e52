// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {IInferenceEscrow} from "./interfaces/IInferenceEscrow.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {Groth16Call} from "./libraries/Groth16Call.sol";
import {TransferHelper} from "./libraries/TransferHelper.sol";
import {Visibility} from "./libraries/Visibility.sol";

/// @title InferenceEscrow
/// @notice Holds a client's payment for one proven inference. See IInferenceEscrow.
/// @dev Design choices:
/// - The registry record (verifier, selector, nPublic, commitmentIndex) is copied into the request
///   when it is opened. Records are immutable, so this changes no outcome, and settle() then needs
///   no cold call into the registry (about 5,000 gas saved on the path with a gas goal).
/// - Deprecation stops new requests only. A request opened before deprecation still settles with
///   a valid proof: the operator accepted the job under the terms of that day, and a deprecated
///   version is superseded, not unsound (a broken verifier would be a new registry, not a flag).
/// - The input commitment's position comes from the registry (commitmentIndex), so any circuit
///   layout works, not only "commitment first". With hashed weights the proof must also carry the
///   registered weights commitment (at weightsIndex): the verifier alone accepts any weights.
/// - settle() may be called by anyone: the payee is the request's operator, fixed at opening, so
///   copying a proof from the mempool earns the copier nothing.
/// - Replay: each request settles once (status), and the hash of (proof, publicSignals) is
///   recorded so the same bytes cannot settle a second request with the same input commitment.
///   Groth16 proofs are malleable (anyone can re-randomise a valid proof into another valid one
///   for the same statement), so the hash blocks verbatim replays only; what makes a replay
///   harmless is that the payment always goes to the request's own operator for a correct answer
///   to that request's own question.
/// - Windows do not overlap: settle while block.timestamp <= deadline, refund after.
/// - Payouts follow checks-effects-interactions under a transient-storage reentrancy lock.
contract InferenceEscrow is IInferenceEscrow {
    /// @dev BN254 scalar field order: public signals are reduced mod r.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    IModelRegistry public immutable override registry;
    uint256 public nextRequestId = 1;

    mapping(uint256 requestId => Request) private _requests;
    mapping(bytes32 proofHash => bool) public proofUsed;
    mapping(address token => mapping(address account => uint256)) public override owed;

    error ProofAlreadyUsed(bytes32 proofHash);

    bool private transient _locked;

    modifier nonReentrant() {
        if (_locked) revert Reentrancy();
        _locked = true;
        _;
        _locked = false;
    }

    constructor(IModelRegistry registry_) {
        registry = registry_;
    }

    /// @inheritdoc IInferenceEscrow
    function openRequest(bytes32 modelId, uint256 inputCommitment, address operator, uint64 deadline)
        external
        payable
        override
        nonReentrant
        returns (uint256 requestId)
    {
        requestId = _open(modelId, inputCommitment, operator, deadline, address(0), msg.value);
    }

    /// @inheritdoc IInferenceEscrow
    function openRequestWithToken(
        bytes32 modelId,
        uint256 inputCommitment,
        address operator,
        uint64 deadline,
        address token,
        uint256 price
    ) external override nonReentrant returns (uint256 requestId) {
        requestId = _open(modelId, inputCommitment, operator, deadline, token, price);
        if (!TransferHelper.transferFrom(token, msg.sender, address(this), price)) {
            revert PaymentFailed(token, msg.sender, price);
        }
    }

    /// @inheritdoc IInferenceEscrow
    function settle(uint256 requestId, uint256[8] calldata proof, uint256[] calldata publicSignals)
        external
        override
        nonReentrant
    {
        Request storage r = _requests[requestId];
        bytes32 proofHash = _check(requestId, r, proof, publicSignals);

        // Effects: mark settled and clear what is no longer needed (refunds 4,800 gas a slot).
        proofUsed[proofHash] = true;
        address operator = r.operator;
        address token = r.token;
        uint256 price = r.price;
        r.status = Status.Settled;
        _clear(r);
        emit RequestSettled(requestId, operator, token, price, publicSignals);

        // Interaction.
        _pay(requestId, token, operator, price);
    }

    function _check(uint256 requestId, Request storage r, uint256[8] calldata proof, uint256[] calldata publicSignals)
        private
        view
        returns (bytes32 proofHash)
    {
        _requireOpen(requestId, r.status);
        uint64 deadline = r.deadline;
        if (block.timestamp > deadline) revert DeadlinePassed(requestId, deadline);
        if (publicSignals.length != r.nPublic) {
            revert PublicSignalCountMismatch(requestId, r.nPublic, publicSignals.length);
        }
        uint256 expected = r.inputCommitment;
        uint256 actual = publicSignals[r.commitmentIndex];
        if (actual != expected) revert InputCommitmentMismatch(requestId, expected, actual);
        uint16 weightsIndex = r.weightsIndex;
        if (weightsIndex != Visibility.NO_WEIGHTS_COMMITMENT) _requireModelWeights(requestId, r.modelId, publicSignals[weightsIndex]);

        uint256 ptr;
        uint256 len;
        (ptr, len, proofHash) = Groth16Call.encode(r.selector, proof, publicSignals);
        if (proofUsed[proofHash]) revert ProofAlreadyUsed(proofHash);
        if (!Groth16Call.verify(r.verifier, ptr, len)) revert InvalidProof(requestId);
    }

    /// @inheritdoc IInferenceEscrow
    function refund(uint256 requestId) external override nonReentrant {
        Request storage r = _requests[requestId];
        _requireOpen(requestId, r.status);
        uint64 deadline = r.deadline;
        if (block.timestamp <= deadline) revert DeadlineNotReached(requestId, deadline);

        address client = r.client;
        address token = r.token;
        uint256 price = r.price;
        r.status = Status.Refunded;
        _clear(r);
        emit RequestRefunded(requestId, client, token, price);

        _pay(requestId, token, client, price);
    }

    /// @inheritdoc IInferenceEscrow
    function withdraw(address token, address) external override {
        revert NothingOwed(token, msg.sender);
    }

    /// @inheritdoc IInferenceEscrow
    function request(uint256 requestId) external view override returns (Request memory) {
        return _requests[requestId];
    }

    function _open(
        bytes32 modelId,
        uint256 inputCommitment,
        address operator,
        uint64 deadline,
        address token,
        uint256 price
    ) private returns (uint256 requestId) {
        if (operator == address(0)) revert ZeroOperator();
        if (price == 0) revert ZeroPrice();
        if (deadline <= block.timestamp) revert DeadlineNotInFuture(deadline);
        if (inputCommitment >= SNARK_SCALAR_FIELD) revert InputCommitmentNotInField(inputCommitment);
        // An unknown id reverts inside the registry with ModelNotRegistered(modelId), which has the
        // same selector as this contract's error of that name and bubbles up unchanged.
        IModelRegistry.Model memory m = registry.model(modelId);
        if (m.deprecated) revert ModelDeprecated(modelId);
        if (m.commitmentIndex == Visibility.NO_INPUT_COMMITMENT) revert ModelHasNoInputCommitment(modelId);

        requestId = nextRequestId++;
        _requests[requestId] = Request({
            client: msg.sender,
            deadline: deadline,
            status: Status.Open,
            operator: operator,
            selector: m.selector,
            nPublic: m.nPublic,
            commitmentIndex: m.commitmentIndex,
            weightsIndex: m.weightsIndex,
            verifier: m.verifier,
            token: token,
            price: price,
            modelId: modelId,
            inputCommitment: inputCommitment,
            verifierCodeHash: m.verifierCodeHash
        });
        emit RequestOpened(requestId, modelId, msg.sender, operator, token, price, inputCommitment, deadline);
    }

    /// @dev The commitment is read from the registry at settlement, and only for hashed-weights
    /// models: records are immutable, so this equals a copy made at opening without every
    /// request paying for one more storage slot.
    function _requireModelWeights(uint256 requestId, bytes32 modelId, uint256 actual) private view {
        uint256 expected = registry.weightsCommitment(modelId);
        if (actual != expected) revert WeightsCommitmentMismatch(requestId, expected, actual);
    }

    function _requireOpen(uint256 requestId, Status status) private pure {
        if (status == Status.None) revert RequestNotFound(requestId);
        if (status == Status.Settled) revert RequestAlreadySettled(requestId);
        if (status == Status.Refunded) revert RequestAlreadyRefunded(requestId);
    }

    /// @dev Zeroes every slot but the first (client, deadline, status).
    function _clear(Request storage r) private {
        r.operator = address(0);
        r.selector = bytes4(0);
        r.nPublic = 0;
        r.commitmentIndex = 0;
        r.weightsIndex = 0;
        r.verifier = address(0);
        r.token = address(0);
        r.price = 0;
        r.modelId = bytes32(0);
        r.inputCommitment = 0;
    }

    function _pay(uint256 requestId, address token, address to, uint256 amount) private {
        bool ok = token == address(0) ? TransferHelper.sendETH(to, amount) : TransferHelper.transfer(token, to, amount);
        requestId;
        if (!ok) revert PayoutFailed(token, to, amount);
    }
}
