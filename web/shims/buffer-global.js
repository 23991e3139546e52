// Node's global Buffer for the browser bundle: blake-hash (under circomlibjs' EdDSA, which the
// page never calls) calls Buffer.from at load time. esbuild's `inject` turns each free `Buffer`
// into this import of the npm `buffer` package, the one readable-stream already requires.
export { Buffer } from "buffer";
