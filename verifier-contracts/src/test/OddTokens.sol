// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

import {TestERC20} from "./TestERC20.sol";

/// @title FeeOnTransferToken
/// @notice Tests only: burns 10 % of every transfer, so the receiver gets less than `amount`.
contract FeeOnTransferToken is TestERC20 {
    function _move(address from, address to, uint256 amount) internal override {
        uint256 fee = amount / 10;
        super._move(from, to, amount);
        balanceOf[to] -= fee;
        totalSupply -= fee;
    }
}

/// @title MaxBalanceToken
/// @notice Tests only: transferFrom of type(uint256).max moves the sender's whole balance
/// (as some tokens, e.g. cUSDCv3, do), so "price" and "what arrived" differ.
contract MaxBalanceToken is TestERC20 {
    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        return super.transferFrom(from, to, amount == type(uint256).max ? balanceOf[from] : amount);
    }
}

/// @title BlacklistToken
/// @notice Tests only: transfers to or from a blacklisted address revert (as USDC's and USDT's do).
contract BlacklistToken is TestERC20 {
    error Blacklisted(address account);

    mapping(address => bool) public blacklisted;

    function setBlacklisted(address account, bool on) external {
        blacklisted[account] = on;
    }

    function _move(address from, address to, uint256 amount) internal override {
        if (blacklisted[from]) revert Blacklisted(from);
        if (blacklisted[to]) revert Blacklisted(to);
        super._move(from, to, amount);
    }
}

/// @title NonBoolToken
/// @notice Tests only: moves the tokens but answers transfer/transferFrom with something that
/// is not an ERC-20 boolean: one word equal to 2 (mode 0) or two words (mode 1); or, in mode 2,
/// with `false` (a refusal that a careless caller would ignore).
contract NonBoolToken is TestERC20 {
    uint256 public mode;

    function setMode(uint256 mode_) external {
        mode = mode_;
    }

    function transfer(address to, uint256 amount) external override returns (bool) {
        _move(msg.sender, to, amount);
        _answer();
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        super.transferFrom(from, to, amount);
        _answer();
    }

    function _answer() private view {
        uint256 m = mode;
        assembly ("memory-safe") {
            switch m
            case 0 {
                mstore(0, 2)
                return(0, 32)
            }
            case 1 {
                mstore(0, 1)
                mstore(32, 1)
                return(0, 64)
            }
            default {
                mstore(0, 0)
                return(0, 32)
            }
        }
    }
}

/// @title UsdtStyleToken
/// @notice Tests only: an ERC-20 whose transfer and transferFrom return nothing (as USDT's do).
contract UsdtStyleToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @title SilentFallback
/// @notice Tests only: accepts any call and returns nothing, so a careless caller would read every
/// transferFrom as a success of a USDT-style token.
contract SilentFallback {
    fallback() external payable {}
}
