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
