// toluu default theme script. Pure progressive enhancement: without JavaScript the site
// follows prefers-color-scheme, dates show as written, and the search form opens the feeds
// page. With it: a light/dark toggle, relative dates, "new since your last visit" markers
// (kept in localStorage) and instant search over search.json. Nothing leaves the site.
(function () {
  "use strict";
  var THEME_KEY = "toluu-theme";
  var VISIT_KEY = "toluu-visit";
  // A visit ends after this long without a page view; the next one compares against it.
  var VISIT_GAP_MS = 30 * 60 * 1000;
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* storage may be blocked: the choice lasts for this page only */ }
  }

  // Apply the saved color scheme before the body paints (this script is loaded in <head>).
  var saved = load(THEME_KEY);
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);

  function currentScheme() {
    return root.getAttribute("data-theme") || (media && media.matches ? "dark" : "light");
  }

  function initToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    var sync = function () {
      button.setAttribute("aria-pressed", currentScheme() === "dark" ? "true" : "false");
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = currentScheme() === "dark" ? "light" : "dark";
      // Choosing what the system already prefers drops the override.
      var system = media && media.matches ? "dark" : "light";
      if (next === system) root.removeAttribute("data-theme");
      else root.setAttribute("data-theme", next);
      save(THEME_KEY, next === system ? null : next);
      sync();
    });
    if (media && media.addEventListener) media.addEventListener("change", sync);
  }

  // "3 days ago" after each absolute date. Only here, never in the built pages: a build
  // must not depend on the clock.
  function initRelativeDates(now) {
    if (!window.Intl || !Intl.RelativeTimeFormat) return;
    var format = new Intl.RelativeTimeFormat(root.lang || undefined, { numeric: "auto" });
    var units = [["year", 31536e6], ["month", 2592e6], ["week", 6048e5], ["day", 864e5],
      ["hour", 36e5], ["minute", 6e4]];
    var times = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var t = Date.parse(times[i].getAttribute("datetime"));
      if (isNaN(t)) continue;
      var diff = t - now, text = null;
      for (var u = 0; u < units.length && text === null; u++) {
        if (Math.abs(diff) >= units[u][1] || units[u][0] === "minute") {
          text = format.format(Math.round(diff / units[u][1]), units[u][0]);
        }
      }
      var span = document.createElement("span");
      span.className = "ago";
      span.textContent = " (" + text + ")";
      times[i].insertAdjacentElement("afterend", span);
    }
  }

  // Marks the posts published since the previous visit. A visit is a run of page views with
  // gaps under VISIT_GAP_MS; the first visit marks nothing.
  function initNewMarkers(now) {
    var visit = null;
    try {
      visit = JSON.parse(load(VISIT_KEY) || "null");
    } catch (e) { /* a damaged value starts over */ }
    if (!visit || typeof visit.last !== "number" || typeof visit.prev !== "number") {
      visit = { prev: now, last: now };
    } else if (now - visit.last > VISIT_GAP_MS) {
      visit.prev = visit.last;
    }
    visit.last = now;
    save(VISIT_KEY, JSON.stringify(visit));
    var posts = document.querySelectorAll(".post");
    var count = 0;
    for (var i = 0; i < posts.length; i++) {
      var time = posts[i].querySelector("time[datetime]");
      var t = time ? Date.parse(time.getAttribute("datetime")) : NaN;
      if (isNaN(t) || t <= visit.prev) continue;
      posts[i].classList.add("is-new");
      var badge = document.createElement("span");
      badge.className = "new-badge";
      badge.textContent = "New";
      var meta = posts[i].querySelector(".post-meta");
      if (meta) meta.insertBefore(badge, meta.firstChild);
      count++;
    }
    root.setAttribute("data-new-posts", String(count));
  }

  // Instant search over search.json: feeds, people and post titles.
  function initSearch() {
    var form = document.querySelector(".site-search");
    if (!form) return;
    var input = form.querySelector("input[type=search]");
    var panel = document.getElementById("search-results");
    if (!input || !panel) return;
    var url = form.getAttribute("data-index");
    var data = null, loading = null;
    var base = new URL(url, document.baseURI);

    function fold(s) {
      return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    }
    function fetchIndex() {
      if (!loading) {
        loading = fetch(url).then(function (r) {
          if (!r.ok) throw new Error("search index: HTTP " + r.status);
          return r.json();
        }).then(function (d) {
          data = {
            feeds: d.feeds.map(function (f) { return { t: f[0], k: fold(f[0]), href: new URL(f[1], base).href }; }),
            people: d.people.map(function (p) { return { t: p[0], k: fold(p[0]), href: new URL(p[1], base).href }; }),
            posts: d.posts.map(function (p) {
              var feed = d.feeds[p[2]];
              return { t: p[0] || "(untitled)", k: fold(p[0] + " " + (feed ? feed[0] : "")),
                href: p[1] || (feed ? new URL(feed[1], base).href : base.href),
                sub: (feed ? feed[0] : "") + (p[3] ? " · " + p[3] : "") };
            })
          };
          return data;
        });
      }
      return loading;
    }
    // Entries holding every word; those where a word starts a word of the entry come first,
    // then the index's own order (most read feeds, newest posts).
    function matches(list, words, max) {
      var out = [];
      for (var i = 0; i < list.length; i++) {
        var k = list[i].k, ok = true, score = 0;
        for (var w = 0; w < words.length && ok; w++) {
          ok = k.indexOf(words[w]) !== -1;
          if (ok && k.indexOf(words[w]) !== 0 && k.indexOf(" " + words[w]) === -1) score++;
        }
        if (ok) out.push({ item: list[i], score: score, at: i });
      }
      out.sort(function (a, b) { return a.score - b.score || a.at - b.at; });
      return out.slice(0, max).map(function (m) { return m.item; });
    }
    function group(title, items) {
      if (!items.length) return "";
      var html = "<h2>" + title + "</h2><ul role=\"list\">";
      for (var i = 0; i < items.length; i++) {
        html += "<li><a href=\"" + escapeHtml(items[i].href) + "\">" + escapeHtml(items[i].t) + "</a>" +
          (items[i].sub ? " <span class=\"search-sub\">" + escapeHtml(items[i].sub) + "</span>" : "") + "</li>";
      }
      return html + "</ul>";
    }
    function render() {
      var q = fold(input.value.trim());
      if (!q) {
        panel.hidden = true;
        panel.innerHTML = "";
        return;
      }
      var words = q.split(/\s+/);
      var people = matches(data.people, words, 5);
      var feeds = matches(data.feeds, words, 5);
      var posts = matches(data.posts, words, 10);
      var total = people.length + feeds.length + posts.length;
      panel.innerHTML = "<p class=\"search-status\" role=\"status\">" +
        (total ? total + " result" + (total === 1 ? "" : "s") : "No results") + "</p>" +
        group("People", people) + group("Feeds", feeds) + group("Posts", posts);
      panel.hidden = false;
    }
    function update() {
      if (data) render();
      else fetchIndex().then(render, function () {
        panel.innerHTML = "<p class=\"search-status\" role=\"status\">Search is unavailable.</p>";
        panel.hidden = false;
      });
    }
    input.addEventListener("input", update);
    input.addEventListener("focus", function () { fetchIndex().catch(function () {}); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      update();
      var first = panel.querySelector("a");
      if (first) first.focus();
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        panel.hidden = true;
        input.focus();
      }
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) panel.hidden = true;
    });
    // The form's no-JS target is the feeds page; arriving there with ?q= shows the results.
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      input.value = q;
      update();
    }
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function init() {
    var now = Date.now();
    initToggle();
    initRelativeDates(now);
    initNewMarkers(now);
    initSearch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
