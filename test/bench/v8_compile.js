// Compile time of a module in V8 (eager, so every function is compiled): the first
// compilation only, since V8 caches compiled modules within a process. Prints seconds.
//   node --liftoff --no-wasm-tier-up --no-wasm-lazy-compilation v8_compile.js FILE.wasm
const bytes = require('fs').readFileSync(process.argv[2]);
const t0 = process.hrtime.bigint();
new WebAssembly.Module(bytes);
console.log((Number(process.hrtime.bigint() - t0) / 1e9).toFixed(6));
