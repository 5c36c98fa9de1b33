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
    keyNeeded: "API キーが必要です。キーを入力して Enter を押してください（API key required）。",
    keyWrong: "API キーが正しくありません。もう一度入力してください（wrong API key）。",
    keyApply: "キーを使う", keyShort: "API キーが必要です",
    days: (n) => `${n}日`, months: (n) => `${n}か月`, people: (n) => `${n}名`,
    yes: "あり", no: "なし", unseen: "学習データにない値：不明として判定",
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
    keyNeeded: "An API key is required: type it and press Enter (API キーが必要です).",
    keyWrong: "That API key is not accepted: type it again (API キーが正しくありません).",
    keyApply: "Use key", keyShort: "API key required",
    days: (n) => `${n} day${n === 1 ? "" : "s"}`, months: (n) => `${n} month${n === 1 ? "" : "s"}`,
    people: (n) => `${n}`, yes: "yes", no: "no",
    unseen: "not seen in training: scored as unknown",
  },
};

// The data's codes and Japanese names, in both languages (shown as given when unknown).
const CODES = {
  industry: {
    manufacturing: ["製造業", "Manufacturing"], it_services: ["IT・ソフトウェア", "IT services"],
    retail: ["小売業", "Retail"], finance: ["金融業", "Finance"],
    healthcare: ["医療・ヘルスケア", "Healthcare"], logistics: ["物流", "Logistics"],
    construction: ["建設業", "Construction"],
    professional_services: ["士業・コンサル", "Professional services"],
  },
  region: {
    関東: ["関東", "Kanto"], 関西: ["関西", "Kansai"], 中部: ["中部", "Chubu"],
    九州: ["九州", "Kyushu"], 東北: ["東北", "Tohoku"], 北海道: ["北海道", "Hokkaido"],
    "中国・四国": ["中国・四国", "Chugoku-Shikoku"], 東京都: ["東京都", "Tokyo"],
  },
  lead_source: {
    inquiry: ["問い合わせ", "Inquiry"], download: ["資料ダウンロード", "Download"],
    seminar: ["セミナー", "Seminar"], ad: ["広告", "Ad"], trade_show: ["展示会", "Trade show"],
    referral: ["紹介", "Referral"], outbound: ["アウトバウンド", "Outbound"],
  },
  contact_role: {
    decision_maker: ["決裁者", "Decision maker"], influencer: ["影響者", "Influencer"],
    staff: ["担当", "Staff"],
  },
};
// Also reverse: a Japanese name (製造業) shown in English.
for (const table of Object.values(CODES)) {
  for (const [ja, en] of Object.values(table)) if (!(ja in table)) table[ja] = [ja, en];
}
function codeName(kind, value) {
  if (value === null || value === undefined || value === "") return "";
  const names = CODES[kind] && CODES[kind][value];
  return names ? names[state.lang === "ja" ? 0 : 1] : String(value);
}

// The server's warnings are English; each one the API gives reads in Japanese too.
const FIELD_JA = { industry: "業種", region: "地域", lead_source: "獲得経路", contact_role: "担当者の立場" };
function fieldJa(path) {
  if (path in FIELD_JA) return FIELD_JA[path];
  const extra = path.match(/^attributes\.(.+)$/);
  return extra ? `追加属性「${extra[1]}」` : path;
}
// lead.industry '製造業' was never seen in training: scored as unknown (values the model knows: …)
const UNSEEN = /^lead\.(.+?) (['"])(.*)\2 was never seen in training: scored as unknown \(values the model knows: (.*)\)$/s;
const WARNINGS_JA = [
  [/^served by the calibrated rubric/, () => "校正済みのルール（100点スコア）で判定しています。要因はモデルの寄与ではなく、ルール項目の得点（平均的なトスアップとの比較）です"],
  [/^(\d+) lead attributes the model uses were not given \((.*)\): scored as unknown/, (m) => `モデルが使うリード属性 ${m[1]} 件が送られていません（${m[2]}）。不明として判定しました。lead.attributes で送ってください`],
  [UNSEEN, (m) => {
    // a code with its name, so the rep sees what to type: manufacturing（製造業）
    const named = (v) => { const n = codeName(m[1], v); return n === v || v === "…" ? v : `${v}（${n}）`; };
    const known = m[4].split(", ").map(named).join("、");
    return `${fieldJa(m[1])}「${m[3]}」は学習データにない値です。不明として判定しました（モデルが知っている値: ${known}）`;
  }],
  [/^as_of \((.+?)\) is before the lead was created \((.+?)\)/, (m) => `基準日時（${m[1]}）がリードの作成日時（${m[2]}）より前です。作成前のリードとして判定しました。基準日時と lead.created_at を確認してください`],
  [/^(\d+) event\(s\) at or after as_of \((.+?)\) are not counted \((.*)\); score as of a later moment/, (m) => `基準日時（${m[2]}）以降の行動ログ ${m[1]} 件は数えていません（${m[3]}）。数えるには、より後の基準日時で判定してください`],
  [/^lead (.+) is not in the data/, (m) => `リード ${m[1]} はデータにありません。リードの特徴量なしで判定しました`],
  [/^no timing advice/, () => "タイミング判定はできません。`readiness train`（または `readiness timing DATA_DIR`）でタイミングモデルをモデルの隣に保存してください"],
  [/^no hand-off memo: every information element is missing/, () => "トスアップメモがありません。すべての情報要素を未記入として判定しました"],
  [/^no memo draft/, () => "メモの下書きがありません。集める情報は、まだ何も書かれていない前提で選んでいます"],
  [/^unknown section heading (.*)/, (m) => `メモの見出し ${m[1]} は認識できません`],
  [/^unknown key (.*) ignored/, (m) => `メモの JSON キー ${m[1]} は無視しました`],
  [/^JSON nested too deeply/, () => "メモの JSON が深すぎます。内側の値は無視しました"],
  [/^memo looks like JSON but is not valid JSON/, () => "メモは JSON に見えますが正しくありません。テキストとして読みました"],
  [/^memo is not text/, () => "メモがテキストではありません。空として扱いました"],
  [/^memo has ([\d,]+) characters; only the first ([\d,]+) are read/, (m) => `メモが ${m[1]} 文字あります。先頭の ${m[2]} 文字だけを読みました`],
  [/^memo could not be read \((\w+)\)/, (m) => `メモを読めませんでした（${m[1]}）。空として扱いました`],
  [/^unsupported memo type (\w+)/, (m) => `メモの形式（${m[1]}）には対応していません。テキストとして読みました`],
  [/^meeting date has no year or is not a valid date/, () => "商談日時に年がないか、日付として正しくありません"],
  [/^bytes are neither UTF-8 nor cp932/, () => "メモの文字コードが UTF-8 でも cp932 でもありません。読めない文字は置き換えました"],
];
function warningText(w) {
  if (state.lang !== "ja" || typeof w !== "string") return w && w.ja && w.en ? (state.lang === "ja" ? w.ja : w.en) : w;
  const said = w.replace(/^memo: /, "");  // the memo's own warnings say which memo
  for (const [re, fn] of WARNINGS_JA) {
    const m = said.match(re);
    if (m) return fn(m);
  }
  return w;
}
// The input fields whose value the model never saw, from a score's warnings.
function unseenFields(warnings) {
  const out = {};
  for (const w of warnings || []) {
    const m = typeof w === "string" && w.match(UNSEEN);
    if (m && NOTED.includes(m[1])) out[m[1]] = m[3];
  }
  return out;
}

// A factor in business units: 予算 約400万円, 従業員 22名, whole days.
const FACTOR_NAMES = {
  memo_log_budget_jpy: ["予算", "Budget"],
  memo_urgency: ["緊急度", "Urgency"],
  log_employees: ["従業員", "Employees"],
  log_annual_revenue: ["売上高", "Annual revenue"],
};
// yes/no features (1 or 0)
const BINARY = new Set(["memo_budget_secured", "memo_meeting_has_date", "memo_meeting_agreed",
  "memo_meeting_visit", "memo_meeting_online", "memo_no_competitor", "memo_differences_asked",
  "memo_decision_maker_named", "senior_title", "rubric_gate_passed"]);
function yen(amount) {
  const round2 = (x) => (x >= 100 ? Math.round(x) : +x.toPrecision(2));
  if (state.lang === "ja") {
    if (amount >= 1e8) return `約${round2(amount / 1e8)}億円`;
    if (amount >= 1e4) return `約${round2(amount / 1e4)}万円`;
    return `約${Math.round(amount)}円`;
  }
  if (amount >= 1e9) return `about ¥${round2(amount / 1e9)}bn`;
  if (amount >= 1e6) return `about ¥${round2(amount / 1e6)}M`;
  if (amount >= 1e3) return `about ¥${round2(amount / 1e3)}k`;
  return `about ¥${Math.round(amount)}`;
}
function factorValue(f) {
  const v = f.value;
  if (v === null || v === undefined || v === "") return "";
  if (typeof v !== "number") {
    for (const kind of Object.keys(CODES)) if (f.name === kind) return codeName(kind, v);
    return String(v);
  }
  const unlog = (x) => Math.max(0, 10 ** x - 1);
  if (f.name === "memo_log_budget_jpy") return yen(unlog(v));
  if (f.name === "log_annual_revenue") return yen(unlog(v) * 1e6);
  if (f.name === "memo_urgency") {
    const level = [["低", "low"], ["中", "medium"], ["高", "high"]][Math.round(v)];
    if (level) return level[state.lang === "ja" ? 0 : 1];
  }
  if (BINARY.has(f.name) && (v === 0 || v === 1)) return t(v ? "yes" : "no");
  if (/share/.test(f.name) && v >= 0 && v <= 1) return `${Math.round(100 * v)}%`;
  if (f.name === "log_employees") return t("people")(Math.round(unlog(v)));
  if (/days/.test(f.name)) return t("days")(Math.round(v));
  if (/months/.test(f.name)) return t("months")(Math.round(v));
  if (/^log_/.test(f.name)) return `${+unlog(v).toPrecision(3)}`;
  return `${+v.toFixed(2)}`;
}
function factorLabel(f) {
  const named = FACTOR_NAMES[f.name];
  if (named) return named[state.lang === "ja" ? 0 : 1];
  return label(f)
    .replace(/[（(][^（）()]*log10[）)]/, "").replace(/,? ?log10/, "")
    .replace(/[（(][^（）()]*\b0 [^（）()]*[）)]/, "")  // the codes' key: （1 確保・0 未確保）
    .trim();
}
// Reps never see a rep (their own or a colleague's name) as a reason; a plus factor
// "nothing written" (a count or length of 0) reads as praise for an empty memo.
function shownFactor(f, positive) {
  if (f.group === "reps" || f.name === "is_rep" || f.name === "fs_rep") return false;
  if (positive && f.value === 0 && !/days/.test(f.name)) return false;
  return true;
}

const state = { lang: localStorage.getItem("readiness.lang") || "ja", picked: null,
  events: [], asOf: null, lastScore: null, lastTiming: null, lastError: null,
  leads: null, model: null, keyAsked: false, unseen: {} };
const $ = (id) => document.getElementById(id);
const t = (key) => T[state.lang][key];
const pct = (p) => `${(100 * p).toFixed(1)}%`;
// Shown after the probability: "62.0% (55–69%)" / 「62.0%（55〜69%）」, its interval
// (docs/intervals.md); nothing when the model was trained without one.
function intervalText(low, high) {
  if (low == null || high == null) return "";
  const lo = (100 * low).toFixed(0);
  const hi = (100 * high).toFixed(0);
  return state.lang === "ja" ? `（${lo}〜${hi}%）` : ` (${lo}–${hi}%)`;
}
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
  document.querySelectorAll("#lead_source option").forEach((o) => {
    if (o.value) o.textContent = codeName("lead_source", o.value);
  });
  if (state.keyAsked) $("key-msg").textContent = t(state.keyAsked);
  renderFieldNotes();
  renderModel();
  if (state.leads) renderLeads(state.leads);
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
  if (response.status === 401) askForKey(key ? "keyWrong" : "keyNeeded");
  return { ok: response.ok, status: response.status, body };
}

// --- the API key: asked for when the server answers 401 -------------------------------

function askForKey(why) {
  state.keyAsked = why;
  $("key-box").hidden = false;
  $("key-msg").hidden = false;
  $("key-msg").textContent = t(why);
  const input = $("api-key");
  if (document.activeElement !== input) input.focus();
}

async function applyKey() {
  const key = $("api-key").value.trim();
  if (key) localStorage.setItem("readiness.key", key); else localStorage.removeItem("readiness.key");
  state.keyAsked = false;
  $("key-msg").hidden = true;
  $("key-msg").textContent = "";
  await Promise.all([loadModel(), searchLeads()]);
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
  if (!r.ok) {
    state.leads = null;
    $("lead-list").innerHTML = "";
    $("lead-msg").textContent = r.status === 401 ? t(state.keyAsked || "keyNeeded") : problems(r.body, r.status);
    return;
  }
  state.leads = r.body;
  renderLeads(r.body);
}

function renderLeads(answer) {
  const list = $("lead-list");
  const on = state.picked ? state.picked.lead.lead_id : null;
  list.innerHTML = "";
  $("lead-msg").textContent = t("found")(answer.total);
  for (const lead of answer.leads) {
    const li = document.createElement("li");
    li.dataset.leadId = lead.lead_id;
    li.textContent = `${lead.lead_id} ${lead.company_name || ""} `;
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = `${codeName("industry", lead.industry)} · ${t(lead.status) || lead.status}`;
    li.appendChild(tag);
    if (lead.lead_id === on) li.classList.add("on");
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
  renderFieldNotes();
  await score();
}

function showContext() {
  $("event-count").textContent = String(state.events.length);
  $("as-of-label").textContent = state.asOf ? state.asOf.replace("T", " ").slice(0, 16) : t("now");
}

// Under a category field: the code's name (manufacturing → 製造業) and, after a score,
// a flag when the model never saw the value (it was scored as unknown).
const NOTED = ["industry", "region", "contact_role", "lead_source"];
function renderFieldNotes() {
  for (const f of NOTED) {
    const input = $(f);
    const note = $(`${f}-note`);
    const value = input.value.trim();
    const unseen = f in state.unseen;
    input.classList.toggle("unseen", unseen);
    note.classList.toggle("unseen", unseen);
    if (unseen) {
      note.textContent = t("unseen");
    } else if (input.tagName === "INPUT") {
      const name = codeName(f, value);
      note.textContent = name && name.toLowerCase() !== value.toLowerCase() ? name : "";
    } else {
      note.textContent = "";
    }
  }
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
  state.unseen = {};
  renderFieldNotes();
  try {
    const body = requestBody();
    const r = await api("/v1/score", { method: "POST", body: JSON.stringify({ ...body, explain: true }) });
    if (!r.ok) { renderError(problems(r.body, r.status)); return; }
    state.lastError = null;
    state.lastScore = r.body;
    state.unseen = unseenFields(r.body.warnings);
    renderFieldNotes();
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
  $("probability-interval").textContent = intervalText(s.probability_low, s.probability_high);
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
    const named = tr.insertCell();
    named.className = "element";
    named.textContent = label(m);
    const status = tr.insertCell();
    status.className = "status";
    status.textContent = t(m.status) || m.status;
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
    const ask = tr.insertCell();
    ask.className = "question";
    ask.textContent = state.lang === "ja" ? m.question_ja : m.question_en;
    const heads = ["element", "status", "gain", "points", "question"];
    Array.from(tr.cells).forEach((td, i) => { td.dataset.label = t(heads[i]); });
  }
  for (const [id, factors] of [["positive", s.positive], ["negative", s.negative]]) {
    const ul = $(id);
    ul.innerHTML = "";
    for (const f of factors) {
      if (!shownFactor(f, id === "positive")) continue;
      const li = document.createElement("li");
      li.dataset.name = f.name;
      const value = factorValue(f);
      li.textContent = value ? `${factorLabel(f)} ${value}` : factorLabel(f);
      ul.appendChild(li);
    }
  }
  $("warnings").textContent = (s.warnings || []).map(warningText).join(" · ");
}

function drawChart(items) {
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.innerHTML = "";
  const width = svg.clientWidth || 520;
  const add = (tag, attrs, text) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    svg.appendChild(el);
    return el;
  };
  // measure the labels: beside the bars when they fit, above them otherwise (never cut)
  svg.setAttribute("viewBox", `0 0 ${width} 40`);
  const widest = Math.max(0, ...items.map((item) => {
    const probe = add("text", { x: 0, y: 20, "font-size": 12 }, label(item));
    const w = probe.getComputedTextLength ? probe.getComputedTextLength() : 7 * label(item).length;
    probe.remove();
    return w;
  }));
  const valueW = 70;
  const beside = widest + 12 <= width * 0.45;
  const labelW = beside ? widest + 12 : 0;
  const barW = Math.max(20, width - labelW - valueW);
  const rowH = beside ? 34 : 46;
  const top = beside ? 4 : 16;
  const height = rowH * items.length + 6;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.style.height = `${height}px`;
  items.forEach((item, i) => {
    const y = i * rowH + 4;
    add("text", { x: 0, y: beside ? y + 18 : y + 10, "font-size": 12, fill: "#1d2733", class: "label" },
      label(item));
    add("rect", { x: labelW, y: y + top, width: barW, height: 20, rx: 3, fill: "#eef1f5" });
    const share = item.max > 0 ? item.points / item.max : 0;
    add("rect", { x: labelW, y: y + top, width: Math.max(0, barW * share), height: 20, rx: 3,
      fill: share >= 0.8 ? "#1a7f37" : share >= 0.5 ? "#1f6feb" : "#cf222e",
      class: "bar" });
    add("text", { x: labelW + barW + 8, y: y + top + 14, "font-size": 12, fill: "#1d2733" },
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
  $("clear").addEventListener("click", clearAll);
  $("api-key").addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); applyKey(); }
  });
  $("key-apply").addEventListener("click", applyKey);
  $("lead-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchLeads, 250);
  });
  $("lead-status").addEventListener("change", searchLeads);
  for (const f of NOTED) {
    // an edited value is no longer the one the flag was about
    $(f).addEventListener("input", () => { delete state.unseen[f]; renderFieldNotes(); });
    $(f).addEventListener("change", () => { delete state.unseen[f]; renderFieldNotes(); });
  }
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
    renderFieldNotes();
  }
  if (localStorage.getItem("readiness.key")) $("key-box").hidden = false;
  await Promise.all([loadModel(), searchLeads()]);
}

async function loadModel() {
  const model = await api("/v1/model");
  state.model = model;
  renderModel();
}

function renderModel() {
  const model = state.model;
  if (!model) { $("model-info").textContent = ""; return; }
  const served = { model: ["モデル", "model"], rubric: ["ルール", "rubric"] }[model.body && model.body.served];
  $("model-info").textContent = model.ok
    ? `${t("model")}: ${model.body.name} ${model.body.version ? "v" + model.body.version : ""}` +
      ` (${served ? served[state.lang === "ja" ? 0 : 1] : model.body.served})`
    : model.status === 401 ? t("keyShort") : t("noModel");
}

// Clear: no field, memo, event, picked lead or result of the last lead is left over.
function clearAll() {
  state.picked = null; state.events = []; state.asOf = null;
  state.lastScore = null; state.lastTiming = null; state.lastError = null;
  state.unseen = {};
  for (const f of ["company_name", "industry", "region", "employees", "contact_role", "lead_source", "memo"]) {
    $(f).value = "";
  }
  document.querySelectorAll("#lead-list li").forEach((x) => x.classList.remove("on"));
  $("result").hidden = true;
  $("answer").hidden = true;
  $("error").hidden = true;
  $("error").textContent = "";
  document.querySelector("#missing tbody").innerHTML = "";
  for (const id of ["positive", "negative"]) $(id).innerHTML = "";
  $("chart").innerHTML = "";
  $("timing").className = "timing muted";
  $("timing").textContent = "—";
  $("warnings").textContent = "";
  showContext();
  renderFieldNotes();
}

start();
