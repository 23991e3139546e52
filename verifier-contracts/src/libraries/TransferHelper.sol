// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.28;

/// @title TransferHelper
/// @notice ETH and ERC-20 transfers that report failure as `false` (callers revert with their
/// own named error). Tokens that return nothing are accepted (USDT-style), tokens that return
/// false or revert are failures, and an address without code is never a token.
library TransferHelper {
    /// @notice Sends `amount` wei with all remaining gas (operators and clients may be contracts).
    function sendETH(address to, uint256 amount) internal returns (bool ok) {
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
    }

    /// @notice token.transfer(to, amount).
    function transfer(address token, address to, uint256 amount) internal returns (bool) {
        return _call(token, abi.encodeWithSelector(0xa9059cbb, to, amount));
    }

    /// @notice token.transferFrom(from, to, amount).
    function transferFrom(address token, address from, address to, uint256 amount) internal returns (bool) {
        return _call(token, abi.encodeWithSelector(0x23b872dd, from, to, amount));
    }

    function _call(address token, bytes memory data) private returns (bool) {
        (bool ok, bytes memory ret) = token.call(data);
        return ok && (ret.length == 0 ? token.code.length != 0 : (ret.length == 32 && abi.decode(ret, (bool))));
    }
}
