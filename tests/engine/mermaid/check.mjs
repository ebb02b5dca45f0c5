// Mermaid's own parser on many diagrams at once, for tests/engine/test_graph.py.
//
// stdin:  {"name": "stateDiagram-v2\n...", ...}
// stdout: {"name": {"ok": true, "states": {"id": ["label", ...]}, "edges": [["from", "to", "label"], ...]}
//          or {"ok": false, "error": "Parse error on line 3: ..."}, ...}
//
// Accepting a diagram is not enough: Mermaid parses `a --> b: x;y` without complaint, as
// an edge labelled "x" and a stray state ";y". So each accepted diagram also reports what
// Mermaid understood (states, edges, and each label as a reader sees it once entity codes
// like #59; are shown), and the Python test compares that with what the graph meant.
//
// mermaid.parse(text) is Mermaid's preprocessing (front matter, %% directives and comments,
// \r\n, quotes inside HTML tags) and then getDiagramFromText(text), which parses into the
// diagram's database; only the latter gives that database back. Doing both would double the
// time (Mermaid copies its whole configuration for every state and edge), so a diagram must
// not need the preprocessing (the graph never writes %, < or a line of ---): then
// getDiagramFromText sees exactly what mermaid.parse would, and its errors are the same.
//
// One process for every diagram: starting Node and loading Mermaid takes seconds.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// Mermaid sanitizes labels with DOMPurify, which needs a window: jsdom gives it one. It must
// exist before mermaid is imported, since DOMPurify looks for it when it loads.
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

// Mermaid hides entity codes (#59; #quot;) from its parser with these markers and turns them
// back into HTML entities in the drawing (decodeEntities in mermaid's utils); the browser
// then shows the character. A textarea does the browser's part here.
const textarea = window.document.createElement('textarea');
function shown(text) {
  textarea.innerHTML = String(text ?? '').replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  return textarea.value;
}

const PREPROCESSED = /%%|\r|<|^\s*---/m;

async function check(text) {
  if (PREPROCESSED.test(text)) {
    return { ok: false, error: "needs Mermaid's preprocessing (%%, \\r, <, ---), which this check leaves out" };
  }
  try {
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    const states = {};
    for (const [id, state] of db.getStates()) {
      states[id] = (state.descriptions ?? []).map(shown);
    }
    const edges = db.getRelations().map((r) => [r.id1, r.id2, shown(r.relationTitle)]);
    return { ok: true, states, edges };
  } catch (error) {
    return { ok: false, error: String(error?.message ?? error) };
  }
}

const diagrams = JSON.parse(readFileSync(0, 'utf8'));
await mermaid.parse('stateDiagram-v2\n  a --> b');  // registers Mermaid's diagram types
const results = {};
for (const [name, text] of Object.entries(diagrams)) {
  results[name] = await check(text);
}
process.stdout.write(JSON.stringify(results));
