pragma circom 2.1.0;

// Test wrapper for circuits/lib/zkinfer.circom (circuits/lib/zkinfer.test.ts).
include "zkinfer.circom";

template LibWrapper() {
    signal input a;      // in [-2^12, 2^12)
    signal input b;      // in [-2^14, 2^14)
    signal input x[40];  // int8
    signal output relu;
    signal output clip;
    signal output packed[2];
    component r = ReluRescale(12, 4);
    r.in <== a;
    relu <== r.out;
    component c = ReluRescaleClip(14, 3, 7);
    c.in <== b;
    clip <== c.out;
    component p = PackBits(40, 8);
    for (var i = 0; i < 40; i++) p.in[i] <== x[i];
    packed[0] <== p.packed[0];
    packed[1] <== p.packed[1];
}

component main = LibWrapper();
