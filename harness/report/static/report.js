"use strict";
// The triage report: reads the gzipped JSON blob of #data, then draws the header, the failures grouped by
// rule and cause, the page x language matrix (only the rows in view) and the detail pane of one block.
// Filters live in the URL's hash, so a link reopens the same view.
(async () => {
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
async function load() {
  const b64 = $("data").textContent.trim();
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}
const D = await load();
const B = D.blocks, COLS = D.columns, ROW = 28, SHOW = 6;
const FOLDER = D.pages.map((p) => p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : ".");
const GREYS = ["#80868b", "#9aa0a6", "#b0b5ba", "#c4c8cc", "#6f7b85", "#a7b3bd", "#d3d6d9"];
const KEYS = ["status", "rule", "lang", "folder", "why", "q"];
let F = {}, open = -1, collapsed = new Set(), hay = null;

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  F = {}; for (const k of KEYS) if (h.get(k)) F[k] = h.get(k);
  open = h.has("b") ? Number(h.get("b")) : -1;
}
function writeHash() {
  const h = new URLSearchParams();
  for (const k of KEYS) if (F[k]) h.set(k, F[k]);
  if (open >= 0) h.set("b", open);
  history.replaceState(null, "", "#" + h.toString());
}
const where = (b) => `${D.pages[b.p]}:${b.l}${b.t ? ` [${b.t}]` : ""}`;
const bad = (b) => b.s === "failed" || b.s === "error";
const rulesOf = (b) => b.s === "error" ? ["HARNESS"] : b.f.map((f) => f.r);
function matches(b, i) {
  if (F.status === "failed" ? !bad(b) : F.status === "warning" ? !b.f.some((f) => f.v === "warning")
      : F.status && b.s !== F.status) return false;
  if (F.rule && !rulesOf(b).includes(F.rule)) return false;
  if (F.lang && b.c !== F.lang) return false;
  if (F.folder && FOLDER[b.p] !== F.folder && !FOLDER[b.p].startsWith(F.folder + "/")) return false;
  if (F.why && b.k !== F.why) return false;
  if (F.q) {
    hay = hay || B.map((x) => [where(x), x.lang, x.r, x.code, ...x.f.map((f) => f.m)].join("\n").toLowerCase());
    if (!hay[i].includes(F.q.toLowerCase())) return false;
  }
  return true;
}

function header() {
  const g = D.figures, c = D.coverage, total = Math.max(1, c.blocks);
  const seg = (cls, n, title, key, val, colour) => n ? `<span class="${cls}" style="width:${100 * n / total}%;${colour ? "background:" + colour : ""}" title="${esc(title)}: ${n}" data-k="${key}" data-v="${esc(val)}"></span>` : "";
  const kinds = c.skip_kinds.slice(0, c.skip_kinds.length === GREYS.length + 1 ? GREYS.length + 1 : GREYS.length), rest = c.skip_kinds.slice(kinds.length).reduce((n, k) => n + k[1], 0);
  const bar = seg("s-passed", c.passed, "passed", "status", "passed") + seg("s-failed", c.failed, "failed", "status", "failed")
    + seg("s-error", c.error, "harness error", "rule", "HARNESS")
    + kinds.map(([k, n], i) => seg("", n, "not run: " + k, "why", k, GREYS[i % GREYS.length])).join("")
    + seg("", rest, "not run: other reasons", "status", "skipped", "#e3e5e8");
  const legend = [["passed", c.passed, "status", "passed"], ["failed", c.failed, "status", "failed"], ["error", c.error, "rule", "HARNESS"]]
    .filter((x) => x[1]).map(([s, n, k, v]) => `<button data-k="${k}" data-v="${v}"><i class="sw s-${s}"></i>${n} ${s}</button>`).join("")
    + kinds.map(([k, n], i) => `<button data-k="why" data-v="${esc(k)}"><i class="sw" style="background:${GREYS[i % GREYS.length]}"></i>${n} not run: ${esc(k.replace(/^not runnable: /, ""))}</button>`).join("")
    + (rest ? `<button data-k="status" data-v="skipped"><i class="sw" style="background:#e3e5e8"></i>${rest} not run: ${c.skip_kinds.length - kinds.length} other reasons</button>` : "");
  $("top").innerHTML = `<h1>${esc(D.title)}</h1><div class="root">docs root: ${esc(D.root || ".")}</div>
  <div class="figures" id="figures"><span><b>${g.pages}</b> pages</span><span><b>${c.blocks}</b> blocks</span>
  <span><b>${c.ran}</b> ran (${c.percent.toFixed(1)}%)</span><span><b style="color:#c62828">${c.failed + c.error}</b> failed</span>
  <span><b>${c.passed}</b> passed</span><span><b>${c.skipped}</b> not run</span>
  <span><b>${g.findings.error}</b> errors, <b>${g.findings.warning}</b> warnings</span>
  <span class="muted">${esc(g.executor)} executor, -j ${g.jobs}, ${g.duration_s.toFixed(1)} s</span></div>
  <div class="bar" id="coverage">${bar}</div><div class="legend">${legend}</div>`;
}
function filters() {
  const opt = (v, label, cur) => `<option value="${esc(v)}"${v === (cur || "") ? " selected" : ""}>${esc(label)}</option>`;
  const sel = (k, label, items) => `<select id="f-${k}" data-f="${k}" aria-label="${label}">${opt("", label + ": all", F[k])}${items.map(([v, l]) => opt(v, l, F[k])).join("")}</select>`;
  const rules = Object.entries(D.rules).sort((a, b) => b[1].count - a[1].count).map(([r, x]) => [r, `${r} ${x.name} (${x.count})`]);
  const folders = [...new Set(FOLDER)].sort().map((f) => [f, f]);
  $("filters").innerHTML = sel("status", "status", [["failed", "failed"], ["warning", "with warnings"], ["passed", "passed"], ["skipped", "not run"]])
    + sel("rule", "rule", rules) + sel("lang", "language", COLS.map((c) => [c, c])) + sel("folder", "folder", folders)
    + `<input id="f-q" data-f="q" type="search" placeholder="search pages, code, messages" value="${esc(F.q)}">`
    + (F.why ? `<span class="pill">not run: ${esc(F.why)} <a data-k="why" data-v="">×</a></span>` : "")
    + `<button id="clear">clear</button><span class="count" id="count"></span>`;
}
function linkTo(i) { return `<a data-b="${i}">${esc(where(B[i]))}</a>`; }
function groups(sev, shown) {
  const by = new Map();
  for (const i of shown) {
    const b = B[i], found = sev === "skipped" ? (b.k ? [{r: b.k, n: "", c: b.r}] : [])
      : b.s === "error" && sev === "error" ? [{r: "HARNESS", n: "harness error", c: b.r}] : b.f.filter((f) => f.v === sev);
    for (const f of found) {
      if (F.rule && sev !== "skipped" && f.r !== F.rule) continue;
      const r = by.get(f.r) || by.set(f.r, {name: f.n, n: 0, causes: new Map()}).get(f.r);
      r.n++; (r.causes.get(f.c) || r.causes.set(f.c, []).get(f.c)).push(i);
    }
  }
  return [...by.entries()].sort((a, b) => b[1].n - a[1].n).map(([rule, g]) => `<details class="rule ${sev}" ${sev === "error" || F.why ? "open" : ""} data-rule="${esc(rule)}">
    <summary>${sev === "skipped" ? `${g.n} × ${esc(rule)}` : `${esc(rule)} ${esc(g.name)} · ${g.n} ${sev === "error" ? "failure" : "warning"}${g.n > 1 ? "s" : ""}`}</summary>
    ${[...g.causes.entries()].sort((a, b) => b[1].length - a[1].length).map(([cause, ids]) => `<div class="cause"><div class="text" title="${esc(cause)}"><b>${ids.length} ×</b> ${esc(cause)}</div>
    <div class="links">${ids.slice(0, 200).map(linkTo).join("")}${ids.length > SHOW ? `<a data-more>+ ${ids.length - SHOW} more</a>` : ""}</div></div>`).join("")}</details>`).join("");
}
function failures(shown) {
  const errs = groups("error", shown), warns = groups("warning", shown), skips = groups("skipped", shown);
  $("failures").innerHTML = `<h2>Fix first: failures by rule and cause</h2>${errs || '<p class="muted">No failures in this view.</p>'}`
    + (warns ? `<details><summary><b>Warnings</b></summary>${warns}</details>` : "")
    + (skips ? `<details id="skips" ${F.status === "skipped" || F.why ? "open" : ""}><summary><b>Not run, by reason</b></summary>${skips}</details>` : "");
  const pf = D.page_findings.filter((f) => f.v !== "info" && (!F.rule || f.r === F.rule) && (!F.folder || (D.pages[f.p] || "").startsWith(F.folder)));
  $("problems").innerHTML = pf.length ? `<details><summary><b>Page problems (${pf.length})</b></summary><ul>${pf.slice(0, 500).map((f) => `<li class="sev-${f.v}">${esc(f.r)} ${esc(f.m)}</li>`).join("")}</ul></details>` : "";
}

let rows = [], drawn = "";
function buildRows(shown) {
  const per = new Map();
  for (const i of shown) (per.get(B[i].p) || per.set(B[i].p, []).get(B[i].p)).push(i);
  const pages = D.pages.map((_, p) => p).filter((p) => per.has(p) || !Object.keys(F).length);
  const byFolder = new Map();
  for (const p of pages) (byFolder.get(FOLDER[p]) || byFolder.set(FOLDER[p], []).get(FOLDER[p])).push(p);
  rows = [];
  for (const f of [...byFolder.keys()].sort()) {
    const ps = byFolder.get(f).sort((a, b) => D.pages[a] < D.pages[b] ? -1 : 1), ids = ps.flatMap((p) => per.get(p) || []);
    rows.push({folder: f, pages: ps.length, ids});
    if (!collapsed.has(f)) for (const p of ps) rows.push({page: p, ids: per.get(p) || []});
  }
  $("mbody").style.height = rows.length * ROW + "px"; drawn = ""; draw();
}
function chips(ids) {
  if (ids.length > 3) return ids.slice(0, 10).map((i) => `<a class="k dot s-${B[i].s}" data-b="${i}" title="${esc(where(B[i]))}: ${B[i].s}"></a>`).join("") + (ids.length > 10 ? `<span class="n">+${ids.length - 10}</span>` : "");
  return ids.map((i) => `<a class="k s-${B[i].s}" data-b="${i}" title="${esc(where(B[i]))}: ${B[i].s}${B[i].r ? " (" + esc(B[i].r) + ")" : ""}">${esc(B[i].t || ":" + B[i].l)}</a>`).join("");
}
function rowHtml(r, y) {
  const cells = COLS.map((c) => r.ids.filter((i) => B[i].c === c));
  if (r.folder !== undefined) {
    const n = (s) => r.ids.filter((i) => s === "failed" ? bad(B[i]) : B[i].s === s).length;
    return `<div class="mrow folder" data-folder="${esc(r.folder)}" style="top:${y}px"><div style="grid-column:1/-1">${collapsed.has(r.folder) ? "▸" : "▾"} ${r.folder === "." ? "(docs root)" : esc(r.folder) + "/"} <span class="n">${r.pages} page${r.pages > 1 ? "s" : ""} · ${n("failed")} failed · ${n("passed")} passed · ${n("skipped")} not run</span></div></div>`;
  }
  const name = D.pages[r.page].slice(D.pages[r.page].lastIndexOf("/") + 1);
  return `<div class="mrow" style="top:${y}px"><div class="page" title="${esc(D.pages[r.page])}">${esc(name)}</div>${cells.map((ids) => `<div>${chips(ids)}</div>`).join("")}</div>`;
}
function draw() {
  const top = $("mbody").getBoundingClientRect().top;
  const first = Math.max(0, Math.floor(-top / ROW) - 15), last = Math.min(rows.length, Math.ceil((innerHeight - top) / ROW) + 15);
  const key = first + ":" + last;
  if (key === drawn) return;
  drawn = key;
  $("mbody").innerHTML = rows.slice(first, last).map((r, k) => rowHtml(r, (first + k) * ROW)).join("");
}

function pane() {
  const el = $("pane");
  if (!(open >= 0 && open < B.length)) { el.className = ""; el.innerHTML = ""; return; }
  const b = B[open], code = b.code.split("\n").map((t, k) => `<span class="ln">${b.l + k}</span>${esc(t)}`).join("\n");
  const exp = b.f.map((f) => `<tr><td class="sev-${f.v}">${esc(f.v)}</td><td>${esc(f.r)} ${esc(f.n)}</td><td>${esc(f.c)}${f.e !== undefined ? `<table class="exp"><tr><th>expected</th><td>${esc(f.e)}</td></tr><tr><th>actual</th><td>${esc(f.a)}</td></tr></table>` : ""}</td></tr>`).join("");
  const reqs = b.q.map((q) => `<details><summary>${esc(q.v)} ${esc(q.m)} ${esc(q.u)} → ${q.s}${q.mo ? " (" + esc(q.mo) + ")" : ""}</summary><pre>${esc(q.h)}\n\n${esc(q.j)}</pre>${q.e ? `<p class="sev-error">${esc(q.e)}</p>` : ""}</details>`).join("");
  el.className = "open";
  el.innerHTML = `<button class="close" aria-label="close" data-close>×</button><h3><span class="status s-${b.s}">${b.s}</span> ${esc(where(b))}</h3>
  <div class="muted">${esc(b.lang || "no language")} · column ${esc(b.c)}${b.run ? " · runner " + esc(b.run) : ""}${b.x !== null && b.x !== undefined ? " · exit " + b.x : ""}${b.d ? " · " + b.d + " s" : ""}${b.fl ? " · flaky" : ""}${b.ca ? " · cached" : ""}${b.se ? " · " + esc(b.se) : ""}</div>
  ${b.r ? `<p class="reason"><b>${b.s === "skipped" ? "Not run" : "Why"}:</b> ${esc(b.r)}</p>` : ""}
  ${exp ? `<h4>Findings</h4><table class="exp">${exp}</table>` : ""}
  <h4>Code</h4><pre class="code">${code}</pre>
  ${b.ra !== undefined ? `<h4>Ran as ${esc(b.rah)}</h4><pre class="code">${esc(b.ra)}</pre>` : ""}
  ${reqs ? `<h4>Requests (${b.q.length})</h4>${reqs}` : b.run ? "<p class='muted'>No requests reached the mock.</p>" : ""}
  ${b.w ? `<h4>Worker answer ${b.w.s}</h4><pre>${esc(b.w.b)}</pre>` : ""}
  ${b.o ? `<h4>stdout</h4><pre>${esc(b.o)}</pre>` : ""}${b.er ? `<h4>stderr</h4><pre>${esc(b.er)}</pre>` : ""}`;
}

function update() {
  const shown = []; for (let i = 0; i < B.length; i++) if (matches(B[i], i)) shown.push(i);
  $("count").textContent = `${shown.length} of ${B.length} blocks`;
  failures(shown); buildRows(shown); pane();
}
function set(k, v) { if (v) F[k] = v; else delete F[k]; writeHash(); filters(); update(); }
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-b],[data-k],[data-folder],[data-close],[data-more],#clear");
  if (!t) return;
  e.preventDefault();
  if (t.dataset.b !== undefined) { open = Number(t.dataset.b); writeHash(); pane(); }
  else if (t.dataset.k) set(t.dataset.k, t.dataset.v);
  else if (t.dataset.folder !== undefined) { const f = t.dataset.folder; collapsed.has(f) ? collapsed.delete(f) : collapsed.add(f); update(); }
  else if (t.dataset.more !== undefined) { t.parentElement.classList.add("all"); t.remove(); }
  else if (t.dataset.close !== undefined) { open = -1; writeHash(); pane(); }
  else { F = {}; writeHash(); filters(); update(); }
});
let typing;
document.addEventListener("input", (e) => { const k = e.target.dataset.f; if (!k) return; clearTimeout(typing); typing = setTimeout(() => { if (e.target.value) F[k] = e.target.value; else delete F[k]; writeHash(); update(); }, k === "q" ? 150 : 0); });
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && open >= 0) { open = -1; writeHash(); pane(); } });
addEventListener("scroll", () => requestAnimationFrame(draw), {passive: true});
addEventListener("resize", () => { drawn = ""; draw(); });
addEventListener("hashchange", () => { readHash(); filters(); update(); });
readHash(); header(); filters();
$("mhead").innerHTML = `<div>page</div>${COLS.map((c) => `<div>${c}</div>`).join("")}`;
document.documentElement.style.setProperty("--filters", $("filters").offsetHeight + "px");
update();
document.body.dataset.ready = "1";
})();
