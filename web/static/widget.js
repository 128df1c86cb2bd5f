/*
 * Founder Desk chat widget. Plain JavaScript, no build step, no external assets.
 *
 * Embed with one line:
 *   <script src="https://HOST/widget.js" data-lang="auto" defer></script>
 * Attributes: data-api   API base URL (default: the origin of this script)
 *             data-lang  "auto" (browser language) or one of the 13 codes, for the first screen
 *             data-open  "true" to open the panel on load
 *
 * /widget.js is served with window.FounderDeskI18n (languages, native names, interface strings)
 * in front of this file. Text from founders, the bot or staff is only ever put into the page with
 * textContent / createTextNode (a tiny markdown subset: **bold**, "- " lists, http(s) links).
 */
(function () {
  "use strict";
  if (window.FounderDesk && window.FounderDesk.version) return;

  var script = document.currentScript;
  var FALLBACK_EN = {
    title: "Founder Desk", subtitle: "", open: "Open chat", close: "Close chat",
    placeholder: "Type your question…", send: "Send", typing: "The assistant is typing…",
    error: "Cannot reach the server. Please check your connection.", retry: "Retry",
    sources: "Sources", language: "Language", auto: "Automatic", welcome: "Hello!",
    handoff: "A staff member has been notified and will reply here.", new: "New conversation",
    you: "You", bot: "Assistant", staff: "Staff", too_long: "Your message is too long.",
    helpful: "Helpful", not_helpful: "Not helpful", email_prompt: "Leave your e-mail in case you have to go.",
    email_label: "E-mail", email_save: "Save", email_saved: "Thank you. We will also write to {email}.",
    email_invalid: "Please enter a valid e-mail address."
  };
  var BUNDLE = window.FounderDeskI18n || {
    languages: ["en"], names: { en: "English" }, rtl: ["ar"], strings: { en: FALLBACK_EN }, max_chars: 2000
  };
  var LANGS = BUNDLE.languages;
  var MAX_CHARS = BUNDLE.max_chars || 2000;
  var REQUEST_TIMEOUT_MS = 60000;
  var POLL_MS = 5000;

  function attr(name) { return script ? script.getAttribute(name) : null; }
  var API = (attr("data-api") || (script && script.src ? new URL(script.src, location.href).origin : location.origin))
    .replace(/\/+$/, "");
  var STORE_KEY = "founderdesk:v1:" + API;

  // ---------------------------------------------------------------- languages

  function supported(code) {
    if (typeof code !== "string") return null;
    var base = code.trim().replace("_", "-").split("-")[0].toLowerCase();
    return LANGS.indexOf(base) >= 0 ? base : null;
  }
  function browserLang() {
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < list.length; i++) {
      var s = supported(list[i]);
      if (s) return s;
    }
    return null;
  }
  var PAGE_LANG = supported(attr("data-lang")) || browserLang() || "en";

  // ---------------------------------------------------------------- state

  var state = {
    id: null, token: null, language: null, chosen: null, open: false, handoff: false, contact: false, prev: null,
    lastSeq: 0, pending: [], pumping: false, historyFailed: false, stream: null, pollTimer: null
  };

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(STORE_KEY) || "{}");
      state.id = typeof saved.id === "string" ? saved.id : null;
      state.token = typeof saved.token === "string" ? saved.token : null;
      state.language = supported(saved.language);
      state.chosen = supported(saved.chosen);
      state.open = saved.open === true;
      state.prev = saved.prev && typeof saved.prev.id === "string" && typeof saved.prev.token === "string" ? saved.prev : null;
    } catch (e) { /* storage unavailable or corrupt: start fresh */ }
  }
  function save() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({
        id: state.id, token: state.token, language: state.language, chosen: state.chosen, open: state.open,
        prev: state.prev
      }));
    } catch (e) { /* private mode: the conversation lasts for this page only */ }
  }

  function uiLang() { return state.chosen || state.language || PAGE_LANG; }
  function t(key) {
    var table = BUNDLE.strings[uiLang()] || BUNDLE.strings.en || FALLBACK_EN;
    return table[key] || (BUNDLE.strings.en || FALLBACK_EN)[key] || FALLBACK_EN[key] || key;
  }

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? "" : v);
      });
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function svg(pathD) {
    var ns = "http://www.w3.org/2000/svg";
    var s = document.createElementNS(ns, "svg");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", pathD);
    p.setAttribute("fill", "currentColor");
    s.appendChild(p);
    return s;
  }

  function safeUrl(url) {
    try {
      var u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }
  function link(url, label) {
    var href = safeUrl(url);
    if (!href) return document.createTextNode(label);
    return h("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  // **bold**, [label](http...), bare http(s) URLs. Everything else is text.
  function renderInline(parent, text) {
    var re = /\*\*([^*\n]+?)\*\*|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(https?:\/\/[^\s<>"')\]]+)/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] !== undefined) {
        var b = h("strong");
        renderInline(b, m[1]);
        parent.appendChild(b);
      } else if (m[2] !== undefined) {
        parent.appendChild(link(m[3], m[2]));
      } else {
        var url = m[4].replace(/[.,;:!?]+$/, "");
        parent.appendChild(link(url, url));
        if (url.length < m[4].length) parent.appendChild(document.createTextNode(m[4].slice(url.length)));
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Paragraphs (blank line), line breaks, and "- " bullet lists.
  function renderRich(container, text) {
    var list = null, para = null;
    String(text || "").replace(/\r\n?/g, "\n").split("\n").forEach(function (line) {
      var item = /^\s*(?:-|•)\s+(.*)$/.exec(line);
      if (item) {
        para = null;
        if (!list) { list = h("ul"); container.appendChild(list); }
        var li = h("li");
        renderInline(li, item[1]);
        list.appendChild(li);
        return;
      }
      list = null;
      if (!line.trim()) { para = null; return; }
      if (!para) { para = h("p"); container.appendChild(para); } else { para.appendChild(h("br")); }
      renderInline(para, line);
    });
  }

  // ---------------------------------------------------------------- styles

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".root{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans KR','Noto Sans Arabic',sans-serif;font-size:15px;line-height:1.45;color:#1c2430}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;background:#0b5cab;color:#fff;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}",
    ".launcher svg{width:30px;height:30px}",
    ".launcher:focus-visible,button:focus-visible,select:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 112px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{background:#0b5cab;color:#fff;padding:12px 12px 10px 16px;display:flex;gap:8px;align-items:flex-start}",
    ".titles{flex:1;min-width:0}",
    "h2{margin:0;font-size:17px;font-weight:700}",
    ".subtitle{margin:2px 0 0;font-size:12.5px;opacity:.9}",
    ".tools{display:flex;gap:6px;align-items:center}",
    "select{font:inherit;font-size:13px;max-width:130px;border-radius:6px;border:1px solid rgba(255,255,255,.6);background:#0a4f93;color:#fff;padding:3px 4px}",
    ".icon{background:transparent;border:0;color:#fff;cursor:pointer;width:32px;height:32px;border-radius:6px;display:flex;align-items:center;justify-content:center}",
    ".icon:hover{background:rgba(255,255,255,.15)}",
    ".icon svg{width:20px;height:20px}",
    ".log{flex:1;overflow-y:auto;padding:14px;background:#f3f6fa;display:flex;flex-direction:column;gap:10px}",
    ".msg{display:flex;flex-direction:column;max-width:86%}",
    ".msg.founder{align-self:flex-end;align-items:flex-end}",
    ".msg.bot,.msg.staff{align-self:flex-start;align-items:flex-start}",
    ".bubble{padding:9px 13px;border-radius:14px;background:#fff;border:1px solid #dfe5ec;overflow-wrap:anywhere;unicode-bidi:plaintext}",
    ":lang(ko) .bubble,:lang(ko) .welcome{word-break:keep-all}",
    ".founder .bubble{background:#0b5cab;color:#fff;border-color:#0b5cab;white-space:pre-wrap}",
    ".founder .bubble a{color:#fff}",
    ".staff .bubble{background:#fff8e8;border-color:#f0d199}",
    ".who{font-size:11.5px;color:#5b6776;margin:0 4px 2px}",
    ".bubble p{margin:0 0 6px}.bubble p:last-child{margin-bottom:0}",
    ".bubble ul{margin:4px 0 6px;padding-inline-start:20px}",
    ".bubble a{color:#0b5cab}",
    ".msg.sending .bubble{opacity:.7}",
    ".msg.failed .bubble{opacity:.6;border:1px dashed #b3261e}",
    ".sources{font-size:12.5px;margin:4px 4px 0;color:#5b6776}",
    ".sources ul{margin:2px 0 0;padding-inline-start:18px}",
    ".quick{display:flex;flex-wrap:wrap;gap:6px;align-self:stretch}",
    ".quick button{font:inherit;font-size:13.5px;border:1px solid #0b5cab;color:#0b5cab;background:#fff;border-radius:16px;padding:5px 12px;cursor:pointer}",
    ".quick button:hover{background:#e8f1fb}",
    ".notice{font-size:12.5px;text-align:center;color:#5b6776;margin:2px 0}",
    ".typing{padding:0 14px 6px;background:#f3f6fa;color:#5b6776;font-size:12.5px;display:flex;gap:8px;align-items:center}",
    ".typing[hidden]{display:none}",
    ".dots span{display:inline-block;width:7px;height:7px;margin:0 1px;border-radius:50%;background:#8a96a5;animation:fd-b 1.2s infinite ease-in-out}",
    ".dots span:nth-child(2){animation-delay:.15s}.dots span:nth-child(3){animation-delay:.3s}",
    "@keyframes fd-b{0%,80%,100%{transform:translateY(0);opacity:.5}40%{transform:translateY(-4px);opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.dots span{animation:none}}",
    ".error{background:#fdecea;color:#7a1c14;padding:8px 12px;font-size:13.5px;display:flex;gap:10px;align-items:center;border-top:1px solid #f5c2bd}",
    ".error[hidden]{display:none}",
    ".error span{flex:1}",
    ".error button{font:inherit;font-size:13px;border:1px solid #7a1c14;background:#fff;color:#7a1c14;border-radius:6px;padding:4px 10px;cursor:pointer}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #dfe5ec;background:#fff}",
    "textarea{flex:1;font:inherit;resize:none;border:1px solid #c4cdd8;border-radius:10px;padding:8px 10px;max-height:120px;min-height:40px;unicode-bidi:plaintext}",
    ".send{border:0;background:#0b5cab;color:#fff;border-radius:10px;padding:0 14px;font:inherit;font-weight:600;cursor:pointer}",
    ".send:disabled{opacity:.5;cursor:default}",
    ".feedback{display:flex;gap:4px;margin:3px 4px 0}",
    ".thumb{font-size:13px;line-height:1;border:1px solid #dfe5ec;background:#fff;border-radius:12px;padding:2px 7px;cursor:pointer;opacity:.75}",
    ".thumb[aria-pressed=true]{opacity:1;border-color:#0b5cab;background:#e8f1fb}",
    "form.email{flex-direction:column;gap:6px;border:1px solid #dfe5ec;border-radius:10px;padding:10px;align-self:stretch}",
    "form.email label{display:flex;flex-direction:column;gap:6px;font-size:13px}",
    "form.email input{font:inherit;border:1px solid #c4cdd8;border-radius:8px;padding:6px 8px}",
    "form.email button{align-self:flex-start;border:0;background:#0b5cab;color:#fff;border-radius:8px;padding:5px 12px;font:inherit;cursor:pointer}",
    ".email-status{margin:0;font-size:12.5px;color:#7a1c14}",
    "@media (max-width:600px){.panel{inset:0;right:0;bottom:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}.launcher.hidden-mobile{display:none}}"
  ].join("\n");

  // ---------------------------------------------------------------- build UI

  var ui = {};

  function build() {
    var host = h("div", { id: "founderdesk-widget" });
    var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = h("style");
    style.textContent = CSS;
    shadow.appendChild(style);

    ui.launcher = h("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "fd-panel",
      onclick: function () { state.open ? close() : open(); }
    }, [svg("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-4.5 4V5A2 2 0 0 1 4 3zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z")]);

    ui.title = h("h2", { id: "fd-title" });
    ui.subtitle = h("p", { class: "subtitle" });
    ui.langLabel = h("label", { class: "sr", for: "fd-lang" });
    ui.select = h("select", { id: "fd-lang", onchange: onLanguageChange });
    ui.newBtn = h("button", { class: "icon new", type: "button", onclick: reset },
      [svg("M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z")]);
    ui.closeBtn = h("button", { class: "icon close", type: "button", onclick: function () { close(); } },
      [svg("M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z")]);
    var header = h("header", null, [
      h("div", { class: "titles" }, [ui.title, ui.subtitle]),
      h("div", { class: "tools" }, [ui.langLabel, ui.select, ui.newBtn, ui.closeBtn])
    ]);

    ui.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    ui.typingText = h("span");
    ui.typing = h("div", { class: "typing", role: "status", hidden: true },
      [h("span", { class: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]), ui.typingText]);
    ui.errorText = h("span");
    ui.retry = h("button", { type: "button", onclick: retry });
    ui.error = h("div", { class: "error", role: "alert", hidden: true }, [ui.errorText, ui.retry]);

    ui.input = h("textarea", { rows: "1", maxlength: String(MAX_CHARS), onkeydown: onKey, oninput: autosize });
    ui.send = h("button", { class: "send", type: "submit" });
    ui.form = h("form", { onsubmit: function (e) { e.preventDefault(); submit(); } }, [ui.input, ui.send]);

    ui.panel = h("section", {
      class: "panel root", id: "fd-panel", role: "dialog", "aria-labelledby": "fd-title", hidden: true,
      onkeydown: function (e) { if (e.key === "Escape") { e.preventDefault(); close(); } }
    }, [header, ui.log, ui.typing, ui.error, ui.form]);

    var wrapper = h("div", { class: "root" }, [ui.launcher, ui.panel]);
    shadow.appendChild(wrapper);
    document.body.appendChild(host);
    ui.host = host;
  }

  function fillLanguages() {
    var sel = ui.select;
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    sel.appendChild(h("option", { value: "", text: t("auto") }));
    LANGS.forEach(function (code) {
      sel.appendChild(h("option", { value: code, lang: code, text: BUNDLE.names[code] || code }));
    });
    sel.value = state.chosen || "";
  }

  function applyLanguage() {
    var lang = uiLang();
    var rtl = (BUNDLE.rtl || ["ar"]).indexOf(lang) >= 0;
    ui.panel.setAttribute("lang", lang);
    ui.panel.setAttribute("dir", rtl ? "rtl" : "ltr");
    ui.title.textContent = t("title");
    ui.subtitle.textContent = t("subtitle");
    ui.launcher.setAttribute("aria-label", state.open ? t("close") : t("open"));
    ui.launcher.setAttribute("title", state.open ? t("close") : t("open"));
    ui.langLabel.textContent = t("language");
    ui.select.setAttribute("aria-label", t("language"));
    ui.select.setAttribute("title", t("language"));
    ui.newBtn.setAttribute("aria-label", t("new"));
    ui.newBtn.setAttribute("title", t("new"));
    ui.closeBtn.setAttribute("aria-label", t("close"));
    ui.closeBtn.setAttribute("title", t("close"));
    ui.input.setAttribute("placeholder", t("placeholder"));
    ui.input.setAttribute("aria-label", t("placeholder"));
    ui.send.textContent = t("send");
    ui.typingText.textContent = t("typing");
    ui.retry.textContent = t("retry");
    fillLanguages();
    var welcome = ui.log.querySelector(".welcome .bubble");
    if (welcome) { while (welcome.firstChild) welcome.removeChild(welcome.firstChild); renderRich(welcome, t("welcome")); }
    var notice = ui.log.querySelector(".notice.handoff");
    if (notice) notice.textContent = t("handoff");
    ui.log.querySelectorAll(".msg").forEach(function (row) {
      var who = row.querySelector(".who");
      if (who) who.textContent = t(row.getAttribute("data-role") === "founder" ? "you" : row.getAttribute("data-role"));
      var srcLabel = row.querySelector(".sources-label");
      if (srcLabel) srcLabel.textContent = t("sources");
      row.querySelectorAll(".thumb").forEach(function (b) {
        b.setAttribute("aria-label", t(b.getAttribute("data-key")));
        b.setAttribute("title", t(b.getAttribute("data-key")));
      });
    });
  }

  // ---------------------------------------------------------------- messages

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  function clearQuickReplies() {
    ui.log.querySelectorAll(".quick").forEach(function (q) { q.parentNode.removeChild(q); });
  }

  function showWelcome() {
    if (ui.log.querySelector(".welcome")) return;
    var bubble = h("div", { class: "bubble", dir: "auto" });
    renderRich(bubble, t("welcome"));
    ui.log.insertBefore(h("div", { class: "msg bot welcome", "data-role": "bot" }, [bubble]), ui.log.firstChild);
  }

  function messageRow(role, text, sources) {
    var row = h("div", { class: "msg " + role, "data-role": role });
    if (role !== "founder") row.appendChild(h("span", { class: "who", text: t(role) }));
    else row.appendChild(h("span", { class: "sr who", text: t("you") }));
    var bubble = h("div", { class: "bubble", dir: "auto" });
    if (role === "founder") bubble.textContent = text;
    else renderRich(bubble, text);
    row.appendChild(bubble);
    var usable = (sources || []).filter(function (s) { return s && (s.title || s.url); });
    if (usable.length) {
      var list = h("ul");
      usable.forEach(function (s) {
        list.appendChild(h("li", null, [s.url ? link(s.url, s.title || s.url) : document.createTextNode(s.title)]));
      });
      row.appendChild(h("div", { class: "sources" }, [h("span", { class: "sources-label", text: t("sources") }), list]));
    }
    return row;
  }

  function showQuickReplies(buttons) {
    clearQuickReplies();
    if (!buttons || !buttons.length) return;
    var group = h("div", { class: "quick", role: "group" });
    buttons.forEach(function (b) {
      group.appendChild(h("button", {
        type: "button", text: b.title, dir: "auto",
        onclick: function () { send(String(b.payload), b.title); }
      }));
    });
    ui.log.appendChild(group);
  }

  function setHandoff(on) {
    state.handoff = !!on;
    var notice = ui.log.querySelector(".notice.handoff");
    if (on && !notice) ui.log.appendChild(h("p", { class: "notice handoff", text: t("handoff") }));
    else if (on && notice) ui.log.appendChild(notice); // keep it last
    else if (!on && notice) notice.parentNode.removeChild(notice); // the bot answers again
    if (on && !state.contact) showEmailForm();
    if (!on) hideEmailForm();
  }

  // ---------------------------------------------------------------- handoff: thumbs + e-mail

  var EMAIL_RE = /^[^@\s<>"',;]+@[^@\s<>"',;]+\.[^@\s<>"',;]{2,}$/;

  function feedbackButtons(seq) {
    var group = h("div", { class: "feedback", role: "group" });
    [["up", "helpful", "\uD83D\uDC4D"], ["down", "not_helpful", "\uD83D\uDC4E"]].forEach(function (f) {
      group.appendChild(h("button", {
        type: "button", class: "thumb " + f[0], text: f[2], "aria-label": t(f[1]), title: t(f[1]),
        "data-key": f[1], "aria-pressed": "false",
        onclick: function () { sendFeedback(seq, f[0], group); }
      }));
    });
    return group;
  }

  function sendFeedback(seq, value, group) {
    if (!state.id) return;
    group.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.classList.contains(value) ? "true" : "false");
    });
    request("POST", "/api/chat/" + encodeURIComponent(state.id) + "/feedback", { seq: seq, value: value },
      { "X-Conversation-Token": state.token }).then(function (res) {
      if (res.status === 200 && res.data) {
        if (res.data.handoff) setHandoff(true);
        return sync().then(function () { openStream(); });
      }
    }).catch(function () { showError(t("error"), true); });
  }

  function showEmailForm() {
    if (!ui.log || !state.id || state.contact) return;
    var existing = ui.log.querySelector(".email");
    if (existing) { ui.log.appendChild(existing); return; }
    var input = h("input", { type: "email", autocomplete: "email", maxlength: "254", dir: "ltr" });
    var status = h("p", { class: "email-status", role: "status" });
    var label = h("label", null, [h("span", { class: "email-prompt", text: t("email_prompt") }), input]);
    input.setAttribute("aria-label", t("email_label"));
    input.setAttribute("placeholder", t("email_label"));
    var button = h("button", { type: "submit", text: t("email_save") });
    var form = h("form", { class: "email", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var value = input.value.trim();
      if (!EMAIL_RE.test(value) || value.length > 254) { status.textContent = t("email_invalid"); input.focus(); return; }
      request("POST", "/api/chat/" + encodeURIComponent(state.id) + "/contact", { email: value },
        { "X-Conversation-Token": state.token }).then(function (res) {
        if (res.status === 200) {
          state.contact = true;
          var done = h("p", { class: "notice email-saved", text: t("email_saved").replace("{email}", value) });
          form.parentNode.replaceChild(done, form);
        } else {
          status.textContent = t("email_invalid");
        }
      }).catch(function () { status.textContent = t("error"); });
    } }, [label, button, status]);
    ui.log.appendChild(form);
    scrollDown();
  }

  function hideEmailForm() {
    var form = ui.log && ui.log.querySelector("form.email");
    if (form) form.parentNode.removeChild(form);
  }

  // A message from the server (history, sync or stream). Deduplicated by seq.
  function receive(m) {
    if (!m || typeof m.seq !== "number" || m.seq <= state.lastSeq) return;
    state.lastSeq = m.seq;
    if (m.role === "founder") {
      for (var i = 0; i < state.pending.length; i++) {
        var p = state.pending[i];
        if (p.status !== "failed" && (p.display || p.text) === m.text) {
          p.row.setAttribute("data-seq", String(m.seq));
          p.row.classList.remove("sending");
          state.pending.splice(i, 1);
          return;
        }
      }
    }
    clearQuickReplies();
    var row = messageRow(m.role, m.text, m.sources);
    row.setAttribute("data-seq", String(m.seq));
    if (m.role === "bot" && !m.kind && m.text) row.appendChild(feedbackButtons(m.seq));
    ui.log.appendChild(row);
    if (m.role !== "founder") showQuickReplies(m.buttons);
    if (m.kind === "handoff" || m.kind === "rasa_unavailable" || m.kind === "staff_joined") setHandoff(true);
    if (m.kind === "bot_back") setHandoff(false);
    var form = ui.log.querySelector("form.email");
    if (form) ui.log.appendChild(form); // keep the e-mail form last
    scrollDown();
  }

  // ---------------------------------------------------------------- network

  function request(method, path, body, headers) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var opts = { method: method, headers: headers || {}, credentials: "omit", signal: ctrl ? ctrl.signal : undefined };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(API + path, opts).then(function (r) {
      clearTimeout(timer);
      return r.json().catch(function () { return null; }).then(function (data) {
        return { status: r.status, data: data };
      });
    }, function (err) { clearTimeout(timer); throw err; });
  }

  function forgetConversation() {
    closeStream();
    state.id = null; state.token = null; state.language = null; state.lastSeq = 0;
    save();
  }

  // Fetch messages after lastSeq. Resolves true on success, false if the conversation is gone.
  function sync() {
    if (!state.id) return Promise.resolve(true);
    var path = "/api/chat/" + encodeURIComponent(state.id) + "/messages?after=" + state.lastSeq;
    return request("GET", path, undefined, { "X-Conversation-Token": state.token }).then(function (res) {
      if (res.status === 403 || res.status === 404) { forgetConversation(); return false; }
      if (res.status !== 200 || !res.data) throw new Error("HTTP " + res.status);
      (res.data.messages || []).forEach(receive);
      if (res.data.language && !state.chosen) { state.language = supported(res.data.language); save(); applyLanguage(); }
      state.contact = !!res.data.contact;
      setHandoff(res.data.handoff);
      return true;
    });
  }

  function loadHistory() {
    state.historyFailed = false;
    return sync().then(function () { hideError(); }, function () {
      state.historyFailed = true;
      showError(t("error"), true);
    });
  }

  function openStream() {
    if (!state.open || !state.id || state.stream || state.pollTimer) return;
    if (!window.EventSource) { startPolling(); return; }
    var url = API + "/api/chat/" + encodeURIComponent(state.id) + "/stream?after=" + state.lastSeq +
      "&token=" + encodeURIComponent(state.token);
    var es = new EventSource(url);
    es.onmessage = function (e) {
      try { receive(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ }
    };
    es.onerror = function () {
      if (es.readyState === 2) { // CLOSED: the server refused; fall back to polling
        state.stream = null;
        startPolling();
      }
    };
    state.stream = es;
  }
  function startPolling() {
    if (state.pollTimer || !state.open) return;
    state.pollTimer = setInterval(function () { sync().catch(function () {}); }, POLL_MS);
  }
  function closeStream() {
    if (state.stream) { state.stream.close(); state.stream = null; }
    if (state.pollTimer) { clearInterval(state.pollTimer); state.pollTimer = null; }
  }

  // ---------------------------------------------------------------- sending

  function submit() {
    var text = ui.input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) { showError(t("too_long"), false); return; }
    ui.input.value = "";
    autosize();
    send(text, null);
  }

  function send(text, display) {
    hideError();
    clearQuickReplies();
    var row = messageRow("founder", display || text, null);
    row.classList.add("sending");
    ui.log.appendChild(row);
    scrollDown();
    state.pending.push({ text: text, display: display, row: row, status: "queued" });
    pump();
  }

  // Deliver queued messages one at a time, in order (the first one creates the conversation).
  function pump() {
    if (state.pumping) return;
    var next = null;
    for (var i = 0; i < state.pending.length; i++) {
      if (state.pending[i].status === "queued") { next = state.pending[i]; break; }
    }
    if (!next) { setTyping(false); return; }
    state.pumping = true;
    setTyping(true);
    deliver(next).then(function (ok) {
      state.pumping = false;
      if (ok) pump(); else setTyping(false);
    });
  }

  function deliver(p) {
    p.status = "sending";
    var body = { text: p.text, language: state.chosen || browserLang() || PAGE_LANG, language_locked: !!state.chosen };
    if (p.display) body.display = p.display;
    if (state.id) { body.conversation_id = state.id; body.token = state.token; }
    else if (state.prev) { body.previous_conversation_id = state.prev.id; body.previous_token = state.prev.token; }
    return request("POST", "/api/chat", body).then(function (res) {
      var data = res.data || {};
      if (res.status === 200 && data.conversation_id) {
        p.status = "sent";
        var isNew = state.id !== data.conversation_id;
        if (isNew) state.contact = false;
        state.id = data.conversation_id;
        state.token = data.token || state.token;
        state.language = supported(data.language) || state.language;
        save();
        applyLanguage();
        if (isNew) closeStream();
        // The store is the source of truth: fetch the founder message and replies with their seq.
        return sync().then(function () {
          setHandoff(data.handoff || state.handoff);
          openStream();
          return true;
        }, function () { showError(t("error"), true); state.historyFailed = true; return true; });
      }
      if ((res.status === 403 || res.status === 404) && state.id && !p.restarted) {
        forgetConversation(); // the server no longer knows this conversation: start a new one
        p.restarted = true;
        return deliver(p);
      }
      if (res.status === 400 || res.status === 413) {
        fail(p);
        state.pending.splice(state.pending.indexOf(p), 1);
        showError(data.error === "text_too_long" || res.status === 413 ? t("too_long") : (data.message || t("error")), false);
        return true;
      }
      throw new Error("HTTP " + res.status);
    }).catch(function () {
      fail(p);
      showError(t("error"), true);
      return false;
    });
  }

  function fail(p) {
    p.status = "failed";
    p.row.classList.remove("sending");
    p.row.classList.add("failed");
  }

  function retry() {
    hideError();
    if (state.historyFailed) loadHistory();
    state.pending.forEach(function (p) {
      if (p.status === "failed") { p.status = "queued"; p.row.classList.remove("failed"); p.row.classList.add("sending"); }
    });
    pump();
    ui.input.focus();
  }

  // ---------------------------------------------------------------- UI events

  function setTyping(on) {
    ui.typing.hidden = !on;
    if (on) scrollDown();
  }
  function showError(message, canRetry) {
    ui.errorText.textContent = message;
    ui.retry.hidden = !canRetry;
    ui.error.hidden = false;
  }
  function hideError() { ui.error.hidden = true; }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, 120) + "px";
  }

  function onKey(e) {
    // Enter sends; Shift+Enter is a new line; never send while an IME is composing (ko/ja/zh input).
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  }

  function onLanguageChange() {
    state.chosen = supported(ui.select.value);
    save();
    applyLanguage();
    ui.select.focus();
  }

  function open() {
    state.open = true;
    save();
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.classList.add("hidden-mobile");
    applyLanguage();
    scrollDown();
    ui.input.focus();
    if (state.id) sync().then(openStream, function () {});
  }

  function close() {
    state.open = false;
    save();
    closeStream();
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.classList.remove("hidden-mobile");
    applyLanguage();
    ui.launcher.focus();
  }

  function reset() {
    if (state.id && state.token) state.prev = { id: state.id, token: state.token }; // same founder, new topic
    forgetConversation();
    state.pending = [];
    state.handoff = false;
    state.contact = false;
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    hideError();
    setTyping(false);
    showWelcome();
    applyLanguage();
    ui.input.focus();
  }

  // ---------------------------------------------------------------- start

  function start() {
    load();
    build();
    showWelcome();
    applyLanguage();
    if (state.id) loadHistory();
    if (state.open || attr("data-open") === "true") open();
    window.FounderDesk = { version: "1", open: open, close: close, reset: reset };
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
