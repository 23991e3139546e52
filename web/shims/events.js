// Node's `events` for circomlibjs in the browser bundle: readable-stream (under blake-hash, used
// only by EdDSA, which the page never calls) extends EventEmitter at load time. A small working
// emitter, so loading succeeds and a call would behave, not a stub that fails later.
export class EventEmitter {
  constructor() {
    this._events = new Map();
  }
  _list(name) {
    if (!this._events) this._events = new Map();
    let l = this._events.get(name);
    if (!l) this._events.set(name, (l = []));
    return l;
  }
  on(name, fn) {
    this._list(name).push(fn);
    return this;
  }
  prependListener(name, fn) {
    this._list(name).unshift(fn);
    return this;
  }
  once(name, fn) {
    const wrapped = (...args) => {
      this.removeListener(name, wrapped);
      fn.apply(this, args);
    };
    wrapped.listener = fn;
    return this.on(name, wrapped);
  }
  removeListener(name, fn) {
    const l = this._list(name);
    const i = l.findIndex((f) => f === fn || f.listener === fn);
    if (i >= 0) l.splice(i, 1);
    return this;
  }
  removeAllListeners(name) {
    if (name === undefined) this._events = new Map();
    else this._events?.delete(name);
    return this;
  }
  emit(name, ...args) {
    const l = [...this._list(name)];
    if (name === "error" && l.length === 0) throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
    for (const fn of l) fn.apply(this, args);
    return l.length > 0;
  }
  listeners(name) {
    return [...this._list(name)];
  }
  listenerCount(name) {
    return this._list(name).length;
  }
}
EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.EventEmitter = EventEmitter;
EventEmitter.listenerCount = (emitter, name) => emitter.listenerCount(name);
export default EventEmitter;
