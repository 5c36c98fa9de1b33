// The IS rep's page: pick or paste a hand-off, score it, read why and what to ask.
// Plain JavaScript, no build step and no CDN; it calls the same /v1 routes a CRM does.
"use strict";

const T = {
  ja: {
    title: "トスアップ判定", input: "入力", pick: "データからリードを選ぶ",
    search: "ID・会社名・業種で検索", all: "すべて", open: "未トスアップ",
    handed_off: "トスアップ済", won: "受注", lost: "失注", company: "会社名",
    industry: "業種", region: "地域", employees: "従業員数", role: "担当者の立場",
    decision_maker: "決裁者", influencer: "影響者", staff: "担当", source: "獲得経路",
    memo: "トスアップメモ（テンプレート・自由記述・JSON）", events: "行動ログ",
    asof: "基準日時", score: "判定する", clear: "クリア", apikey: "API キー（必要な場合）",
    prob: "受注確率", grade: "グレード", rubric: "100点スコア（ルール）",
    breakdown: "100点スコアの内訳", missing: "足りない情報（集めると変わること）",
    element: "要素", status: "状態", gain: "確率の変化", points: "配点", question: "聞くこと",
    positive: "プラス要因", negative: "マイナス要因", timing: "トスアップのタイミング",
    vague: "あいまい", not_obtained: "未取得", empty: "未記入", gatePass: "ゲート: 通過", gateFail: "ゲート: 未通過 — ",
    nothingMissing: "足りない要素はありません。", scoring: "判定中…",
    found: (n) => `${n} 件`, noModel: "モデル未読込", model: "モデル",
    now: "現在", nextElement: "次に集める情報", trend: "傾向（週あたり）",
    noTiming: "タイミング判定は利用できません: ",
    adjusted: "調整後の効果", notTold: "ゼロと区別できません", fragile: "隠れた要因で消えうる",
    robust: "頑健", noEffect: "調整後の効果：推定できません",
  },
  en: {
    title: "Hand-off readiness", input: "Input", pick: "Pick a lead from the data",
    search: "Search id, company or industry", all: "All", open: "Open",
    handed_off: "Handed off", won: "Won", lost: "Lost", company: "Company",
    industry: "Industry", region: "Region", employees: "Employees", role: "Contact's role",
    decision_maker: "Decision maker", influencer: "Influencer", staff: "Staff",
    source: "Lead source", memo: "Hand-off memo (template, free text or JSON)",
    events: "Behaviour events", asof: "As of", score: "Score", clear: "Clear",
    apikey: "API key (if required)", prob: "Win probability", grade: "Grade",
    rubric: "100-point score (rules)", breakdown: "100-point breakdown",
    missing: "Missing information (and what collecting it would change)",
    element: "Element", status: "Status", gain: "Change in probability", points: "Points",
    question: "What to ask", positive: "Working for it", negative: "Working against it",
    timing: "When to hand off", vague: "vague", not_obtained: "not obtained", empty: "empty",
    gatePass: "Gate: passed", gateFail: "Gate: not passed — ",
    nothingMissing: "Nothing is missing.", scoring: "Scoring…",
    found: (n) => `${n} found`, noModel: "no model loaded", model: "model",
    now: "now", nextElement: "Collect next", trend: "Trend (per week)",
    noTiming: "Timing advice is not available: ",
    adjusted: "adjusted effect", notTold: "not told apart from zero",
    fragile: "a hidden cause could erase it", robust: "robust",
    noEffect: "adjusted effect: cannot be told",
  },
};

const state = { lang: localStorage.getItem("readiness.lang") || "ja", picked: null,
  events: [], asOf: null, lastScore: null, lastTiming: null, lastError: null };
const $ = (id) => document.getElementById(id);
const t = (key) => T[state.lang][key];
const pct = (p) => `${(100 * p).toFixed(1)}%`;
const pp = (d) => `${d >= 0 ? "+" : "−"}${Math.abs(100 * d).toFixed(1)} pt`;

// A missing element's adjusted effect (double ML at training) with its interval.
function effectText(m) {
  if (m.effect === null || m.effect === undefined) return t("noEffect");
  const verdict = m.effect_robust ? t("robust") : m.effect_told ? t("fragile") : t("notTold");
  return `${t("adjusted")} ${pp(m.effect)} [${pp(m.effect_low)}, ${pp(m.effect_high)}] · ${verdict}`;
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  document.querySelectorAll("[data-i18n-ph]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPh);
  });
  $("lang").textContent = state.lang === "ja" ? "English" : "日本語";
  if (state.lastScore) renderScore(state.lastScore);
  if (state.lastTiming) renderTiming(state.lastTiming);
  if (state.lastError) renderError(state.lastError);
}

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  const key = $("api-key").value || localStorage.getItem("readiness.key") || "";
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(path, { ...options, headers });
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { ok: response.ok, status: response.status, body };
}

function problems(body, status) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => {
      const where = (d.loc || []).filter((x) => x !== "body").join(".");
      const msg = state.lang === "ja" ? (d.msg_ja || d.msg_en || d.msg) : (d.msg_en || d.msg);
      return where ? `${where}: ${msg}` : msg;
    }).join("\n");
  }
  return `HTTP ${status}`;
}

// --- picking a lead -----------------------------------------------------------------

let searchTimer = null;
let searchSeq = 0;
async function searchLeads() {
  const q = encodeURIComponent($("lead-q").value);
  const status = $("lead-status").value;
  const seq = ++searchSeq;
  const r = await api(`/v1/leads?q=${q}&status=${status}&limit=100`);
  if (seq !== searchSeq) return;  // a newer search is under way: its answer wins
  const list = $("lead-list");
  list.innerHTML = "";
  if (!r.ok) {
    $("lead-msg").textContent = problems(r.body, r.status);
    return;
  }
  $("lead-msg").textContent = t("found")(r.body.total);
  for (const lead of r.body.leads) {
    const li = document.createElement("li");
    li.dataset.leadId = lead.lead_id;
    li.textContent = `${lead.lead_id} ${lead.company_name || ""} `;
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = `${lead.industry || ""} · ${t(lead.status)}`;
    li.appendChild(tag);
    li.addEventListener("click", () => pickLead(lead.lead_id, li));
    list.appendChild(li);
  }
}

async function pickLead(leadId, li) {
  document.querySelectorAll("#lead-list li").forEach((x) => x.classList.remove("on"));
  if (li) li.classList.add("on");
  const r = await api(`/v1/leads/${encodeURIComponent(leadId)}`);
  if (!r.ok) { renderError(problems(r.body, r.status)); return; }
  const req = r.body;
  state.picked = req;
  state.events = req.events || [];
  state.asOf = req.as_of;
  for (const f of ["company_name", "industry", "region", "employees", "contact_role", "lead_source"]) {
    $(f).value = req.lead[f] ?? "";
  }
  $("memo").value = typeof req.memo === "string" ? req.memo : (req.memo ? JSON.stringify(req.memo, null, 2) : "");
  showContext();
  await score();
}

function showContext() {
  $("event-count").textContent = String(state.events.length);
  $("as-of-label").textContent = state.asOf ? state.asOf.replace("T", " ").slice(0, 16) : t("now");
}

// --- scoring ------------------------------------------------------------------------

function requestBody() {
  const lead = { ...(state.picked ? state.picked.lead : {}) };
  for (const f of ["company_name", "industry", "region", "contact_role", "lead_source"]) {
    const v = $(f).value.trim();
    if (v) lead[f] = v; else delete lead[f];
  }
  const employees = $("employees").value;
  if (employees !== "") lead.employees = Number(employees); else delete lead.employees;
  const memo = $("memo").value;
  return {
    lead,
    events: state.events,
    memo: memo.trim() ? memo : null,
    as_of: state.asOf,
    is_rep: state.picked ? state.picked.is_rep : null,
    fs_rep: state.picked ? state.picked.fs_rep : null,
  };
}

async function score(event) {
  if (event) event.preventDefault();
  const key = $("api-key").value;
  if (key) localStorage.setItem("readiness.key", key);
  const button = $("score");
  button.disabled = true;
  button.textContent = t("scoring");
  $("result").hidden = false;
  try {
    const body = requestBody();
    const r = await api("/v1/score", { method: "POST", body: JSON.stringify({ ...body, explain: true }) });
    if (!r.ok) { renderError(problems(r.body, r.status)); return; }
    state.lastError = null;
    state.lastScore = r.body;
    renderScore(r.body);
    const timing = await api("/v1/timing", { method: "POST", body: JSON.stringify(body) });
    state.lastTiming = timing;
    renderTiming(timing);
  } catch (err) {
    renderError(String(err));
  } finally {
    button.disabled = false;
    button.textContent = t("score");
  }
}

function renderError(text) {
  state.lastError = text;
  $("answer").hidden = true;
  $("error").hidden = false;
  $("error").textContent = text;
}

function label(obj, base = "label") {
  return state.lang === "ja" ? obj[`${base}_ja`] : obj[`${base}_en`];
}

function renderScore(s) {
  $("error").hidden = true;
  $("answer").hidden = false;
  $("probability").textContent = pct(s.probability);
  const grade = $("grade");
  grade.textContent = s.grade;
  grade.className = `grade ${s.grade}`;
  $("rubric-total").textContent = `${Math.round(s.rubric_total)}`;
  $("band").textContent = state.lang === "ja" ? s.rubric_band_ja : s.rubric_band_en;
  $("gate").textContent = s.gate_passed
    ? t("gatePass")
    : t("gateFail") + s.gate_failures.map((g) => (state.lang === "ja" ? g.ja : g.en)).join(" / ");
  drawChart(s.rubric_items);
  const body = document.querySelector("#missing tbody");
  body.innerHTML = "";
  if (!s.missing.length) {
    const tr = body.insertRow();
    const td = tr.insertCell();
    td.colSpan = 5;
    td.textContent = t("nothingMissing");
  }
  for (const m of s.missing) {
    const tr = body.insertRow();
    tr.insertCell().textContent = label(m);
    tr.insertCell().textContent = t(m.status);
    const gain = tr.insertCell();
    gain.className = `num ${m.gain >= 0 ? "up" : "down"}`;
    gain.textContent = `${pp(m.gain)} → ${pct(m.probability_if_collected)}`;
    const effect = document.createElement("div");
    effect.className = "effect";
    effect.textContent = effectText(m);
    gain.appendChild(effect);
    const pts = tr.insertCell();
    pts.className = "num";
    pts.textContent = `+${m.rubric_points.toFixed(1)}`;
    tr.insertCell().textContent = state.lang === "ja" ? m.question_ja : m.question_en;
  }
  for (const [id, factors] of [["positive", s.positive], ["negative", s.negative]]) {
    const ul = $(id);
    ul.innerHTML = "";
    for (const f of factors) {
      const li = document.createElement("li");
      const value = f.value === null || f.value === undefined ? "" :
        ` (${typeof f.value === "number" ? +f.value.toFixed(2) : f.value})`;
      li.textContent = `${label(f)}${value}`;
      ul.appendChild(li);
    }
  }
  $("warnings").textContent = (s.warnings || []).join(" · ");
}

function drawChart(items) {
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.innerHTML = "";
  const width = svg.clientWidth || 520;
  const labelW = Math.min(200, width * 0.38);
  const barW = width - labelW - 70;
  const rowH = 34;
  svg.setAttribute("viewBox", `0 0 ${width} ${rowH * items.length + 6}`);
  svg.style.height = `${rowH * items.length + 6}px`;
  items.forEach((item, i) => {
    const y = i * rowH + 4;
    const add = (tag, attrs, text) => {
      const el = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (text !== undefined) el.textContent = text;
      svg.appendChild(el);
      return el;
    };
    add("text", { x: 0, y: y + 18, "font-size": 12, fill: "#1d2733" }, label(item));
    add("rect", { x: labelW, y: y + 4, width: barW, height: 20, rx: 3, fill: "#eef1f5" });
    const share = item.max > 0 ? item.points / item.max : 0;
    add("rect", { x: labelW, y: y + 4, width: Math.max(0, barW * share), height: 20, rx: 3,
      fill: share >= 0.8 ? "#1a7f37" : share >= 0.5 ? "#1f6feb" : "#cf222e",
      class: "bar" });
    add("text", { x: labelW + barW + 8, y: y + 18, "font-size": 12, fill: "#1d2733" },
      `${+item.points.toFixed(1)} / ${item.max}`);
  });
}

function renderTiming(r) {
  const box = $("timing");
  box.className = "timing";
  if (!r.ok) {
    box.classList.add("muted");
    box.textContent = t("noTiming") + problems(r.body, r.status);
    return;
  }
  const a = r.body;
  box.classList.add(a.action);
  box.innerHTML = "";
  const head = document.createElement("b");
  head.textContent = state.lang === "ja" ? a.action_ja : a.action_en;
  box.appendChild(head);
  const facts = [`${t("prob")}: ${pct(a.probability)}`];
  if (a.trend_per_week !== null && a.trend_per_week !== undefined) {
    facts.push(`${t("trend")}: ${pp(a.trend_per_week)}`);
  }
  if (a.next_element) {
    facts.push(`${t("nextElement")}: ${label(a.next_element)} (${pp(a.next_element.gain)})`);
  }
  const p = document.createElement("div");
  p.textContent = facts.join(" · ");
  box.appendChild(p);
  const ul = document.createElement("ul");
  for (const reason of a.reasons || []) {
    const li = document.createElement("li");
    li.textContent = state.lang === "ja" ? reason.ja : reason.en;
    ul.appendChild(li);
  }
  box.appendChild(ul);
}

// --- start --------------------------------------------------------------------------

async function start() {
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "ja" ? "en" : "ja";
    localStorage.setItem("readiness.lang", state.lang);
    applyLanguage();
  });
  $("form").addEventListener("submit", score);
  $("clear").addEventListener("click", () => {
    state.picked = null; state.events = []; state.asOf = null;
    $("memo").value = ""; showContext();
  });
  $("lead-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchLeads, 250);
  });
  $("lead-status").addEventListener("change", searchLeads);
  $("api-key").value = localStorage.getItem("readiness.key") || "";
  applyLanguage();
  showContext();
  const spec = await api("/openapi.json");
  const example = spec.ok && spec.body.components.schemas.ScoreIn.examples
    ? spec.body.components.schemas.ScoreIn.examples[0] : null;
  if (example) {
    for (const f of ["company_name", "industry", "region", "employees", "contact_role", "lead_source"]) {
      $(f).value = example.lead[f] ?? "";
    }
    $("memo").value = example.memo || "";
    state.events = example.events || [];
    state.asOf = example.as_of || null;
    showContext();
  }
  const model = await api("/v1/model");
  $("model-info").textContent = model.ok
    ? `${t("model")}: ${model.body.name} ${model.body.version ? "v" + model.body.version : ""} (${model.body.served})`
    : t("noModel");
  searchLeads();
}

start();
