// toluu default theme: light/dark toggle. Pure progressive enhancement: without
// JavaScript the site follows prefers-color-scheme and the button stays hidden.
(function () {
  "use strict";
  var KEY = "toluu-theme";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var v = window.localStorage.getItem(KEY);
      return v === "light" || v === "dark" ? v : null;
    } catch (e) {
      return null;
    }
  }

  // Apply the saved choice before the body paints (this script is loaded in <head>).
  var saved = stored();
  if (saved) root.setAttribute("data-theme", saved);

  function current() {
    return root.getAttribute("data-theme") || (media && media.matches ? "dark" : "light");
  }

  function init() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var sync = function () {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      // Choosing what the system already prefers drops the override.
      var system = media && media.matches ? "dark" : "light";
      if (next === system) {
        root.removeAttribute("data-theme");
      } else {
        root.setAttribute("data-theme", next);
      }
      try {
        if (next === system) window.localStorage.removeItem(KEY);
        else window.localStorage.setItem(KEY, next);
      } catch (e) { /* storage may be blocked: the choice lasts for this page only */ }
      sync();
    });
    if (media && media.addEventListener) media.addEventListener("change", sync);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
