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
/// - No replay map. A proof may settle every open request that asks the same question (same
///   model, same input commitment), and that is harmless: the payee of a request is fixed when it
///   is opened and each request is paid once, so whoever submits a proof to request A pays A's
///   operator for a correct answer to A's question, and no other request's settlement can stop
///   that. A map keyed by the proof's bytes did harm: a client could open a 1-wei request naming
///   itself operator, settle it with its operator's proof (read from the mempool or the gateway)
///   and so make the operator's own settlement revert, then refund the real request after the
///   deadline. Nor did it stop re-use: Groth16 proofs are malleable ((-A, -B, C) verifies as
///   well, as does anyone's re-randomisation), so different bytes always prove the same thing.
/// - The registry record (verifier, selector, nPublic, commitmentIndex, weightsIndex, code hash)
///   is copied into the request when it is opened. Records are immutable, so this changes no
///   outcome, and settle() then needs no cold call into the registry.
/// - The verifier's code hash is compared with the registered one at opening and at settlement:
///   the registry attests to code, and code at an address can change (a CREATE2 contract destroyed
///   and redeployed in its creation transaction, EIP-6780).
/// - Models with a hashed output are refused: settlement would pay for a commitment the client
///   can open only with a salt the operator may withhold, and anyone can re-randomise another
///   operator's proof of the same commitment.
/// - Token deposits: the escrow's balance must grow by exactly the price, so a request never
///   promises money the escrow does not hold (fee-on-transfer, "max means whole balance").
/// - Payouts are pushed; a push that fails (a receiver that reverts, a token that blacklists the
///   receiver) is credited to the receiver, who withdraws it to any address: a refund or a fee is
///   never locked, and one party cannot block the other's settlement or refund.
/// - Deprecation stops new requests only: an open request still settles under the terms of its day.
/// - settle() and refund() may be called by anyone: the payee is fixed, so a copier earns nothing.
/// - Windows do not overlap: settle while block.timestamp <= deadline, refund after.
/// - Checks-effects-interactions under a transient-storage reentrancy lock.
contract InferenceEscrow is IInferenceEscrow {
    IModelRegistry public immutable override registry;
    uint256 public nextRequestId = 1;

    mapping(uint256 requestId => Request) private _requests;
    mapping(address token => mapping(address account => uint256)) public override owed;

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
        _pull(token, price);
    }

    /// @dev Pulls `price` of `token` from the caller and checks the escrow's balance grew by it.
    function _pull(address token, uint256 price) private {
        uint256 before = _balance(token);
        (TransferHelper.Answer answer, bytes memory ret) =
            TransferHelper.transferFrom(token, msg.sender, address(this), price);
        if (answer == TransferHelper.Answer.Failed) revert PaymentFailed(token, msg.sender, price);
        if (answer == TransferHelper.Answer.NonBool) revert TokenReturnedNonBool(token, ret);
        uint256 after_ = _balance(token);
        uint256 received = after_ > before ? after_ - before : 0;
        if (received != price) revert AmountReceivedMismatch(token, price, received);
    }

    function _balance(address token) private view returns (uint256 balance) {
        bool ok;
        (ok, balance) = TransferHelper.balanceOf(token, address(this));
        if (!ok) revert NotAToken(token);
    }

    /// @inheritdoc IInferenceEscrow
    function settle(uint256 requestId, uint256[8] calldata proof, uint256[] calldata publicSignals)
        external
        override
        nonReentrant
    {
        Request storage r = _requests[requestId];
        _verify(requestId, r, proof, publicSignals);

        // Effects: mark settled and clear what is no longer needed (refunds 4,800 gas a slot).
        address operator = r.operator;
        address token = r.token;
        uint256 price = r.price;
        r.status = Status.Settled;
        _clear(r);
        emit RequestSettled(requestId, operator, token, price, publicSignals);

        // Interaction.
        _pay(requestId, token, operator, price);
    }

    /// @dev Every check of settle(), in order: open, in time, the model's statement about this
    /// request's input (and registered weights), the registered verifier code, a valid proof.
    function _verify(uint256 requestId, Request storage r, uint256[8] calldata proof, uint256[] calldata publicSignals)
        private
        view
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
        if (weightsIndex != Visibility.NO_WEIGHTS_COMMITMENT) {
            _requireModelWeights(requestId, r.modelId, publicSignals[weightsIndex]);
        }
        address verifier = r.verifier;
        _requireCode(r.modelId, verifier, r.verifierCodeHash);
        (uint256 ptr, uint256 len,) = Groth16Call.encode(r.selector, proof, publicSignals);
        if (!Groth16Call.verify(verifier, ptr, len)) revert InvalidProof(requestId);
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
    /// @dev Only the account itself withdraws (to any address it names, e.g. one the token has not
    /// blacklisted). A failed payout reverts, so the amount stays owed.
    function withdraw(address token, address to) external override nonReentrant {
        if (to == address(0)) revert ZeroRecipient();
        uint256 amount = owed[token][msg.sender];
        if (amount == 0) revert NothingOwed(token, msg.sender);
        owed[token][msg.sender] = 0;
        emit Withdrawn(msg.sender, to, token, amount);
        if (!_push(token, to, amount)) revert PayoutFailed(token, to, amount);
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
        if (inputCommitment >= Visibility.SNARK_SCALAR_FIELD) revert InputCommitmentNotInField(inputCommitment);
        // An unknown id reverts inside the registry with ModelNotRegistered(modelId), which has the
        // same selector as this contract's error of that name and bubbles up unchanged.
        IModelRegistry.Model memory m = registry.model(modelId);
        if (m.deprecated) revert ModelDeprecated(modelId);
        if (m.commitmentIndex == Visibility.NO_INPUT_COMMITMENT) revert ModelHasNoInputCommitment(modelId);
        if (m.visibility & Visibility.OUTPUT_HASHED != 0) revert ModelOutputHashed(modelId);
        _requireCode(modelId, m.verifier, m.verifierCodeHash);

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

    function _requireCode(bytes32 modelId, address verifier, bytes32 expected) private view {
        bytes32 actual = verifier.codehash;
        if (actual != expected) revert VerifierCodeChanged(modelId, expected, actual);
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
        r.verifierCodeHash = bytes32(0);
    }

    /// @dev Pushes the payment; if the push fails it is owed to `to` instead (pull payment).
    function _pay(uint256 requestId, address token, address to, uint256 amount) private {
        if (_push(token, to, amount)) return;
        owed[token][to] += amount;
        emit PaymentDeferred(requestId, to, token, amount);
    }

    function _push(address token, address to, uint256 amount) private returns (bool) {
        return token == address(0) ? TransferHelper.sendETH(to, amount) : TransferHelper.transfer(token, to, amount);
    }
}
