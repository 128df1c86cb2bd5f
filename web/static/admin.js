/* Founder Desk admin: language tabs, confirmations, and a warning before leaving unsaved edits.
 * Plain JS, no dependencies; every page works without it (all language panels are then shown). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // ---- language tabs on the programme form
  var form = document.getElementById("program-form");
  if (form) {
    var tabs = Array.prototype.slice.call(form.querySelectorAll('[role="tab"]'));
    var panels = Array.prototype.slice.call(form.querySelectorAll('[role="tabpanel"]'));
    var tabField = form.querySelector('input[name="tab"]');
    var previewLang = form.querySelector('input[name="preview_lang"]');
    var select = function (lang, focus) {
      tabs.forEach(function (tab) {
        var on = tab.getAttribute("data-lang") === lang;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) tab.focus();
      });
      panels.forEach(function (panel) { panel.hidden = panel.getAttribute("data-lang") !== lang; });
      if (tabField) tabField.value = lang;
      if (previewLang) previewLang.value = lang;
    };
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(tab.getAttribute("data-lang"), false); });
      tab.addEventListener("keydown", function (e) {
        var next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
        if (next === null) return;
        e.preventDefault();
        select(tabs[(next + tabs.length) % tabs.length].getAttribute("data-lang"), true);
      });
    });
    var wanted = (tabField && tabField.value) || new URLSearchParams(location.search).get("lang");
    var first = tabs.filter(function (t) { return t.getAttribute("data-lang") === wanted; })[0] || tabs[0];
    if (first) select(first.getAttribute("data-lang"), false);

    // ---- warn before leaving with unsaved edits
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function (e) {
      var submitter = e.submitter;
      if (!submitter || !submitter.hasAttribute("formtarget")) dirty = false;
    });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  // ---- confirmations (archive, restore)
  document.addEventListener("submit", function (e) {
    var button = e.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  });
})();
