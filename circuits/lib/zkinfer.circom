pragma circom 2.1.0;

// zkinfer's circuit library: the nonlinear steps of an integer network. Linear layers with
// constant weights are generated inline by the compiler as linear combinations (free in R1CS);
// every value computed here with `<--` is pinned by the constraints that follow it.

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";

// Decomposes in + 2^B into B+1 bits. The caller guarantees (from exact compile-time bounds)
// that -2^B <= in < 2^B, so the decomposition is unique and bits[B] is 1 iff in >= 0.
template OffsetBits(B) {
    assert(B >= 0);
    assert(B + 1 <= 252); // the sum must not wrap around the field
    signal input in;
    signal output bits[B + 1];
    var sum = 0;
    for (var i = 0; i <= B; i++) {
        bits[i] <-- ((in + (1 << B)) >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        sum += bits[i] * (1 << i);
    }
    sum === in + (1 << B);
}

// out = floor(max(in, 0) / 2^K), for -2^B <= in < 2^B and B >= K.
// The quotient is bits K..B-1 of in + 2^B (2^B is a multiple of 2^K); the sign bit gates it.
template ReluRescale(B, K) {
    assert(B >= K);
    signal input in;
    signal output out;
    component d = OffsetBits(B);
    d.in <== in;
    var q = 0;
    for (var i = K; i < B; i++) q += d.bits[i] * (1 << (i - K));
    out <== d.bits[B] * q;
}

// out = min(floor(max(in, 0) / 2^K), 2^H - 1), for -2^B <= in < 2^B and B - K > H.
// The quotient saturates iff one of its bits at position >= H is set: an IsZero on their sum.
template ReluRescaleClip(B, K, H) {
    assert(B - K > H);
    assert(H >= 1);
    signal input in;
    signal output out;
    component d = OffsetBits(B);
    d.in <== in;
    var low = 0;
    for (var i = K; i < K + H; i++) low += d.bits[i] * (1 << (i - K));
    var high = 0;
    for (var i = K + H; i < B; i++) high += d.bits[i];
    signal inv;
    inv <-- high != 0 ? 1 / high : 0;
    signal isLow; // 1 iff the quotient is below 2^H
    isLow <== 1 - high * inv;
    high * isLow === 0;
    signal clipped;
    clipped <== (1 << H) - 1 + isLow * (low - ((1 << H) - 1));
    out <== d.bits[B] * clipped;
}

// out = floor(in / D) for a constant D >= 2 and 0 <= in < 2^Q * D (from the caller's exact
// bounds). Quotient and remainder are hints, pinned by in === out * D + r with 0 <= out < 2^Q
// and 0 <= r < D (r and D - 1 - r both of R bits, D <= 2^R): out * D + r then stays below
// 2^(Q+R+1), far from wrapping the field, so they are floor division's unique quotient and remainder.
template DivConst(Q, R, D) {
    assert(Q >= 1 && R >= 1);
    assert(D >= 2 && D <= (1 << R));
    assert(Q + R + 1 <= 252);
    signal input in;
    signal output out;
    signal r;
    out <-- in \ D;
    r <-- in % D;
    in === out * D + r;
    component qBits = Num2Bits(Q);
    qBits.in <== out;
    component rBits = Num2Bits(R);
    rBits.in <== r;
    component slack = Num2Bits(R);
    slack.in <== D - 1 - r;
}

// Range-checks n signed values of `bits` bits and packs them, offset to be non-negative,
// k = 248 \ bits per field element: packed[j] = sum_i (in[kj+i] + 2^(bits-1)) * 2^(bits*i).
// The packing is injective only because of the range checks; 248 bits never wrap the field.
template PackBits(n, bits) {
    assert(bits >= 1 && bits <= 248);
    var k = 248 \ bits;
    var m = (n + k - 1) \ k;
    signal input in[n];
    signal output packed[m];
    component b[n];
    var acc[m];
    for (var j = 0; j < m; j++) acc[j] = 0;
    for (var i = 0; i < n; i++) {
        b[i] = Num2Bits(bits);
        b[i].in <== in[i] + (1 << (bits - 1));
        acc[i \ k] += (in[i] + (1 << (bits - 1))) * (1 << (bits * (i % k)));
    }
    for (var j = 0; j < m; j++) packed[j] <== acc[j];
}

// out = max(a, b), for -2^B <= a - b < 2^B: the sign bit of a - b picks the larger.
template Max2(B) {
    signal input a;
    signal input b;
    signal output out;
    component d = OffsetBits(B);
    d.in <== a - b;
    out <== b + d.bits[B] * (a - b);
}

// out = T[in] for 0 <= in < 2^(J+K), T a constant table of 2^(J+K) entries, in
// J + K bit constraints, 2^J - 1 - J monomial products and at most 2^K - 1 selection products.
// The low J bits give every monomial of those bits (mono[s] = product of the bits in s), so
// each row h of the table, T[h * 2^J + l] as a function of l, is a linear combination of them
// (its coefficients are the row's Moebius transform). The K high bits then select the row by
// halving: at level k, V[p] = V[2p] + bit_k * (V[2p+1] - V[2p]), one product per pair whose
// difference is not a constant (circom folds the others into linear constraints).
// A value in outside the range has no decomposition: the lookup range-checks its input.
template TableLookup(J, K, T) {
    assert(J >= 0 && K >= 1);
    assert(J + K <= 16); // the bit sum stays far below the field size
    var L = 1 << J;
    var H = 1 << K;
    signal input in;
    signal output out;
    signal bits[J + K];
    var sum = 0;
    for (var i = 0; i < J + K; i++) {
        bits[i] <-- (in >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        sum += bits[i] * (1 << i);
    }
    sum === in;
    // mono[s] is a constant or a bit where s has fewer than two bits: only products are signals.
    var mono[L];
    signal prod[L];
    mono[0] = 1;
    for (var s = 1; s < L; s++) {
        var top = 0;
        while ((2 << top) <= s) top++;
        var rest = s - (1 << top);
        if (rest == 0) {
            mono[s] = bits[top];
        } else {
            prod[s] <== mono[rest] * bits[top];
            mono[s] = prod[s];
        }
    }
    var V[H];
    for (var h = 0; h < H; h++) {
        var c[L];
        for (var l = 0; l < L; l++) c[l] = T[h * L + l];
        for (var i = 0; i < J; i++) {
            for (var s = 0; s < L; s++) {
                if (((s >> i) & 1) == 1) c[s] -= c[s - (1 << i)];
            }
        }
        V[h] = 0;
        for (var s = 0; s < L; s++) V[h] += c[s] * mono[s];
    }
    signal t[H - 1];
    var n = 0;
    for (var k = 0; k < K; k++) {
        for (var p = 0; p < (H >> (k + 1)); p++) {
            t[n] <== bits[J + k] * (V[2 * p + 1] - V[2 * p]);
            V[p] = V[2 * p] + t[n];
            n++;
        }
    }
    out <== V[0];
}
