/*
 * Staff console live updates. Plain JavaScript, no external assets.
 * Listens to the staff event stream and refreshes from the staff API with the session cookie: the
 * pending badge (+ optional sound) on every page, the queue table on /console/, the transcript on a
 * conversation page. Everything founders wrote
 * is put into the page with textContent only.
 */
(function () {
  "use strict";
  var table = document.getElementById("queue");
  var transcript = document.getElementById("transcript");
  var host = table || transcript || document.body;
  var POLL_MS = Math.max(500, (parseFloat(host.getAttribute("data-poll")) || 3) * 1000);
  var badge = document.getElementById("pending-badge");
  var soundToggle = document.getElementById("sound-toggle");
  var lastPending = null;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("logged out"); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function localTime(ts) {
    if (!ts) return "";
    var d = new Date(ts);
    return isNaN(d) ? ts : d.toLocaleString();
  }

  // ---------------------------------------------------------------- badge + sound
  if (soundToggle) {
    try { soundToggle.checked = localStorage.getItem("fd-console-sound") === "1"; } catch (e) { /* ignore */ }
    soundToggle.addEventListener("change", function () {
      try { localStorage.setItem("fd-console-sound", soundToggle.checked ? "1" : "0"); } catch (e) { /* ignore */ }
    });
  }
  function beep() {
    if (!soundToggle || !soundToggle.checked) return;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* audio blocked */ }
  }
  function pollSummary() {
    return getJSON("/api/staff/summary").then(function (s) {
      if (badge) {
        badge.textContent = String(s.pending);
        badge.hidden = !s.pending;
      }
      document.title = document.title.replace(/^\(\d+\) /, "");
      if (s.pending) document.title = "(" + s.pending + ") " + document.title;
      if (lastPending !== null && s.pending > lastPending) beep();
      lastPending = s.pending;
    });
  }

  // ---------------------------------------------------------------- queue
  function renderQueue(rows) {
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    if (!rows.length) {
      var tr = el("tr", null, "empty"), td = el("td", "No conversations.", "muted");
      td.colSpan = 7; tr.appendChild(td); body.appendChild(tr);
      return;
    }
    rows.forEach(function (c) {
      var tr = el("tr");
      tr.setAttribute("data-id", c.id);
      var link = el("a");
      link.href = "/console/c/" + encodeURIComponent(c.id);
      link.appendChild(el("span", c.state, "state state-" + c.state));
      var first = el("td"); first.appendChild(link); tr.appendChild(first);
      tr.appendChild(el("td", c.language));
      tr.appendChild(el("td", localTime(c.waiting_since)));
      tr.appendChild(el("td", c.assignee || "—"));
      tr.appendChild(el("td", c.category || ""));
      tr.appendChild(el("td", c.reason || ""));
      var last = el("td", (c.last_founder_text || "").slice(0, 80));
      last.dir = "auto";
      tr.appendChild(last);
      body.appendChild(tr);
    });
  }
  function pollQueue() {
    return getJSON("/api/staff/conversations" + window.location.search).then(function (data) {
      renderQueue(data.conversations || []);
    });
  }

  // ---------------------------------------------------------------- transcript
  function messageItem(m) {
    var li = el("li", null, "msg msg-" + m.role);
    li.setAttribute("data-seq", String(m.seq));
    var meta = "#" + m.seq + " · " + m.role + (m.meta && m.meta.user ? " (" + m.meta.user + ")" : "") +
      " · " + localTime(m.created_at) + " · lang " + (m.language || "?") +
      (typeof m.language_confidence === "number" ? " (" + m.language_confidence.toFixed(2) + ")" : "") +
      (m.kind ? " · " + m.kind : "");
    li.appendChild(el("div", meta, "msg-meta"));
    var text = el("div", m.text, "msg-text");
    text.dir = "auto";
    li.appendChild(text);
    return li;
  }
  function pollTranscript() {
    var id = transcript.getAttribute("data-id");
    var after = transcript.getAttribute("data-after") || "0";
    return getJSON("/api/staff/conversations/" + encodeURIComponent(id) + "/messages?after=" + after).then(function (data) {
      (data.messages || []).forEach(function (m) {
        if (transcript.querySelector('[data-seq="' + m.seq + '"]')) return;
        transcript.appendChild(messageItem(m));
        transcript.setAttribute("data-after", String(m.seq));
        transcript.scrollTop = transcript.scrollHeight;
      });
      var stateLabel = document.getElementById("conv-state");
      if (stateLabel && data.state && stateLabel.textContent !== data.state) {
        stateLabel.textContent = data.state;
        stateLabel.className = "state state-" + data.state;
      }
    });
  }
  if (transcript) transcript.scrollTop = transcript.scrollHeight;

  var canned = document.getElementById("canned-select");
  var replyText = document.getElementById("reply-text");
  if (canned && replyText) {
    canned.addEventListener("change", function () {
      if (canned.value) { replyText.value = canned.value; replyText.focus(); }
    });
  }

  // ---------------------------------------------------------------- live updates
  // The staff stream says "changed" the moment any conversation changes; the page then fetches
  // what it shows. Without a stream (old browser, proxy, logged out) it polls every POLL_MS, and
  // with one it still checks every FALLBACK_MS in case an event was lost.
  var FALLBACK_MS = 30000;
  var live = false, running = null, again = false;
  function refresh() {
    if (running) { again = true; return running; }
    var jobs = [pollSummary()];
    if (table) jobs.push(pollQueue());
    if (transcript) jobs.push(pollTranscript());
    running = Promise.all(jobs.map(function (p) { return p.catch(function () { return null; }); })).then(function () {
      running = null;
      if (again) { again = false; return refresh(); }
    });
    return running;
  }
  function loop() {
    refresh().then(function () { setTimeout(loop, live ? FALLBACK_MS : POLL_MS); });
  }
  if (window.EventSource) {
    var stream = new EventSource("/api/staff/stream");
    stream.addEventListener("open", function () { live = true; host.setAttribute("data-live", "1"); refresh(); });
    stream.addEventListener("changed", function () { refresh(); });
    stream.addEventListener("error", function () { live = false; host.setAttribute("data-live", "0"); });
  }
  loop();
})();
