// Times EPANET (epanet-js 0.9.0: OWA-EPANET compiled to WebAssembly) on .inp files.
//
//   node benchmarks/epanet_js_bench.mjs [--repeats R] FILE.inp [FILE.inp ...]
//
// Per file, medians of R runs of: open (parse the .inp into the project), openH + initH
// (hydraulic setup: allocation, matrix ordering / symbolic factorisation), runH (the steady
// solve at t = 0). solveH (everything, one call) is timed too. One JSON object per line.
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// epanet-js lives in benchmarks/epanet-js/node_modules (npm install --prefix benchmarks/epanet-js)
const require = createRequire(`${here}/epanet-js/package.json`);
const { Project, Workspace } = await import(pathToFileURL(require.resolve("epanet-js").replace(/index\.cjs$/, "index.mjs")).href);

const args = process.argv.slice(2);
let repeats = 3;
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--repeats") repeats = Number(args[++i]);
  else files.push(args[i]);
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
const now = () => Number(process.hrtime.bigint()) / 1e9;

const ws = new Workspace();
await ws.loadModule();
const InitHydOption_NoSave = 0;
const EN_DURATION = 0;  // TimeParameter.Duration

for (const file of files) {
  const name = basename(file) === "network.inp" ? basename(dirname(file)) : basename(file, ".inp");
  const out = { name, file, engine: "epanet-js 0.9.0 (wasm)" };
  try {
    ws.writeFile("net.inp", readFileSync(file));
    const t = { open_s: [], setup_s: [], run_s: [], solveH_s: [] };
    for (let r = 0; r < repeats; ++r) {
      const model = new Project(ws);
      let t0 = now();
      model.open("net.inp", "report.rpt", "out.bin");
      t.open_s.push(now() - t0);
      t0 = now();
      model.openH();
      model.initH(InitHydOption_NoSave);
      t.setup_s.push(now() - t0);
      t0 = now();
      model.runH();
      t.run_s.push(now() - t0);
      model.closeH();
      // solveH runs every period: make it the single steady solve the others time (reference
      // networks like DMAs have a multi-day duration, which took minutes and gigabytes)
      model.setTimeParameter(EN_DURATION, 0);
      t0 = now();
      model.solveH();  // openH + initH + runH
      t.solveH_s.push(now() - t0);
      if (r === 0) {
        out.nodes = model.getCount(0);  // EN_NODECOUNT
        out.links = model.getCount(2);  // EN_LINKCOUNT
      }
      model.close();
    }
    for (const [k, v] of Object.entries(t)) out[k] = median(v);
    out.setup_plus_run_s = out.setup_s + out.run_s;
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  console.log(JSON.stringify(out));
}
