// Node's `assert` for circomlibjs in the browser bundle: its Poseidon modules call assert(cond).
// Only the callable form and ok/equal/strictEqual are provided; anything else would be a bug to see.
class AssertionError extends Error {
  constructor(message) {
    super(message ?? "assertion failed");
    this.name = "AssertionError";
  }
}
function assert(value, message) {
  if (!value) throw new AssertionError(message);
}
assert.ok = assert;
assert.equal = (a, b, message) => assert(a == b, message ?? `${a} == ${b}`);
assert.strictEqual = (a, b, message) => assert(a === b, message ?? `${a} === ${b}`);
assert.AssertionError = AssertionError;
export default assert;
export { AssertionError };
